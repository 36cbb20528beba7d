#include "module/metrics_zone.hpp"

#include <vector>

#include "calendar/model/calendars.hpp"
#include "forms/forms.hpp"
#include "module/guard.hpp"

namespace civic::module {

namespace {

server::SharedMetrics* counters = nullptr;

// In the master, when the cycle's zones are mapped. `data`: the block of the
// zone as the configuration before had it (a reload), or null.
ngx_int_t init_zone(ngx_shm_zone_t* zone, void* data) noexcept {
  auto* mc = static_cast<MainConf*>(zone->data);
  return guard_step(ngx_cycle->log, "civic_metrics", [&]() -> ngx_int_t {
    void* block = data;
    if (block == nullptr) {
      auto* pool = reinterpret_cast<ngx_slab_pool_t*>(zone->shm.addr);
      block = ngx_slab_calloc(pool, sizeof(server::SharedMetrics));
      if (block == nullptr) {
        ngx_log_error(NGX_LOG_EMERG, ngx_cycle->log, 0, "civic_metrics: no room for the counters");
        return NGX_ERROR;
      }
    }
    std::vector<std::string_view> calendars, forms;
    if (mc->calendars) calendars = mc->calendars->names();
    if (mc->forms) forms = mc->forms->names();
    counters = server::SharedMetrics::prepare(block, calendars, forms);
    zone->data = counters;
    return NGX_OK;
  });
}

}  // namespace

ngx_int_t add_metrics_zone(ngx_conf_t* cf, MainConf* mc) noexcept {
  static ngx_str_t name = ngx_string("civic_metrics");
  // The block and the slab allocator's own pages.
  std::size_t size = (sizeof(server::SharedMetrics) + 16 * ngx_pagesize + ngx_pagesize - 1) / ngx_pagesize * ngx_pagesize;
  ngx_shm_zone_t* zone = ngx_shared_memory_add(cf, &name, size, &ngx_http_civic_module);
  if (zone == nullptr) return NGX_ERROR;
  zone->init = init_zone;
  zone->data = mc;
  return NGX_OK;
}

server::SharedMetrics* shared_metrics() noexcept { return counters; }

}  // namespace civic::module
