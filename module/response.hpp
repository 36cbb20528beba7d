// Writing answers: headers and a body copied into the request pool.
#pragma once

#include "module/ngx.hpp"

#include <string_view>

namespace civic::module {

// RFC 9110 §15.5.21; send_body writes its reason phrase (nginx 1.22 has none).
inline constexpr ngx_uint_t kUnprocessableContent = 422;

// Adds a response header; the strings are copied into the request pool.
ngx_int_t add_header(ngx_http_request_t* r, std::string_view name, std::string_view value);

// Sends a complete answer. For HEAD only the headers go out.
ngx_int_t send_body(ngx_http_request_t* r, ngx_uint_t status, std::string_view content_type,
                    std::string_view body);

ngx_int_t send_json(ngx_http_request_t* r, ngx_uint_t status, std::string_view body);

// {"error": message, "field": field}
ngx_int_t send_error(ngx_http_request_t* r, ngx_uint_t status, std::string_view message,
                     std::string_view field = {});

// 405 with the Allow header.
ngx_int_t send_method_not_allowed(ngx_http_request_t* r, std::string_view allow);

// The request path after the location's prefix, e.g. "status" for
// /admin/status in location /admin/.
std::string_view path_after_prefix(ngx_http_request_t* r, const ngx_str_t& prefix);

}  // namespace civic::module
