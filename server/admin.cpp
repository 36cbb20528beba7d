#include "server/admin.hpp"

#include "forms/service/store_status.hpp"

namespace civic::server {

AdminPath route_admin(std::string_view path) {
  if (path == "status") return {AdminArea::status, {}};
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

Reply no_admin_resource() { return error_reply(404, "no such admin resource"); }

}  // namespace civic::server
