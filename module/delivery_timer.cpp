#include "module/delivery_timer.hpp"

#include <chrono>
#include <optional>

#include "forms/service/delivery_round.hpp"
#include "module/guard.hpp"
#include "module/module.hpp"
#include "module/pool_timer.hpp"

namespace civic::module {

namespace {

constexpr ngx_msec_t kIdle = 1000;
// After a commit, a round starts within this: the commits of a busy form
// share rounds (each round is two commits of its own, which the group
// commit of submissions would otherwise wait for).
constexpr ngx_msec_t kAfterCommit = 20;

struct Deliverer {
  std::optional<forms::DeliveryRounds> rounds;
  PoolTimer timer;
  forms::RoundReport last;  // left by the pool run for the event loop
  bool started = false;
  bool stalled = false;  // the last round tried and delivered nothing: receivers are down
};

Deliverer& deliverer() {
  static Deliverer d;
  return d;
}

std::int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// In the pool thread: no logging here.
void run_round(Deliverer& d) {
  d.last = {};
  auto& store = worker_store();
  if (!store) return;
  d.last = d.rounds->run(*store, now_ms(), static_cast<std::uint32_t>(ngx_pid));
}

ngx_msec_t reported(Deliverer& d) {
  for (const std::string& line : d.last.lines)
    ngx_log_error(NGX_LOG_INFO, ngx_cycle->log, 0, "civic: delivery: %s", line.c_str());
  if (!d.last.problem.empty())
    ngx_log_error(NGX_LOG_ERR, ngx_cycle->log, 0, "civic: delivery: %s", d.last.problem.c_str());
  // A full round that delivered: more may be due at once. One that only
  // failed (the receiver is down) does not run again before its backoff.
  bool progress = d.last.delivered > 0;
  d.stalled = !progress && d.last.retried + d.last.failed > 0;
  return d.last.full && progress && d.last.problem.empty() ? 0 : kIdle;
}

}  // namespace

void start_delivery_timer(ngx_cycle_t* cycle, MainConf* mc) noexcept {
  guard_event(cycle->log, "delivery timer", [&] {
    Deliverer& d = deliverer();
    if (mc->forms == nullptr || mc->thread_pool == nullptr || !worker_store()) return;
    std::optional<delivery::SmtpConfig> smtp;
    if (mc->smtp != nullptr) smtp = *mc->smtp;
    d.rounds.emplace(*mc->forms, std::move(smtp));
    if (!d.rounds->any()) return;
    d.started = d.timer.start(cycle, mc->thread_pool, "delivery", [&d] { run_round(d); },
                              [&d] { return reported(d); }, static_cast<ngx_msec_t>(100 + ngx_pid % 400));
  });
}

void deliveries_stored() noexcept {
  Deliverer& d = deliverer();
  // While receivers are down, new deliveries wait for the next round
  // (kIdle) instead of each starting one that would fail too.
  if (d.started) d.timer.poke(d.stalled ? kIdle : kAfterCommit);
}

}  // namespace civic::module
