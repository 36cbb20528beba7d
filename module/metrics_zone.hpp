// The shared memory that holds GET /admin/metrics's counters
// (server/metrics.hpp): one zone, "civic_metrics", added with civic_store,
// kept across reloads (nginx reuses a zone of the same name and size).
#pragma once

#include "module/module.hpp"
#include "server/metrics.hpp"

namespace civic::module {

// At postconfiguration: adds the zone; its init claims the slots of the
// configuration's calendars and forms. NGX_ERROR if nginx cannot add it.
ngx_int_t add_metrics_zone(ngx_conf_t* cf, MainConf* mc) noexcept;

// The counters, or null (no civic_store, or the zone could not be set up).
server::SharedMetrics* shared_metrics() noexcept;

}  // namespace civic::module
