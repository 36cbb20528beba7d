#include "module/pool_timer.hpp"

#include <algorithm>

#include "module/guard.hpp"
#include "module/pending_work.hpp"

namespace civic::module {

bool PoolTimer::start(ngx_cycle_t* cycle, ngx_thread_pool_t* pool, const char* what, Work work, Done done,
                      ngx_msec_t first) {
  what_ = what;
  work_ = std::move(work);
  done_ = std::move(done);
  pool_ = pool;
  task_ = ngx_thread_task_alloc(cycle->pool, 0);
  if (task_ == nullptr) return false;
  timer_.handler = fired;
  timer_.log = cycle->log;
  timer_.data = this;
  timer_.cancelable = 1;  // an idle timer does not keep an exiting worker alive
  arm(first);
  return true;
}

void PoolTimer::poke(ngx_msec_t within) noexcept {
  if (task_ == nullptr) return;
  if (running_) {
    poke_within_ = poked_ ? std::min(poke_within_, within) : within;
    poked_ = true;
    return;
  }
  // Already due sooner: nothing to do.
  if (timer_.timer_set && static_cast<ngx_msec_int_t>(timer_.timer.key - (ngx_current_msec + within)) <= 0) return;
  if (timer_.timer_set) ngx_del_timer(&timer_);
  arm(within);
}

void PoolTimer::arm(ngx_msec_t delay) {
  if (ngx_exiting || ngx_quit || ngx_terminate) return;
  ngx_add_timer(&timer_, delay);
}

void PoolTimer::fired(ngx_event_t* ev) {
  auto* t = static_cast<PoolTimer*>(ev->data);
  guard_event(ngx_cycle->log, t->what_, [t] { t->post(); });
}

void PoolTimer::post() {
  if (running_) return;
  task_->handler = in_pool;
  task_->ctx = this;
  task_->event.handler = finished;
  task_->event.data = this;
  if (ngx_thread_task_post(pool_, task_) != NGX_OK) {
    ngx_log_error(NGX_LOG_ERR, ngx_cycle->log, 0, "civic: %s: could not post to the thread pool", what_);
    arm(1000);
    return;
  }
  running_ = true;
  poked_ = false;
  pending_work_started();
}

void PoolTimer::in_pool(void* data, ngx_log_t*) {
  auto* t = static_cast<PoolTimer*>(data);
  t->thrown_.clear();
  guarded([t] { t->work_(); }, [t](std::string_view what) noexcept {
    try {
      t->thrown_ = what;
    } catch (...) {
      t->thrown_.clear();  // no memory even for the message: nothing is logged
    }
  });
}

void PoolTimer::finished(ngx_event_t* ev) {
  auto* t = static_cast<PoolTimer*>(ev->data);
  t->running_ = false;
  pending_work_finished();
  guard_event(ngx_cycle->log, t->what_, [t] {
    if (!t->thrown_.empty()) log_throw(ngx_cycle->log, NGX_LOG_ALERT, t->what_, t->thrown_);
    ngx_msec_t next = t->done_();
    t->arm(t->poked_ ? std::min(next, t->poke_within_) : next);
  });
}

}  // namespace civic::module
