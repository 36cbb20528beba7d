#include "module/http_cache.hpp"

#include <algorithm>
#include <cctype>

#include "common/http_headers.hpp"
#include "module/response.hpp"

namespace civic::module {

std::string_view request_header(ngx_http_request_t* r, std::string_view name) {
  for (ngx_list_part_t* part = &r->headers_in.headers.part; part != nullptr; part = part->next) {
    auto* h = static_cast<ngx_table_elt_t*>(part->elts);
    for (ngx_uint_t i = 0; i < part->nelts; ++i) {
      if (h[i].key.len != name.size()) continue;
      bool same = true;
      for (std::size_t k = 0; k < name.size() && same; ++k)
        same = std::tolower(h[i].key.data[k]) == static_cast<unsigned char>(name[k]);
      if (same) return ngx::view(h[i].value);
    }
  }
  return {};
}

std::string request_origin(ngx_http_request_t* r) {
  std::string origin = "http://";
#if (NGX_HTTP_SSL)
  if (r->connection->ssl != nullptr) origin = "https://";
#endif
  std::string_view host;
  if (r->headers_in.host != nullptr) host = ngx::view(r->headers_in.host->value);
  if (host.empty()) host = ngx::view(r->headers_in.server);
  if (host.empty()) {
    auto* cscf = static_cast<ngx_http_core_srv_conf_t*>(ngx_http_get_module_srv_conf(r, ngx_http_core_module));
    host = ngx::view(cscf->server_name);
  }
  origin.append(host);
  return origin;
}

bool client_copy_is_current(ngx_http_request_t* r, std::string_view etag, std::int64_t last_modified) {
  std::optional<std::string_view> if_none_match;
  if (r->headers_in.if_none_match != nullptr) if_none_match = ngx::view(r->headers_in.if_none_match->value);
  std::optional<std::int64_t> since;
  if (r->headers_in.if_modified_since != nullptr) {
    time_t t = ngx_parse_http_time(r->headers_in.if_modified_since->value.data,
                                   r->headers_in.if_modified_since->value.len);
    if (t != NGX_ERROR) since = t;
  }
  return civic::client_copy_is_current(if_none_match, since, etag, last_modified, ngx_time());
}

ngx_int_t set_validators(ngx_http_request_t* r, std::string_view etag, std::int64_t last_modified,
                         std::int64_t max_age) {
  if (add_header(r, "ETag", etag) != NGX_OK) return NGX_ERROR;
  // The header just added is the last element of the list.
  ngx_list_part_t* part = r->headers_out.headers.last;
  r->headers_out.etag = static_cast<ngx_table_elt_t*>(part->elts) + (part->nelts - 1);
  r->headers_out.last_modified_time = static_cast<time_t>(sent_last_modified(last_modified, ngx_time()));
  std::string cache = "public, max-age=" + std::to_string(max_age);
  if (add_header(r, "Cache-Control", cache) != NGX_OK) return NGX_ERROR;
  // The not-modified filter would test again what was tested already.
  r->disable_not_modified = 1;
  return NGX_OK;
}

ngx_int_t send_not_modified(ngx_http_request_t* r) {
  r->headers_out.status = NGX_HTTP_NOT_MODIFIED;
  r->headers_out.content_length_n = -1;
  r->header_only = 1;
  return ngx_http_send_header(r);
}

}  // namespace civic::module
