#include "module/commit_queue.hpp"

#include <chrono>

#include "module/metrics_zone.hpp"

#include <algorithm>
#include <cerrno>
#include <ctime>
#include <vector>

#include "module/delivery_timer.hpp"
#include "module/guard.hpp"
#include "module/module.hpp"
#include "module/pending_work.hpp"
#include "module/response.hpp"

namespace civic::module {

namespace {

constexpr ngx_uint_t kDefaultBatch = 1024;

using BatchResult = Result<std::vector<storage::CommitOutcome>>;

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
  void post_next(ngx_log_t* log) noexcept;
  void finish_batch() noexcept;

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
  BatchResult batch_result_{std::vector<storage::CommitOutcome>{}};
};

CommitQueue& queue() {
  static CommitQueue q;
  return q;
}

// 500 for a request whose answer threw, unless its headers are gone already.
ngx_int_t answer_failure(ngx_http_request_t* r, std::string_view what) noexcept {
  if (r->header_sent) {
    log_throw(r->connection->log, NGX_LOG_ERR, "answering a submission", what);
    return NGX_ERROR;
  }
  return guard_handler(r, "answering a submission",
                       [&] { return send_reply(r, internal_error("answering a submission", what)); });
}

// Ends one request's wait: its bookkeeping first, then its answer, made by
// `result_of()` and `w.answer`; whatever throws, it is answered and finalized.
template <class ResultOf>
void finish_request(const Waiting& w, ResultOf&& result_of) noexcept {
  ngx_http_request_t* r = w.request;
  if (!work_done(r)) return;
  ngx_int_t rc = guarded([&] { return w.answer(r, result_of()); },
                         [&](std::string_view what) { return answer_failure(r, what); });
  finalize(r, rc);
}

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
  waiting_.push_back(Waiting{r, answer});  // cannot throw: reserved
  r->main->count++;    // released by the finalize after the answer
  wait_for_work(r);
  if (!in_flight_) post_next(r->connection->log);
  return NGX_DONE;
}

void CommitQueue::post_batch() {
  std::size_t n = std::min<std::size_t>(waiting_.size(), batch_max_);
  if (n == 0) return;
  // The only steps that can throw, before anything moves.
  batch_.reserve(n);
  batch_submissions_.reserve(n);
  std::move(waiting_.begin(), waiting_.begin() + n, std::back_inserter(batch_));
  std::move(waiting_submissions_.begin(), waiting_submissions_.begin() + n, std::back_inserter(batch_submissions_));
  waiting_.erase(waiting_.begin(), waiting_.begin() + n);
  waiting_submissions_.erase(waiting_submissions_.begin(), waiting_submissions_.begin() + n);
  in_flight_ = true;
  if (ngx_thread_task_post(pool_, task_) != NGX_OK) {
    in_flight_ = false;
    batch_result_ = Error(EAGAIN, "post the commit to the thread pool");
    finish_batch();
  }
}

// Posts what waits; if that throws, every waiting request is answered
// rather than left to wait for a commit that will not come.
void CommitQueue::post_next(ngx_log_t* log) noexcept {
  guarded([this] { post_batch(); },
          [&](std::string_view what) {
            log_throw(log, NGX_LOG_ALERT, "posting a commit", what);
            auto failed = [what] { return forms::CommitResult{forms::CommitResult::Kind::failed, {}, std::string(what)}; };
            std::vector<Waiting> unposted, stranded;
            if (!in_flight_) unposted.swap(batch_);  // taken from the queue, never posted
            stranded.swap(waiting_);
            batch_submissions_.clear();
            waiting_submissions_.clear();
            for (const Waiting& w : unposted) finish_request(w, failed);
            for (const Waiting& w : stranded) finish_request(w, failed);
          });
}

// In a pool thread: the commit, touching only the batch.
void CommitQueue::run(void* data, ngx_log_t*) {
  CommitQueue* q = *static_cast<CommitQueue**>(data);
  guarded(
      [q] {
        auto& store = worker_store();
        auto began = std::chrono::steady_clock::now();
        q->batch_result_ =
            store ? storage::commit_submissions(*store, q->batch_submissions_, static_cast<std::int64_t>(std::time(nullptr)))
                  : BatchResult(Error(Error::kInvalid, "commit submissions", "the store is not open"));
        auto spent = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - began);
        server::count_commit(shared_metrics(), q->batch_submissions_.size(), spent.count());
      },
      [q](std::string_view what) {
        q->batch_result_ = Error(Error::kInvalid, "commit submissions", std::string(what));
      });
}

// Back on the event loop.
void CommitQueue::done(ngx_event_t* ev) {
  // The task's event has no log of its own: the worker's.
  guard_event(ngx_cycle->log, "a commit's completion", [ev] {
    auto* q = static_cast<CommitQueue*>(ev->data);
    q->in_flight_ = false;
    q->finish_batch();
    if (!q->in_flight_) q->post_next(ngx_cycle->log);
  });
}

// Answers every request of the batch, each with its own outcome.
void CommitQueue::finish_batch() noexcept {
  std::vector<Waiting> batch;
  batch.swap(batch_);
  bool delivers = batch_result_ && std::any_of(batch_submissions_.begin(), batch_submissions_.end(),
                                               [](const storage::NewSubmission& s) { return !s.deliveries.empty(); });
  if (delivers) deliveries_stored();  // sent at once, not at the next tick
  batch_submissions_.clear();
  BatchResult result = std::move(batch_result_);
  batch_result_ = BatchResult(std::vector<storage::CommitOutcome>{});
  for (std::size_t i = 0; i < batch.size(); ++i)
    finish_request(batch[i], [&] { return forms::commit_result(result, i); });
}

}  // namespace

ngx_int_t enqueue_submission(ngx_http_request_t* r, storage::NewSubmission submission, CommitAnswer answer) noexcept {
  return guard_handler(r, "queueing a submission", [&] { return queue().add(r, std::move(submission), answer); });
}

}  // namespace civic::module
