#include "apache/periodic.hpp"

#include <utility>

namespace civic::apache {

PeriodicTask::PeriodicTask(std::string name, std::int64_t first_ms, std::function<std::int64_t()> run)
    : name_(std::move(name)),
      run_(std::move(run)),
      due_(std::chrono::steady_clock::now() + std::chrono::milliseconds(first_ms)),
      thread_([this] { loop(); }) {}

PeriodicTask::~PeriodicTask() { stop(); }

void PeriodicTask::poke(std::int64_t ms) {
  std::lock_guard lock(mutex_);
  auto at = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  if (at < due_) {
    due_ = at;
    wake_.notify_one();
  }
}

void PeriodicTask::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    wake_.notify_one();
  }
  if (thread_.joinable()) thread_.join();
}

void PeriodicTask::loop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (std::chrono::steady_clock::now() < due_) {
      wake_.wait_until(lock, due_);
      continue;
    }
    // Not due again until the run says when.
    due_ = std::chrono::steady_clock::time_point::max();
    lock.unlock();
    std::int64_t next_ms = run_();
    lock.lock();
    auto at = std::chrono::steady_clock::now() + std::chrono::milliseconds(next_ms > 0 ? next_ms : 1);
    if (at < due_) due_ = at;  // a poke while it ran may have made it sooner
  }
}

}  // namespace civic::apache
