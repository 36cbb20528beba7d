#include "module/pending_work.hpp"

namespace civic::module {

namespace {

constexpr ngx_msec_t kCheckEvery = 1000;

ngx_uint_t in_flight = 0;
ngx_event_t keep_alive;

void recheck(ngx_event_t* ev) {
  if (in_flight > 0) ngx_add_timer(ev, kCheckEvery);
}

}  // namespace

void pending_work_started() noexcept {
  if (in_flight++ > 0) return;
  keep_alive.handler = recheck;
  // The cycle's log, not a request's: the timer may outlive any request.
  keep_alive.log = ngx_cycle->log;
  keep_alive.data = nullptr;
  keep_alive.cancelable = 0;  // this is what makes a shutting-down worker wait
  if (!keep_alive.timer_set) ngx_add_timer(&keep_alive, kCheckEvery);
}

void pending_work_finished() noexcept {
  if (in_flight == 0) return;
  if (--in_flight == 0 && keep_alive.timer_set) ngx_del_timer(&keep_alive);
}

}  // namespace civic::module
