// Group commit of submissions. Each worker has one queue: an accepted
// submission waits in it; when no commit is in flight, the whole queue goes
// to the thread pool as one batch: one LMDB write transaction and one durable
// commit. Every request of the batch is answered after that commit, and what
// arrives meanwhile waits for the next batch, so the more submissions come
// in at once, the more each commit carries. Across workers, LMDB's write
// lock takes the batches one at a time.
#pragma once

#include "module/ngx.hpp"

#include "forms/service/submission_record.hpp"
#include "storage/submission_store.hpp"

namespace civic::module {

// Sends the answer for a committed (or failed) submission; returns what
// ngx_http_finalize_request should get. If it throws, the queue answers 500.
using CommitAnswer = ngx_int_t (*)(ngx_http_request_t* r, const forms::CommitResult& result);

// Queues `submission` for `r`, whose body has been read. The request is kept
// open (and blocked from being freed) until it is answered: by `answer`, or
// with 500 if that throws or the batch cannot be posted. Returns
// NGX_DONE, for the caller to pass to ngx_http_finalize_request, or an HTTP
// error status if it could not be queued.
ngx_int_t enqueue_submission(ngx_http_request_t* r, storage::NewSubmission submission, CommitAnswer answer) noexcept;

}  // namespace civic::module
