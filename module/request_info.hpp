// What the core needs to know of a request's origin and headers.
#pragma once

#include "module/ngx.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace civic::module {

// Every value of a request header (any letter case), in the order sent.
std::vector<std::string_view> request_headers(ngx_http_request_t* r, std::string_view name);
// The first value of a request header; empty if absent.
std::string_view request_header(ngx_http_request_t* r, std::string_view name);

// "https://example.org" or "http://127.0.0.1:8080": scheme and Host of the request.
std::string request_origin(ngx_http_request_t* r);

}  // namespace civic::module
