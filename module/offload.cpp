#include "module/offload.hpp"

#include <algorithm>
#include <cstring>
#include <type_traits>

#include "module/guard.hpp"
#include "module/module.hpp"
#include "module/response.hpp"
#include "module/pending_work.hpp"

namespace civic::module {

namespace {

// Lives in the request pool (the task's context): plain data only.
struct TaskContext {
  Job* job;
  ngx_http_request_t* request;
};
static_assert(std::is_trivially_destructible_v<TaskContext>);

void run_in_pool_thread(void* data, ngx_log_t*) {
  Job* job = static_cast<TaskContext*>(data)->job;
  guarded([job] { job->run(); },
          [job](std::string_view what) {
            // No logging here: the event loop logs it in job_done.
            if (what.empty()) what = "an exception without a message";
            std::size_t n = std::min(what.size(), sizeof job->failure - 1);
            std::memcpy(job->failure, what.data(), n);
            job->failure[n] = '\0';
          });
}

// Sends the job's answer, or its failure if its run threw.
ngx_int_t answer_of(ngx_http_request_t* r, Job& job) {
  if (job.failure[0] != '\0') return job.fail(r, job.failure);
  return job.answer(r);
}

// Back on the event loop.
void job_done(ngx_event_t* ev) {
  auto* ctx = static_cast<TaskContext*>(ev->data);
  ngx_http_request_t* r = ctx->request;
  std::unique_ptr<Job> job(ctx->job);
  ctx->job = nullptr;

  r->aio = 0;
  if (!work_done(r)) return;
  ngx_int_t rc = guard_handler(r, "answering from the thread pool", [&] { return answer_of(r, *job); });
  job.reset();
  finalize(r, rc);
}

// Safety net: a job whose completion never ran (worker exiting) is freed
// with the request.
void free_unfinished_job(void* data) {
  auto* ctx = static_cast<TaskContext*>(data);
  delete ctx->job;
  ctx->job = nullptr;
}

ngx_int_t post(ngx_http_request_t* r, std::unique_ptr<Job>& job) noexcept {
  auto* mc = static_cast<MainConf*>(ngx_http_get_module_main_conf(r, ngx_http_civic_module));
  if (mc->thread_pool == nullptr) return NGX_ERROR;
  ngx_thread_task_t* task = ngx_thread_task_alloc(r->pool, sizeof(TaskContext));
  if (task == nullptr) return NGX_ERROR;
  ngx_pool_cleanup_t* cleanup = ngx_pool_cleanup_add(r->pool, 0);
  if (cleanup == nullptr) return NGX_ERROR;

  auto* ctx = static_cast<TaskContext*>(task->ctx);
  ctx->job = job.get();
  ctx->request = r;
  task->handler = run_in_pool_thread;
  task->event.data = ctx;
  task->event.handler = job_done;
  cleanup->handler = free_unfinished_job;
  cleanup->data = ctx;

  if (ngx_thread_task_post(mc->thread_pool, task) != NGX_OK) {
    ctx->job = nullptr;
    return NGX_ERROR;  // `job` still owns it
  }
  job.release();  // owned by the task now
  r->aio = 1;
  wait_for_work(r);
  return NGX_OK;
}

}  // namespace

ngx_int_t Job::fail(ngx_http_request_t* r, std::string_view what) {
  return send_reply(r, internal_error("in the thread pool", what));
}

ngx_int_t offload_from_handler(ngx_http_request_t* r, std::unique_ptr<Job> job) noexcept {
  if (post(r, job) != NGX_OK) {
    ngx_log_error(NGX_LOG_ERR, r->connection->log, 0, "civic: could not post work to the thread pool");
    return NGX_HTTP_INTERNAL_SERVER_ERROR;
  }
  r->main->count++;  // released by ngx_http_finalize_request in job_done
  return NGX_DONE;
}

void offload_after_body(ngx_http_request_t* r, std::unique_ptr<Job> job) noexcept {
  if (post(r, job) != NGX_OK) {
    ngx_log_error(NGX_LOG_ERR, r->connection->log, 0, "civic: could not post work to the thread pool");
    ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
  }
}

}  // namespace civic::module
