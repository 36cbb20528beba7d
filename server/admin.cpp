#include "server/admin.hpp"

#include "forms/service/store_status.hpp"

namespace civic::server {

AdminPath route_admin(std::string_view path) {
  if (path == "status") return {AdminArea::status, {}};
  if (path == "metrics") return {AdminArea::metrics, {}};
  if (path.starts_with("calendars/")) return {AdminArea::calendars, path.substr(10)};
  if (path.starts_with("forms/")) return {AdminArea::forms, path.substr(6)};
  return {};
}

Reply admin_status(bool read_method, storage::Store* store, std::span<const std::string_view> calendars,
                   const forms::Forms& forms, std::int64_t now, long pid) {
  if (!read_method) return method_not_allowed("GET, HEAD");
  if (store == nullptr) return store_not_open();
  return forms::store_status(*store, calendars, forms, now, pid);
}

Reply admin_metrics(bool read_method, storage::Store* store, std::span<const std::string_view> calendars,
                    const forms::Forms& forms, std::int64_t now, const SharedMetrics* counters) {
  if (!read_method) return method_not_allowed("GET, HEAD");
  if (store == nullptr) return store_not_open();
  auto collected = forms::collect_store_status(*store, calendars, forms, now);
  if (!collected) return internal_error("metrics", collected.error().message());
  Reply r;
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  r.body.append_owned(render_metrics(counters, *collected));
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

Reply no_admin_resource() { return error_reply(404, "no such admin resource"); }

}  // namespace civic::server
