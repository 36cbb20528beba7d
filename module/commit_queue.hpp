// Group commit of submissions. Each worker has one queue: an accepted
// submission waits in it; when no commit is in flight, the whole queue goes
// to the thread pool as one batch: one LMDB write transaction and one durable
// commit. Every request of the batch is answered after that commit, and what
// arrives meanwhile waits for the next batch, so the more submissions come
// in at once, the more each commit carries. Across workers, LMDB's write
// lock takes the batches one at a time.
#pragma once

#include "module/ngx.hpp"

#include <string>

#include "storage/submission_store.hpp"

namespace civic::module {

struct CommitResult {
  // over_limit: the form's max_submissions_per_day is reached for today.
  enum class Kind { stored, replayed, over_limit, store_full, failed } kind = Kind::failed;
  std::string receipt;
  std::string error;  // failed, store_full: for the log
};

// Sends the answer for a committed (or failed) submission; returns what
// ngx_http_finalize_request should get.
using CommitAnswer = ngx_int_t (*)(ngx_http_request_t* r, const CommitResult& result) noexcept;

// Queues `submission` for `r`, whose body has been read. The request is kept
// open (and blocked from being freed) until `answer` has run. Returns
// NGX_DONE, for the caller to pass to ngx_http_finalize_request, or an HTTP
// error status if it could not be queued.
ngx_int_t enqueue_submission(ngx_http_request_t* r, storage::NewSubmission submission, CommitAnswer answer) noexcept;

}  // namespace civic::module
