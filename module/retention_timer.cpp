#include "module/retention_timer.hpp"

#include <algorithm>
#include <exception>
#include <string>
#include <vector>

#include "forms/form.hpp"
#include "module/form_conf.hpp"
#include "module/form_versions.hpp"
#include "module/module.hpp"
#include "module/pending_work.hpp"
#include "storage/form_definitions.hpp"
#include "storage/retention.hpp"

namespace civic::module {

namespace {

struct FormRetention {
  std::string name;
  std::int64_t retention_seconds;
};

// This worker's timer and its one pool task (never two at once).
struct Purger {
  std::vector<FormRetention> forms;
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

void run_purge(void*, ngx_log_t*) {
  Purger& p = purger();
  p.removed = 0;
  p.error.clear();
  try {
    auto& store = worker_store();
    if (!store) return;
    std::int64_t now = static_cast<std::int64_t>(::time(nullptr));
    auto turn = storage::claim_purge_turn(*store, now, p.interval);
    if (!turn) {
      p.error = turn.error().message();
      return;
    }
    if (!*turn) return;  // another worker has it
    for (const auto& f : p.forms) {
      auto purged = storage::purge_expired(*store, f.name, now - f.retention_seconds, now);
      if (!purged) {
        p.error = "form \"" + f.name + "\": " + purged.error().message();
        return;
      }
      p.removed += purged->removed;
    }
  } catch (const std::exception& e) {
    p.error = e.what();
  }
}

void arm() {
  Purger& p = purger();
  if (ngx_exiting || ngx_quit || ngx_terminate) return;
  ngx_add_timer(&p.timer, static_cast<ngx_msec_t>(p.interval) * 1000);
}

void purge_done(ngx_event_t*) {
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

void timer_fired(ngx_event_t*) {
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

}  // namespace

void start_retention_timer(ngx_cycle_t* cycle, MainConf* mc) noexcept {
  try {
    Purger& p = purger();
    p.forms.clear();
    if (mc->thread_pool == nullptr || !worker_store()) return;
    static const forms::Forms no_forms;
    const forms::Forms& registry = mc->forms ? *mc->forms : no_forms;
    std::int64_t shortest = 0;
    auto add = [&](const std::string& name, std::int64_t retention) {
      if (retention <= 0) return;
      p.forms.push_back({name, retention});
      shortest = shortest == 0 ? retention : std::min(shortest, retention);
    };
    for (std::string_view name : registry.names()) {
      const forms::Form* f = registry.find(name);
      if (f != nullptr) add(f->name, f->retention_seconds);
    }
    // Forms no longer configured are purged by their last retention.
    for (const auto& retired : retired_forms(*worker_store())) add(retired.name, retired.retention_seconds);
    if (p.forms.empty()) return;
    p.interval = std::clamp<std::int64_t>(shortest / 4, 1, 60);
    p.pool = mc->thread_pool;
    p.task = ngx_thread_task_alloc(cycle->pool, 0);
    if (p.task == nullptr) return;
    p.timer.handler = timer_fired;
    p.timer.log = cycle->log;
    p.timer.data = nullptr;
    p.timer.cancelable = 1;  // an idle timer does not keep an exiting worker alive
    // The first run soon after start, spread over the workers by the pid.
    ngx_add_timer(&p.timer, static_cast<ngx_msec_t>(1000 + (ngx_pid % 1000)));
  } catch (const std::exception& e) {
    ngx_log_error(NGX_LOG_ERR, cycle->log, 0, "civic: retention timer: %s", e.what());
  }
}

}  // namespace civic::module
