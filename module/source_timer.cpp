#include "module/source_timer.hpp"

#include <deque>
#include <string>

#include "calendar/model/calendars.hpp"
#include "calendar/service/calendar_writer.hpp"
#include "calendar/service/source_sync.hpp"
#include "module/guard.hpp"
#include "module/module.hpp"
#include "module/pool_timer.hpp"

namespace civic::module {

namespace {

// One calendar's follower in this worker: what its pool run leaves for the
// event loop.
struct Follower {
  const calendar::CalendarConfig* calendar = nullptr;
  PoolTimer timer;
  bool ran = false;  // this worker had the turn
  calendar::SourceRun run;
};

std::deque<Follower>& followers() {
  static std::deque<Follower> all;  // stable addresses for the timers
  return all;
}

// In the pool thread: no logging here, reported() logs on the event loop.
void follow(Follower& f) {
  f.ran = false;
  auto& store = worker_store();
  if (!store) return;
  auto run = calendar::sync_source_if_due(*store, *f.calendar, delivery::http_get, calendar::now_micros());
  if (!run) return;  // another worker has the turn
  f.ran = true;
  f.run = std::move(*run);
}

ngx_msec_t reported(Follower& f) {
  const std::string& name = f.calendar->name;
  if (f.ran && f.run.failed) {
    ngx_log_error(NGX_LOG_ERR, ngx_cycle->log, 0, "civic_calendar \"%s\": source: %s (the events stay as they were)",
                  name.c_str(), f.run.state.last_error.c_str());
  } else if (f.ran && (f.run.changed || f.run.state.last_run.skipped > 0)) {
    const auto& c = f.run.state.last_run;
    ngx_log_error(NGX_LOG_NOTICE, ngx_cycle->log, 0,
                  "civic_calendar \"%s\": source: %uL created, %uL updated, %uL deleted%s", name.c_str(),
                  static_cast<uint64_t>(c.created), static_cast<uint64_t>(c.updated),
                  static_cast<uint64_t>(c.deleted), f.run.more ? " (more to come)" : "");
    if (c.skipped > 0)
      ngx_log_error(NGX_LOG_WARN, ngx_cycle->log, 0,
                    "civic_calendar \"%s\": source: %uL items skipped as malformed, the last: %s", name.c_str(),
                    static_cast<uint64_t>(c.skipped), f.run.state.last_skip.c_str());
  }
  // A followed list with pages left goes on at once (the turn was given back).
  if (f.ran && f.run.more) return 1000;
  return static_cast<ngx_msec_t>(f.calendar->source->interval_seconds) * 1000;
}

}  // namespace

void start_source_timers(ngx_cycle_t* cycle, MainConf* mc) noexcept {
  guard_event(cycle->log, "source timers", [&] {
    auto& all = followers();
    all.clear();
    if (mc->thread_pool == nullptr || !worker_store() || mc->calendars == nullptr) return;
    for (const calendar::CalendarConfig* cal : mc->calendars->all()) {
      if (!cal->source) continue;
      Follower& f = all.emplace_back();
      f.calendar = cal;
      // The first run soon after start, spread over the workers by the pid.
      f.timer.start(cycle, mc->thread_pool, "calendar source", [&f] { follow(f); }, [&f] { return reported(f); },
                    static_cast<ngx_msec_t>(200 + (ngx_pid % 300)));
    }
  });
}

}  // namespace civic::module
