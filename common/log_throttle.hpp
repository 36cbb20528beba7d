// At most one log line a second for a condition that may repeat thousands of
// times a second (a full store refusing every write): the first occurrence in
// a second is logged, with how many were held back since the line before.
#pragma once

#include <cstdint>
#include <limits>

namespace civic {

class LogThrottle {
 public:
  // Whether an occurrence at `now` (seconds) is logged; if so, `held_back`
  // is how many were not logged since the previous line.
  bool admit(std::int64_t now, std::uint64_t& held_back) noexcept {
    if (now == last_) {
      ++held_back_;
      return false;
    }
    last_ = now;
    held_back = held_back_;
    held_back_ = 0;
    return true;
  }

 private:
  std::int64_t last_ = std::numeric_limits<std::int64_t>::min();
  std::uint64_t held_back_ = 0;
};

}  // namespace civic
