// Group commit for a server whose requests run in threads that may block
// (Apache httpd's event and worker MPMs). A thread with an accepted
// submission joins the queue; when no commit is running, it becomes the
// committer: it takes what is queued (up to the batch limit) and stores it
// in one LMDB write transaction with one durable commit, then wakes the
// others with their own outcomes. What arrives meanwhile waits for the next
// commit, so the more submissions come in at once, the more each commit
// carries, as nginx's commit queue does with its thread pool
// (module/commit_queue.hpp). Across processes, LMDB's write lock takes the
// commits one at a time.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>

#include "forms/service/submission_record.hpp"
#include "server/metrics.hpp"
#include "storage/store.hpp"
#include "storage/submission_store.hpp"

namespace civic::server {

class GroupCommit {
 public:
  // `batch_max`: civic_commit_batch (CivicCommitBatch), at least 1.
  explicit GroupCommit(std::size_t batch_max) : batch_max_(batch_max > 0 ? batch_max : 1) {}
  GroupCommit(const GroupCommit&) = delete;
  GroupCommit& operator=(const GroupCommit&) = delete;

  struct Outcome {
    forms::CommitResult result;
    bool delivers = false;  // the commit stored deliveries: the sender may start a round now
  };

  // Blocks until `submission` is committed, or its commit failed (never
  // throws: a failure is the result). `metrics` (may be null) counts each
  // commit's batch size and time.
  Outcome commit(storage::Store& store, storage::NewSubmission submission, SharedMetrics* metrics) noexcept;

  // Submissions waiting for a commit to start (not the one running).
  std::size_t waiting() {
    std::lock_guard lock(mutex_);
    return queue_.size();
  }

 private:
  struct Slot;
  void commit_batch(storage::Store& store, std::deque<Slot*>& batch, SharedMetrics* metrics) noexcept;

  std::size_t batch_max_;
  std::mutex mutex_;
  std::deque<Slot*> queue_;  // waiting, oldest first
  bool committing_ = false;
};

}  // namespace civic::server
