#include "module/request_info.hpp"

namespace civic::module {

std::vector<std::string_view> request_headers(ngx_http_request_t* r, std::string_view name) {
  std::vector<std::string_view> values;
  for (ngx_list_part_t* part = &r->headers_in.headers.part; part != nullptr; part = part->next) {
    auto* h = static_cast<ngx_table_elt_t*>(part->elts);
    for (ngx_uint_t i = 0; i < part->nelts; ++i)
      if (h[i].key.len == name.size() &&
          ngx_strncasecmp(h[i].key.data, reinterpret_cast<u_char*>(const_cast<char*>(name.data())), name.size()) == 0)
        values.push_back(ngx::view(h[i].value));
  }
  return values;
}

std::string_view request_header(ngx_http_request_t* r, std::string_view name) {
  auto values = request_headers(r, name);
  return values.empty() ? std::string_view() : values.front();
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

}  // namespace civic::module
