// A worker's periodic work in nginx's thread pool (the retention purge, the
// delivery of submissions): when the timer fires, `work` runs in a pool
// thread, never two at once; then `done` runs on the event loop, may log
// what `work` left, and says when to fire next. Both go through the guard.
#pragma once

#include <functional>
#include <string>

#include "module/ngx.hpp"

namespace civic::module {

class PoolTimer {
 public:
  using Work = std::function<void()>;        // in a pool thread: no nginx calls, no logging
  using Done = std::function<ngx_msec_t()>;  // on the event loop: the delay to the next run

  // In init_process. `what` names it in the error log.
  bool start(ngx_cycle_t* cycle, ngx_thread_pool_t* pool, const char* what, Work work, Done done,
             ngx_msec_t first);
  // Runs it within `within` ms (sooner than its timer), e.g. after a commit;
  // if it is running, again within `within` ms of its end.
  void poke(ngx_msec_t within = 0) noexcept;

 private:
  static void fired(ngx_event_t* ev);
  static void in_pool(void* data, ngx_log_t* log);
  static void finished(ngx_event_t* ev);
  void post();
  void arm(ngx_msec_t delay);

  const char* what_ = "";
  Work work_;
  Done done_;
  ngx_thread_pool_t* pool_ = nullptr;
  ngx_thread_task_t* task_ = nullptr;
  ngx_event_t timer_{};
  bool running_ = false;
  bool poked_ = false;  // poked while running: run again soon after
  ngx_msec_t poke_within_ = 0;
  std::string thrown_;  // what the work threw, logged on the event loop
};

}  // namespace civic::module
