// civic_admin: the privileged API below its location.
#include "module/ngx.hpp"

#include <string>
#include <vector>

#include "forms/service/store_status.hpp"
#include "module/form_conf.hpp"
#include "module/admin_events.hpp"
#include "module/admin_forms.hpp"
#include "module/calendar_conf.hpp"
#include "module/guard.hpp"
#include "module/module.hpp"
#include "module/response.hpp"

namespace civic::module {

namespace {

ngx_int_t status(ngx_http_request_t* r) {
  if (!(r->method & (NGX_HTTP_GET | NGX_HTTP_HEAD))) return send_method_not_allowed(r, "GET, HEAD");
  if (ngx_http_discard_request_body(r) != NGX_OK) return NGX_HTTP_INTERNAL_SERVER_ERROR;
  auto& store = worker_store();
  if (!store) return send_error(r, NGX_HTTP_SERVICE_UNAVAILABLE, "the store is not open; see the error log");
  std::vector<std::string_view> calendars = calendar_registry(r).names();
  return send_reply(r, forms::store_status(*store, calendars, form_registry(r), static_cast<std::int64_t>(ngx_time()),
                                           static_cast<long>(ngx_pid)));
}

ngx_int_t dispatch(ngx_http_request_t* r) {
  auto* lc = static_cast<LocConf*>(ngx_http_get_module_loc_conf(r, ngx_http_civic_module));
  std::string_view path = path_after_prefix(r, lc->prefix);
  if (path == "status") return status(r);
  if (path.starts_with("calendars/")) return admin_calendar_request(r, path.substr(10));
  if (path.starts_with("forms/")) return admin_form_request(r, path.substr(6));
  if (ngx_http_discard_request_body(r) != NGX_OK) return NGX_HTTP_INTERNAL_SERVER_ERROR;
  return send_error(r, NGX_HTTP_NOT_FOUND, "no such admin resource");
}

}  // namespace

ngx_int_t admin_handler(ngx_http_request_t* r) noexcept {
  return guard_handler(r, "admin request", [r] { return dispatch(r); });
}

}  // namespace civic::module
