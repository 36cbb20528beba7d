#include "module/retention_timer.hpp"

#include <string>
#include <string_view>
#include <vector>

#include "forms/service/form_definition.hpp"
#include "forms/service/retention_purge.hpp"
#include "module/guard.hpp"
#include "module/module.hpp"
#include "module/pending_work.hpp"

namespace civic::module {

namespace {

// This worker's timer and its one pool task (never two at once).
struct Purger {
  std::vector<forms::FormRetention> forms;
  std::int64_t interval = 60;  // seconds
  ngx_thread_pool_t* pool = nullptr;
  ngx_thread_task_t* task = nullptr;
  ngx_event_t timer{};
  bool running = false;
  // Set in the pool thread, read back on the event loop.
  std::uint64_t removed = 0;
  std::string error;
};

Purger& purger() {
  static Purger p;
  return p;
}

void purge(Purger& p) {
  auto& store = worker_store();
  if (!store) return;
  auto now = static_cast<std::int64_t>(::time(nullptr));
  auto report = forms::purge_if_due(*store, p.forms, now, p.interval);
  if (!report) return;  // another worker has the turn
  p.removed = report->removed;
  p.error = report->problem();
}

// In the pool thread: no logging here, purge_done logs on the event loop.
void run_purge(void*, ngx_log_t*) {
  Purger& p = purger();
  p.removed = 0;
  p.error.clear();
  guarded([&] { purge(p); }, [&](std::string_view what) noexcept {
    try {
      p.error = what;
    } catch (...) {
      p.error.clear();  // no memory even for the message: nothing is logged
    }
  });
}

void arm() {
  Purger& p = purger();
  if (ngx_exiting || ngx_quit || ngx_terminate) return;
  ngx_add_timer(&p.timer, static_cast<ngx_msec_t>(p.interval) * 1000);
}

void report_and_rearm() {
  Purger& p = purger();
  p.running = false;
  pending_work_finished();
  if (!p.error.empty()) {
    ngx_log_error(NGX_LOG_ERR, ngx_cycle->log, 0, "civic: retention purge: %s", p.error.c_str());
  } else if (p.removed > 0) {
    ngx_log_error(NGX_LOG_NOTICE, ngx_cycle->log, 0, "civic: retention purge removed %uL submissions",
                  static_cast<uint64_t>(p.removed));
  }
  arm();
}

void purge_done(ngx_event_t*) {
  guard_event(ngx_cycle->log, "retention purge", [] { report_and_rearm(); });
}

void post_purge() {
  Purger& p = purger();
  if (p.running) return;
  p.task->handler = run_purge;
  p.task->event.handler = purge_done;
  p.task->event.data = nullptr;
  if (ngx_thread_task_post(p.pool, p.task) != NGX_OK) {
    ngx_log_error(NGX_LOG_ERR, ngx_cycle->log, 0, "civic: retention purge: could not post to the thread pool");
    arm();
    return;
  }
  p.running = true;
  pending_work_started();
}

void timer_fired(ngx_event_t*) {
  guard_event(ngx_cycle->log, "retention purge", [] { post_purge(); });
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
    p.pool = mc->thread_pool;
    p.task = ngx_thread_task_alloc(cycle->pool, 0);
    if (p.task == nullptr) return;
    p.timer.handler = timer_fired;
    p.timer.log = cycle->log;
    p.timer.data = nullptr;
    p.timer.cancelable = 1;  // an idle timer does not keep an exiting worker alive
    // The first run soon after start, spread over the workers by the pid.
    ngx_add_timer(&p.timer, static_cast<ngx_msec_t>(1000 + (ngx_pid % 1000)));
  });
}

}  // namespace civic::module
