// When a delivery is tried again, and what an answer means (issue 14): 2xx
// delivered; 408, 429, 5xx, timeouts and refused connections tried again with
// exponential backoff and jitter (the first retry within 2 s, never more than
// 10 minutes between tries) until the delivery's retry_for is over; any other
// status failed at once.
#pragma once

#include <cstdint>

namespace civic::delivery {

// The wait before the next try after `failed_attempts` failures (1 after the
// first): 1 s doubling per failure, capped at 600 s, then jittered uniformly
// into [d/2, d] by `random` (any 32-bit random number) so that receivers
// coming back are not hit by every waiting delivery at the same moment.
std::int64_t retry_delay_ms(std::uint32_t failed_attempts, std::uint32_t random);

enum class Outcome { delivered, retry, failed };

// `status`: the HTTP status (0 when there was none); `transport_error`: no
// answer at all (refused, timed out, DNS, TLS).
Outcome http_outcome(long status, bool transport_error);

// True when no more tries are due: `retry_for_ms` has passed since the first.
bool retry_window_over(std::int64_t first_attempt_ms, std::int64_t now_ms, std::int64_t retry_for_ms);

}  // namespace civic::delivery
