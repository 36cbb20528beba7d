#include "module/commit_queue.hpp"

#include <algorithm>
#include <cerrno>
#include <ctime>
#include <exception>
#include <vector>

#include "module/module.hpp"
#include "module/pending_work.hpp"

namespace civic::module {

namespace {

constexpr ngx_uint_t kDefaultBatch = 1024;

struct Waiting {
  ngx_http_request_t* request;
  CommitAnswer answer;
};

class CommitQueue {
 public:
  ngx_int_t add(ngx_http_request_t* r, storage::NewSubmission submission, CommitAnswer answer);

 private:
  static void run(void* data, ngx_log_t* log);
  static void done(ngx_event_t* ev);
  void post_batch();
  void finish_batch();

  // Event loop only.
  std::vector<Waiting> waiting_;
  std::vector<storage::NewSubmission> waiting_submissions_;
  bool in_flight_ = false;
  ngx_thread_task_t* task_ = nullptr;
  ngx_thread_pool_t* pool_ = nullptr;
  ngx_uint_t batch_max_ = kDefaultBatch;

  // The batch in flight: the pool thread touches only these while it runs.
  std::vector<Waiting> batch_;
  std::vector<storage::NewSubmission> batch_submissions_;
  storage::Result<std::vector<storage::CommitOutcome>> batch_result_{std::vector<storage::CommitOutcome>{}};
};

CommitQueue& queue() {
  static CommitQueue q;
  return q;
}

// The write handler of a request waiting for its commit. If nginx
// terminates the request meanwhile, it replaces this handler: that is how
// finish_batch knows not to answer.
void awaiting_commit(ngx_http_request_t*) {}

ngx_int_t CommitQueue::add(ngx_http_request_t* r, storage::NewSubmission submission, CommitAnswer answer) {
  if (task_ == nullptr) {
    auto* mc = static_cast<MainConf*>(ngx_http_get_module_main_conf(r, ngx_http_civic_module));
    if (mc->thread_pool == nullptr) return NGX_HTTP_INTERNAL_SERVER_ERROR;
    // Lives as long as the worker: one commit is in flight at a time.
    task_ = ngx_thread_task_alloc(ngx_cycle->pool, sizeof(CommitQueue*));
    if (task_ == nullptr) return NGX_HTTP_INTERNAL_SERVER_ERROR;
    *static_cast<CommitQueue**>(task_->ctx) = this;
    task_->handler = run;
    task_->event.data = this;
    task_->event.handler = done;
    pool_ = mc->thread_pool;
    if (mc->commit_batch > 0) batch_max_ = static_cast<ngx_uint_t>(mc->commit_batch);
  }
  waiting_.reserve(waiting_.size() + 1);
  waiting_submissions_.push_back(std::move(submission));
  waiting_.push_back(Waiting{r, answer});
  r->main->count++;    // released by the finalize after the answer
  r->main->blocked++;  // nginx must not free the request while it waits
  pending_work_started();
  r->write_event_handler = awaiting_commit;
  if (!in_flight_) post_batch();
  return NGX_DONE;
}

void CommitQueue::post_batch() {
  std::size_t n = std::min<std::size_t>(waiting_.size(), batch_max_);
  if (n == 0) return;
  batch_.assign(std::make_move_iterator(waiting_.begin()), std::make_move_iterator(waiting_.begin() + n));
  batch_submissions_.assign(std::make_move_iterator(waiting_submissions_.begin()),
                            std::make_move_iterator(waiting_submissions_.begin() + n));
  waiting_.erase(waiting_.begin(), waiting_.begin() + n);
  waiting_submissions_.erase(waiting_submissions_.begin(), waiting_submissions_.begin() + n);
  in_flight_ = true;
  if (ngx_thread_task_post(pool_, task_) != NGX_OK) {
    batch_result_ = storage::Error(EAGAIN, "post the commit to the thread pool");
    in_flight_ = false;
    finish_batch();
  }
}

// In a pool thread: the commit, touching only the batch.
void CommitQueue::run(void* data, ngx_log_t*) {
  CommitQueue* q = *static_cast<CommitQueue**>(data);
  try {
    auto& store = worker_store();
    if (!store) {
      q->batch_result_ = storage::Error(storage::Error::kInvalid, "commit submissions", "the store is not open");
      return;
    }
    q->batch_result_ = storage::commit_submissions(*store, q->batch_submissions_, static_cast<std::int64_t>(std::time(nullptr)));
  } catch (const std::exception& e) {
    q->batch_result_ = storage::Error(storage::Error::kInvalid, "commit submissions", e.what());
  } catch (...) {
    q->batch_result_ = storage::Error(storage::Error::kInvalid, "commit submissions", "unknown exception");
  }
}

// Back on the event loop.
void CommitQueue::done(ngx_event_t* ev) {
  auto* q = static_cast<CommitQueue*>(ev->data);
  q->in_flight_ = false;
  q->finish_batch();
  if (!q->in_flight_) q->post_batch();
}

void CommitQueue::finish_batch() {
  std::vector<Waiting> batch = std::move(batch_);
  batch_.clear();
  batch_submissions_.clear();
  auto result = std::move(batch_result_);
  batch_result_ = std::vector<storage::CommitOutcome>{};

  for (std::size_t i = 0; i < batch.size(); ++i) {
    ngx_http_request_t* r = batch[i].request;
    ngx_connection_t* c = r->connection;
    r->main->blocked--;
    pending_work_finished();
    if (r->write_event_handler != awaiting_commit) {
      // Terminated while it waited: nginx's own handler finishes it.
      r->write_event_handler(r);
      ngx_http_run_posted_requests(c);
      continue;
    }
    r->write_event_handler = ngx_http_request_empty_handler;
    CommitResult answer;
    if (result) {
      const storage::CommitOutcome& outcome = result.value()[i];
      answer.kind = outcome.replayed     ? CommitResult::Kind::replayed
                    : outcome.over_limit ? CommitResult::Kind::over_limit
                                         : CommitResult::Kind::stored;
      answer.receipt = outcome.receipt;
    } else {
      answer.kind = result.error().map_full() ? CommitResult::Kind::store_full : CommitResult::Kind::failed;
      answer.error = result.error().message();
    }
    ngx_int_t rc = batch[i].answer(r, answer);
    ngx_http_finalize_request(r, rc);
    ngx_http_run_posted_requests(c);
  }
}

}  // namespace

ngx_int_t enqueue_submission(ngx_http_request_t* r, storage::NewSubmission submission, CommitAnswer answer) noexcept {
  try {
    return queue().add(r, std::move(submission), answer);
  } catch (const std::exception& e) {
    ngx_log_error(NGX_LOG_ERR, r->connection->log, 0, "civic: could not queue a submission: %s", e.what());
  }
  return NGX_HTTP_INTERNAL_SERVER_ERROR;
}

}  // namespace civic::module
