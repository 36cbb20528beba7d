// Validators and conditional requests for the calendar answers: a strong
// ETag and Last-Modified on every answer, and 304 decided before any event is
// read (RFC 9110 §13.2.2: If-None-Match wins over If-Modified-Since).
#pragma once

#include "module/ngx.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace civic::module {

// A request header by its lower-case name; empty if absent.
std::string_view request_header(ngx_http_request_t* r, std::string_view lowercase_name);

// "https://example.org" or "http://127.0.0.1:8080": scheme and Host of the request.
std::string request_origin(ngx_http_request_t* r);

// True if the client's copy (If-None-Match, else If-Modified-Since) is current.
bool client_copy_is_current(ngx_http_request_t* r, std::string_view etag, std::int64_t last_modified);

// ETag, Last-Modified and Cache-Control: public, max-age=`max_age`.
ngx_int_t set_validators(ngx_http_request_t* r, std::string_view etag, std::int64_t last_modified,
                         std::int64_t max_age);

// 304 with the validators set before.
ngx_int_t send_not_modified(ngx_http_request_t* r);

}  // namespace civic::module
