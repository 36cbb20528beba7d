// The privileged API's top level below a civic_admin location
// (docs/admin-api.md): "status", "calendars/..." (calendar/service/
// event_admin.hpp) and "forms/..." (forms/service/admin_request.hpp).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "common/reply.hpp"
#include "forms/forms.hpp"
#include "server/metrics.hpp"
#include "storage/store.hpp"

namespace civic::server {

enum class AdminArea { status, metrics, calendars, forms, unknown };

struct AdminPath {
  AdminArea area = AdminArea::unknown;
  std::string_view rest;  // after "calendars/" or "forms/"
};

AdminPath route_admin(std::string_view path);

// GET /admin/status: 405 for other methods, 503 without a store.
Reply admin_status(bool read_method, storage::Store* store, std::span<const std::string_view> calendars,
                   const forms::Forms& forms, std::int64_t now, long pid);

// GET /admin/metrics: the Prometheus text format (server/metrics.hpp);
// `counters` null where the server keeps none.
Reply admin_metrics(bool read_method, storage::Store* store, std::span<const std::string_view> calendars,
                    const forms::Forms& forms, std::int64_t now, const SharedMetrics* counters);

// 404 for a path below civic_admin that names nothing.
Reply no_admin_resource();

}  // namespace civic::server
