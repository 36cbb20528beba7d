#include "delivery/retry_policy.hpp"

namespace civic::delivery {

namespace {

constexpr std::int64_t kFirstDelayMs = 1000;
constexpr std::int64_t kMaxDelayMs = 600 * 1000;

}  // namespace

std::int64_t retry_delay_ms(std::uint32_t failed_attempts, std::uint32_t random) {
  std::int64_t delay = kFirstDelayMs;
  // Doubling stops at the cap, so no shift overflows however many failures.
  for (std::uint32_t i = 1; i < failed_attempts && delay < kMaxDelayMs; ++i) delay *= 2;
  if (delay > kMaxDelayMs) delay = kMaxDelayMs;
  const std::int64_t half = delay / 2;
  return half + static_cast<std::int64_t>(random % static_cast<std::uint64_t>(delay - half + 1));
}

Outcome http_outcome(long status, bool transport_error) {
  if (transport_error) return Outcome::retry;
  if (status >= 200 && status <= 299) return Outcome::delivered;
  // 408 Request Timeout and 429 Too Many Requests ask to come back later.
  if (status == 408 || status == 429 || (status >= 500 && status <= 599)) return Outcome::retry;
  // 1xx as a final answer, 3xx (redirects are not followed) and other 4xx:
  // trying again would get the same answer.
  return Outcome::failed;
}

bool retry_window_over(std::int64_t first_attempt_ms, std::int64_t now_ms, std::int64_t retry_for_ms) {
  return now_ms - first_attempt_ms >= retry_for_ms;
}

}  // namespace civic::delivery
