#include "module/retention_timer.hpp"

#include <string>
#include <string_view>
#include <vector>

#include "forms/service/form_definition.hpp"
#include "forms/service/retention_purge.hpp"
#include "module/guard.hpp"
#include "module/module.hpp"
#include "module/pool_timer.hpp"

namespace civic::module {

namespace {

// This worker's purge: what its pool run leaves for the event loop.
struct Purger {
  std::vector<forms::FormRetention> forms;
  std::int64_t interval = 60;  // seconds
  PoolTimer timer;
  std::uint64_t removed = 0;
  std::uint64_t drafts_removed = 0;
  std::string error;
};

Purger& purger() {
  static Purger p;
  return p;
}

// In the pool thread: no logging here, reported() logs on the event loop.
void purge(Purger& p) {
  p.removed = 0;
  p.drafts_removed = 0;
  p.error.clear();
  auto& store = worker_store();
  if (!store) return;
  auto now = static_cast<std::int64_t>(::time(nullptr));
  auto report = forms::purge_if_due(*store, p.forms, now, p.interval);
  if (!report) return;  // another worker has the turn
  p.removed = report->removed;
  p.drafts_removed = report->drafts_removed;
  p.error = report->problem();
}

ngx_msec_t reported(Purger& p) {
  if (!p.error.empty()) {
    ngx_log_error(NGX_LOG_ERR, ngx_cycle->log, 0, "civic: retention purge: %s", p.error.c_str());
  } else if (p.removed > 0) {
    ngx_log_error(NGX_LOG_NOTICE, ngx_cycle->log, 0, "civic: retention purge removed %uL submissions",
                  static_cast<uint64_t>(p.removed));
  }
  if (p.drafts_removed > 0)
    ngx_log_error(NGX_LOG_NOTICE, ngx_cycle->log, 0, "civic: retention purge removed %uL expired drafts",
                  static_cast<uint64_t>(p.drafts_removed));
  return static_cast<ngx_msec_t>(p.interval) * 1000;
}

}  // namespace

void start_retention_timer(ngx_cycle_t* cycle, MainConf* mc) noexcept {
  guard_event(cycle->log, "retention timer", [&] {
    Purger& p = purger();
    p.forms.clear();
    if (mc->thread_pool == nullptr || !worker_store()) return;
    static const forms::Forms no_forms;
    // Forms no longer configured are purged by their last retention.
    auto retired = forms::retired_forms(*worker_store());
    p.forms = forms::forms_to_purge(mc->forms ? *mc->forms : no_forms, retired);
    if (p.forms.empty()) return;
    p.interval = forms::purge_interval(p.forms);
    // The first run soon after start, spread over the workers by the pid.
    p.timer.start(cycle, mc->thread_pool, "retention purge", [&p] { purge(p); }, [&p] { return reported(p); },
                  static_cast<ngx_msec_t>(1000 + (ngx_pid % 1000)));
  });
}

}  // namespace civic::module
