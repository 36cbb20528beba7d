#include "module/delivery_timer.hpp"

#include <chrono>
#include <optional>

#include "forms/service/delivery_round.hpp"
#include "module/guard.hpp"
#include "module/metrics_zone.hpp"
#include "module/module.hpp"
#include "module/pool_timer.hpp"

namespace civic::module {

namespace {

struct Deliverer {
  std::optional<forms::DeliveryRounds> rounds;
  PoolTimer timer;
  forms::RoundReport last;  // left by the pool run for the event loop
  forms::RoundReport previous;  // the last one reported (what the next commit's round waits on)
  bool started = false;
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
  if (!d.last.problem.empty()) {
    ngx_log_error(NGX_LOG_ERR, ngx_cycle->log, 0, "civic: delivery: %s", d.last.problem.c_str());
  } else {
    for (std::int64_t ms : d.last.delivered_after_ms) server::count_delivery(shared_metrics(), ms);
  }
  d.previous = std::move(d.last);
  return static_cast<ngx_msec_t>(forms::next_round_ms(d.previous));
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
  if (d.started) d.timer.poke(static_cast<ngx_msec_t>(forms::round_after_commit_ms(d.previous)));
}

}  // namespace civic::module
