// Blocking work (LMDB write commits, long scans) for a request, run in
// nginx's thread pool as ngx_http_file_cache.c does it: the pool thread runs
// Job::run() and touches only the job's own members; Job::answer() runs back
// on the event loop and answers the request.
#pragma once

#include "module/ngx.hpp"

#include <memory>
#include <string_view>

#include "common/reply.hpp"
#include "module/response.hpp"

namespace civic::module {

class Job {
 public:
  virtual ~Job() = default;
  // In a pool thread: no nginx calls, no request. An exception is stopped
  // by the guard around it (module/guard.hpp) and answered 500.
  virtual void run() = 0;
  // On the event loop, after run(): send the answer and return what
  // ngx_http_finalize_request should get.
  virtual ngx_int_t answer(ngx_http_request_t* r) = 0;
  // On the event loop, instead of answer() when run() threw `what`: by
  // default 500 (a job that may have sent part of its answer overrides it).
  virtual ngx_int_t fail(ngx_http_request_t* r, std::string_view what);

  // What run() threw, kept for the event loop to log ("" if it did not).
  char failure[256] = {};
};

// From a content handler: posts the job and returns NGX_DONE (the request
// stays open until answer() has run), or an error status if it could not.
ngx_int_t offload_from_handler(ngx_http_request_t* r, std::unique_ptr<Job> job) noexcept;

// From a request body handler (which must finalize the request itself):
// posts the job, or finalizes the request with 500 if it could not.
void offload_after_body(ngx_http_request_t* r, std::unique_ptr<Job> job) noexcept;

// The usual job: a core service's call, `work()` returning a Reply, run in
// the pool, its Reply sent back on the event loop.
template <class Work>
class ReplyJob final : public Job {
 public:
  explicit ReplyJob(Work work) : work_(std::move(work)) {}
  void run() override { reply_ = work_(); }
  ngx_int_t answer(ngx_http_request_t* r) override { return send_reply(r, std::move(reply_)); }

 private:
  Work work_;
  Reply reply_;
};

template <class Work>
ngx_int_t offload_reply(ngx_http_request_t* r, Work work) {
  return offload_from_handler(r, std::make_unique<ReplyJob<Work>>(std::move(work)));
}

template <class Work>
void offload_reply_after_body(ngx_http_request_t* r, Work work) {
  offload_after_body(r, std::make_unique<ReplyJob<Work>>(std::move(work)));
}

}  // namespace civic::module
