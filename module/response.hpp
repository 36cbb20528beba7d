// Sending what the core answered (common/reply.hpp) through nginx.
#pragma once

#include "module/ngx.hpp"

#include <string_view>

#include "common/reply.hpp"

namespace civic::module {

using civic::kUnprocessableContent;

// Adds a response header; the strings are copied into the request pool.
ngx_int_t add_header(ngx_http_request_t* r, std::string_view name, std::string_view value);

// Sends a reply: status (with its reason phrase where nginx has none),
// headers, Last-Modified, the body (HEAD: the headers only). A shared body
// goes out without a copy; the request holds it until nginx is done.
ngx_int_t send_reply(ngx_http_request_t* r, Reply reply);

// The status line and headers of `reply` only, with Content-Length `length`
// (-1: not known ahead, sent chunked); for a body sent in parts after them.
ngx_int_t send_reply_headers(ngx_http_request_t* r, const Reply& reply, off_t length);

// The request path after the location's prefix, e.g. "status" for
// /admin/status in location /admin/.
std::string_view path_after_prefix(ngx_http_request_t* r, const ngx_str_t& prefix);

}  // namespace civic::module
