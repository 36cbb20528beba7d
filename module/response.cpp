#include "module/response.hpp"

#include <cstring>
#include <string>

#include <memory>

#include "module/store_full_log.hpp"

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

namespace {

void release_shared(void* data) { delete static_cast<std::shared_ptr<const std::string>*>(data); }

}  // namespace

ngx_int_t send_reply_headers(ngx_http_request_t* r, const Reply& reply, off_t length) {
  if (reply.store_full) {
    log_store_full(r->connection->log, "store", reply.log);
  } else if (!reply.log.empty()) {
    ngx_uint_t level = reply.log_notice ? NGX_LOG_NOTICE : NGX_LOG_ERR;  // a variable: the macro does not parenthesize it
    ngx_log_error(level, r->connection->log, 0, "civic: %*s", reply.log.size(), reply.log.data());
  }
  r->headers_out.status = static_cast<ngx_uint_t>(reply.status);
  // nginx 1.22 has no reason phrase of its own for 422 (RFC 9110 §15.5.21).
  if (reply.status == kUnprocessableContent) {
    ngx_str_set(&r->headers_out.status_line, "422 Unprocessable Content");
  }
  for (const auto& [name, value] : reply.headers) {
    if (add_header(r, name, value) != NGX_OK) return NGX_ERROR;
    if (name == "ETag") {
      ngx_list_part_t* part = r->headers_out.headers.last;  // the header just added
      r->headers_out.etag = static_cast<ngx_table_elt_t*>(part->elts) + (part->nelts - 1);
      r->disable_not_modified = 1;  // the core decided 304 already
    }
  }
  if (reply.last_modified) r->headers_out.last_modified_time = static_cast<time_t>(*reply.last_modified);
  if (!reply.content_type.empty()) {
    if (!copy_to_pool(r->pool, reply.content_type, r->headers_out.content_type)) return NGX_ERROR;
    r->headers_out.content_type_len = r->headers_out.content_type.len;
    r->headers_out.content_type_lowcase = nullptr;
  }
  r->headers_out.content_length_n = length;
  return ngx_http_send_header(r);
}

ngx_int_t send_reply(ngx_http_request_t* r, Reply reply) {
  std::size_t size = reply.size();
  bool not_modified = reply.status == NGX_HTTP_NOT_MODIFIED;
  if (not_modified || size == 0) r->header_only = 1;
  ngx_int_t rc = send_reply_headers(r, reply, not_modified ? -1 : static_cast<off_t>(size));
  if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) return rc;

  auto* b = static_cast<ngx_buf_t*>(ngx_calloc_buf(r->pool));
  if (b == nullptr) return NGX_ERROR;
  if (reply.shared) {
    ngx_pool_cleanup_t* cleanup = ngx_pool_cleanup_add(r->pool, 0);
    if (cleanup == nullptr) return NGX_ERROR;
    cleanup->handler = release_shared;
    cleanup->data = new std::shared_ptr<const std::string>(reply.shared);
    b->pos = reinterpret_cast<u_char*>(const_cast<char*>(reply.shared->data()));
    b->last = b->pos + reply.shared->size();
    b->memory = 1;  // nginx only reads it
  } else {
    b->start = static_cast<u_char*>(ngx_palloc(r->pool, size));
    if (b->start == nullptr) return NGX_ERROR;
    reply.body.copy_to(reinterpret_cast<char*>(b->start));
    b->pos = b->start;
    b->last = b->end = b->start + size;
    b->temporary = 1;
  }
  b->last_buf = (r == r->main) ? 1 : 0;
  b->last_in_chain = 1;
  ngx_chain_t out{b, nullptr};
  return ngx_http_output_filter(r, &out);
}

std::string_view path_after_prefix(ngx_http_request_t* r, const ngx_str_t& prefix) {
  std::string_view uri = ngx::view(r->uri);
  std::string_view pre = ngx::view(prefix);
  if (uri.starts_with(pre)) uri.remove_prefix(pre.size());
  while (!uri.empty() && uri.front() == '/') uri.remove_prefix(1);
  return uri;
}

}  // namespace civic::module
