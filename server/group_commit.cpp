#include "server/group_commit.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <exception>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace civic::server {

struct GroupCommit::Slot {
  storage::NewSubmission submission;
  std::optional<Outcome> outcome;
  std::condition_variable wake;  // its outcome is set, or it is first in the queue with no commit running
};

namespace {

forms::CommitResult failed(std::string what) {
  return forms::CommitResult{forms::CommitResult::Kind::failed, {}, std::move(what)};
}

}  // namespace

GroupCommit::Outcome GroupCommit::commit(storage::Store& store, storage::NewSubmission submission,
                                         SharedMetrics* metrics) noexcept {
  try {
    Slot mine{std::move(submission), std::nullopt, {}};
    std::unique_lock lock(mutex_);
    queue_.push_back(&mine);
    while (!mine.outcome) {
      if (committing_) {
        mine.wake.wait(lock);
        continue;
      }
      // This thread commits: what waits, oldest first (its own among them
      // unless more than a batch waits before it: then it commits again).
      committing_ = true;
      std::size_t n = std::min(queue_.size(), batch_max_);
      std::deque<Slot*> batch(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
      queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
      lock.unlock();
      commit_batch(store, batch, metrics);
      lock.lock();
      committing_ = false;
      // Only those with an outcome wake, and the first still waiting, who
      // commits next: the rest sleep on.
      for (Slot* slot : batch)
        if (slot != &mine) slot->wake.notify_one();
      if (!queue_.empty()) queue_.front()->wake.notify_one();
    }
    return std::move(*mine.outcome);
  } catch (const std::exception& e) {
    // Only before its slot joined the queue (no memory): nothing of it is stored.
    return Outcome{failed(e.what()), false};
  }
}

// Without the lock: the slots of `batch` belong to this thread until their
// outcomes are set (their own threads only wait).
void GroupCommit::commit_batch(storage::Store& store, std::deque<Slot*>& batch, SharedMetrics* metrics) noexcept {
  Result<std::vector<storage::CommitOutcome>> result{std::vector<storage::CommitOutcome>{}};
  bool delivers = false;
  try {
    std::vector<storage::NewSubmission> submissions;
    submissions.reserve(batch.size());
    for (Slot* slot : batch) {
      delivers = delivers || !slot->submission.deliveries.empty();
      submissions.push_back(std::move(slot->submission));
    }
    auto began = std::chrono::steady_clock::now();
    result = storage::commit_submissions(store, submissions, static_cast<std::int64_t>(std::time(nullptr)));
    auto spent = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - began);
    count_commit(metrics, submissions.size(), spent.count());
  } catch (const std::exception& e) {
    result = Error(Error::kInvalid, "commit submissions", e.what());
  }
  delivers = delivers && static_cast<bool>(result);
  for (std::size_t i = 0; i < batch.size(); ++i) {
    try {
      batch[i]->outcome = Outcome{forms::commit_result(result, i), delivers};
    } catch (const std::exception&) {
      batch[i]->outcome.emplace();  // no memory for the result's texts
      batch[i]->outcome->result.kind = forms::CommitResult::Kind::failed;
    }
  }
}

}  // namespace civic::server
