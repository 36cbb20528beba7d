#include "module/response.hpp"

#include <cstring>
#include <string>

#include "common/json_error.hpp"

namespace civic::module {

namespace {

bool copy_to_pool(ngx_pool_t* pool, std::string_view from, ngx_str_t& to) {
  to.len = from.size();
  to.data = static_cast<u_char*>(ngx_pnalloc(pool, from.size() ? from.size() : 1));
  if (to.data == nullptr) return false;
  if (!from.empty()) std::memcpy(to.data, from.data(), from.size());
  return true;
}

}  // namespace

ngx_int_t add_header(ngx_http_request_t* r, std::string_view name, std::string_view value) {
  auto* h = static_cast<ngx_table_elt_t*>(ngx_list_push(&r->headers_out.headers));
  if (h == nullptr) return NGX_ERROR;
  h->hash = 1;
  h->lowcase_key = nullptr;
#if nginx_version >= 1023000
  h->next = nullptr;  // the field exists since nginx 1.23
#endif
  if (!copy_to_pool(r->pool, name, h->key) || !copy_to_pool(r->pool, value, h->value))
    return NGX_ERROR;
  return NGX_OK;
}

ngx_int_t send_body(ngx_http_request_t* r, ngx_uint_t status, std::string_view content_type,
                    std::string_view body) {
  r->headers_out.status = status;
  // nginx 1.22 has no reason phrase of its own for 422 (RFC 9110 §15.5.21).
  if (status == kUnprocessableContent) {
    ngx_str_set(&r->headers_out.status_line, "422 Unprocessable Content");
  }
  r->headers_out.content_length_n = static_cast<off_t>(body.size());
  if (!copy_to_pool(r->pool, content_type, r->headers_out.content_type)) return NGX_ERROR;
  r->headers_out.content_type_len = r->headers_out.content_type.len;
  r->headers_out.content_type_lowcase = nullptr;

  if (body.empty()) r->header_only = 1;
  ngx_int_t rc = ngx_http_send_header(r);
  if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) return rc;

  ngx_buf_t* b = ngx_create_temp_buf(r->pool, body.size());
  if (b == nullptr) return NGX_ERROR;
  b->last = ngx_cpymem(b->last, body.data(), body.size());
  b->last_buf = (r == r->main) ? 1 : 0;
  b->last_in_chain = 1;
  ngx_chain_t out{b, nullptr};
  return ngx_http_output_filter(r, &out);
}

ngx_int_t send_json(ngx_http_request_t* r, ngx_uint_t status, std::string_view body) {
  return send_body(r, status, "application/json", body);
}

ngx_int_t send_error(ngx_http_request_t* r, ngx_uint_t status, std::string_view message,
                     std::string_view field) {
  return send_json(r, status, json_error(message, field));
}

ngx_int_t send_method_not_allowed(ngx_http_request_t* r, std::string_view allow) {
  if (add_header(r, "Allow", allow) != NGX_OK) return NGX_ERROR;
  std::string message = "method not allowed here; allowed: ";
  message += allow;
  return send_error(r, NGX_HTTP_NOT_ALLOWED, message);
}

std::string_view path_after_prefix(ngx_http_request_t* r, const ngx_str_t& prefix) {
  std::string_view uri = ngx::view(r->uri);
  std::string_view pre = ngx::view(prefix);
  if (uri.starts_with(pre)) uri.remove_prefix(pre.size());
  while (!uri.empty() && uri.front() == '/') uri.remove_prefix(1);
  return uri;
}

}  // namespace civic::module
