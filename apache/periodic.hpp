// Work a child process does in the background, as nginx's workers do on
// timers: each task has a thread of its own that sleeps until the task is
// due, runs it (the task says when it is due again) and can be woken early
// (poke) or stopped. The tasks themselves are the core's (retention purge,
// delivery rounds, calendar sources, re-rendering), which take turns across
// processes through the store (storage::claim_turn).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace civic::apache {

class PeriodicTask {
 public:
  // `run` returns the milliseconds until it is due again; it must not throw.
  PeriodicTask(std::string name, std::int64_t first_ms, std::function<std::int64_t()> run);
  ~PeriodicTask();  // stops and joins
  PeriodicTask(const PeriodicTask&) = delete;
  PeriodicTask& operator=(const PeriodicTask&) = delete;

  // Due within `ms` (if not sooner already).
  void poke(std::int64_t ms);
  void stop();

 private:
  void loop();

  std::string name_;
  std::function<std::int64_t()> run_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::chrono::steady_clock::time_point due_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace civic::apache
