// civic_admin: the privileged API below its location.
#include "module/ngx.hpp"

#include <vector>

#include "module/admin_events.hpp"
#include "module/admin_forms.hpp"
#include "module/calendar_conf.hpp"
#include "module/form_conf.hpp"
#include "module/guard.hpp"
#include "module/metrics_zone.hpp"
#include "module/module.hpp"
#include "module/response.hpp"
#include "server/admin.hpp"

namespace civic::module {

namespace {

ngx_int_t dispatch(ngx_http_request_t* r) {
  auto* lc = static_cast<LocConf*>(ngx_http_get_module_loc_conf(r, ngx_http_civic_module));
  server::AdminPath path = server::route_admin(path_after_prefix(r, lc->prefix));
  if (path.area == server::AdminArea::calendars) return admin_calendar_request(r, path.rest);
  if (path.area == server::AdminArea::forms) return admin_form_request(r, path.rest);
  if (ngx_http_discard_request_body(r) != NGX_OK) return NGX_HTTP_INTERNAL_SERVER_ERROR;
  if (path.area == server::AdminArea::unknown) return send_reply(r, server::no_admin_resource());
  auto& store = worker_store();
  std::vector<std::string_view> calendars = calendar_registry(r).names();
  if (path.area == server::AdminArea::metrics)
    return send_reply(r, server::admin_metrics((r->method & (NGX_HTTP_GET | NGX_HTTP_HEAD)) != 0,
                                               store ? &*store : nullptr, calendars, form_registry(r),
                                               static_cast<std::int64_t>(ngx_time()), shared_metrics()));
  return send_reply(r, server::admin_status((r->method & (NGX_HTTP_GET | NGX_HTTP_HEAD)) != 0, store ? &*store : nullptr,
                                            calendars, form_registry(r), static_cast<std::int64_t>(ngx_time()),
                                            static_cast<long>(ngx_pid)));
}

}  // namespace

ngx_int_t admin_handler(ngx_http_request_t* r) noexcept {
  return guard_handler(r, "admin request", [r] { return dispatch(r); });
}

}  // namespace civic::module
