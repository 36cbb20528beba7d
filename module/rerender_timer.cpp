#include "module/rerender_timer.hpp"

#include <set>
#include <string>
#include <vector>

#include "calendar/model/calendars.hpp"
#include "calendar/service/calendar_writer.hpp"
#include "calendar/service/rerender.hpp"
#include "module/guard.hpp"
#include "module/module.hpp"
#include "module/pool_timer.hpp"

namespace civic::module {

namespace {

// Events looked at per calendar and turn (one turn a second among the
// workers): a write transaction of at most this many events, rendered
// before the write lock is taken.
constexpr std::size_t kSlice = 1000;
constexpr ngx_msec_t kBusyDelay = 100;
constexpr ngx_msec_t kIdleDelay = 60000;

struct Rerenderer {
  std::vector<const calendar::CalendarConfig*> calendars;
  PoolTimer timer;
  bool busy = false;  // a calendar had more to do
  std::vector<std::pair<std::string, std::size_t>> rewritten;
  std::vector<std::string> finished;
  std::set<std::string> had_work;  // calendars this worker wrote events of, until done
  std::string error;
};

Rerenderer& rerenderer() {
  static Rerenderer r;
  return r;
}

// In the pool thread: no logging here, reported() logs on the event loop.
void rerender(Rerenderer& r) {
  r.busy = false;
  r.rewritten.clear();
  r.finished.clear();
  r.error.clear();
  auto& store = worker_store();
  if (!store) return;
  calendar::RerenderRound round = calendar::rerender_round(*store, r.calendars, calendar::now_micros(), kSlice);
  r.error = std::move(round.error);
  // Work left: soon again (this worker's turn comes back within a second,
  // or another worker has it).
  r.busy = round.pending && (!round.took_turn || round.done.size() < r.calendars.size());
  for (auto& [name, n] : round.rewritten) r.had_work.insert(name);
  r.rewritten = std::move(round.rewritten);
  for (const auto& name : round.done)
    if (r.had_work.erase(name) > 0) r.finished.push_back(name);
}

ngx_msec_t reported(Rerenderer& r) {
  if (!r.error.empty())
    ngx_log_error(NGX_LOG_ERR, ngx_cycle->log, 0, "civic: re-rendering events: %s", r.error.c_str());
  for (const auto& [name, n] : r.rewritten)
    ngx_log_error(NGX_LOG_INFO, ngx_cycle->log, 0, "civic_calendar \"%s\": %uz events rendered in its new style",
                  name.c_str(), n);
  for (const auto& name : r.finished)
    ngx_log_error(NGX_LOG_NOTICE, ngx_cycle->log, 0,
                  "civic_calendar \"%s\": every event is stored in the calendar's style now", name.c_str());
  return r.busy ? kBusyDelay : kIdleDelay;
}

}  // namespace

void start_rerender_timer(ngx_cycle_t* cycle, MainConf* mc) noexcept {
  guard_event(cycle->log, "rerender timer", [&] {
    Rerenderer& r = rerenderer();
    r.calendars.clear();
    if (mc->thread_pool == nullptr || !worker_store() || mc->calendars == nullptr) return;
    r.calendars = mc->calendars->all();
    if (r.calendars.empty()) return;
    r.timer.start(cycle, mc->thread_pool, "re-rendering", [&r] { rerender(r); }, [&r] { return reported(r); },
                  static_cast<ngx_msec_t>(500 + (ngx_pid % 500)));
  });
}

}  // namespace civic::module
