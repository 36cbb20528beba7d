// Blocking work (LMDB write commits, long scans) for a request, run in
// nginx's thread pool as ngx_http_file_cache.c does it: the pool thread runs
// Job::run() and touches only the job's own members; Job::answer() runs back
// on the event loop and answers the request.
#pragma once

#include "module/ngx.hpp"

#include <memory>

namespace civic::module {

class Job {
 public:
  virtual ~Job() = default;
  // In a pool thread: no nginx calls, no request, no exceptions out.
  virtual void run() noexcept = 0;
  // On the event loop, after run(): send the answer and return what
  // ngx_http_finalize_request should get.
  virtual ngx_int_t answer(ngx_http_request_t* r) noexcept = 0;
};

// From a content handler: posts the job and returns NGX_DONE (the request
// stays open until answer() has run), or an error status if it could not.
ngx_int_t offload_from_handler(ngx_http_request_t* r, std::unique_ptr<Job> job) noexcept;

// From a request body handler (which must finalize the request itself):
// posts the job, or finalizes the request with 500 if it could not.
void offload_after_body(ngx_http_request_t* r, std::unique_ptr<Job> job) noexcept;

}  // namespace civic::module
