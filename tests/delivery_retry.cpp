// When a delivery is tried again and what an answer means (issue 14: first
// retry within 2 s, at most 10 minutes between tries, 408/429/5xx/no answer
// retried, other statuses failed at once).
#include <cstdint>
#include <initializer_list>

#include "delivery/retry_policy.hpp"
#include "tests/support/cmocka.hpp"  // last

using namespace civic::delivery;

namespace {

constexpr std::int64_t kCapMs = 600 * 1000;

void first_retry_comes_within_two_seconds(void**) {
  for (std::uint32_t r : {0u, 1u, 499u, 500u, 501u, 12345u, 0x7fffffffu, 0xffffffffu}) {
    std::int64_t d = retry_delay_ms(1, r);
    assert_true(d >= 500);
    assert_true(d <= 1000);
  }
  assert_int_equal(retry_delay_ms(1, 0), 500);
  assert_int_equal(retry_delay_ms(1, 500), 1000);
}

void delays_double_up_to_ten_minutes(void**) {
  // The upper end of the jitter range (random = d/2) doubles until capped.
  std::int64_t previous = 0;
  for (std::uint32_t failures = 1; failures <= 40; ++failures) {
    std::int64_t lowest = retry_delay_ms(failures, 0);
    std::int64_t highest = lowest;
    for (std::uint32_t r = 1; r < 4000; r += 7) {
      std::int64_t d = retry_delay_ms(failures, r * 104729u);
      if (d < lowest) lowest = d;
      if (d > highest) highest = d;
    }
    assert_true(highest <= kCapMs);
    assert_true(lowest * 2 >= highest);  // jitter stays within [d/2, d]
    assert_true(lowest >= previous / 2);  // never shorter than half the last cap
    if (failures <= 10) assert_true(highest > previous);  // still doubling: 1 s * 2^9 < 600 s
    previous = highest;
  }
  assert_int_equal(retry_delay_ms(2, 0), 1000);
  assert_int_equal(retry_delay_ms(3, 0), 2000);
  assert_int_equal(retry_delay_ms(11, 0), kCapMs / 2);  // 1024 s capped at 600 s
  assert_int_equal(retry_delay_ms(0xffffffffu, 0xffffffffu) <= kCapMs, 1);
  assert_true(retry_delay_ms(0xffffffffu, 0) >= kCapMs / 2);
}

void answers_map_to_outcomes(void**) {
  struct Row {
    long status;
    bool transport_error;
    Outcome expected;
  };
  const Row table[] = {
      {200, false, Outcome::delivered}, {201, false, Outcome::delivered}, {202, false, Outcome::delivered},
      {204, false, Outcome::delivered}, {299, false, Outcome::delivered}, {408, false, Outcome::retry},
      {429, false, Outcome::retry},     {500, false, Outcome::retry},     {502, false, Outcome::retry},
      {503, false, Outcome::retry},     {504, false, Outcome::retry},     {599, false, Outcome::retry},
      {0, true, Outcome::retry},        {200, true, Outcome::retry},      {100, false, Outcome::failed},
      {301, false, Outcome::failed},    {302, false, Outcome::failed},    {307, false, Outcome::failed},
      {400, false, Outcome::failed},    {401, false, Outcome::failed},    {403, false, Outcome::failed},
      {404, false, Outcome::failed},    {409, false, Outcome::failed},    {410, false, Outcome::failed},
      {413, false, Outcome::failed},    {422, false, Outcome::failed},    {600, false, Outcome::failed},
  };
  for (const Row& row : table) {
    if (http_outcome(row.status, row.transport_error) != row.expected) {
      fail_msg("status %ld (transport error %d): wrong outcome", row.status, row.transport_error);
    }
  }
}

void the_window_closes_after_retry_for(void**) {
  const std::int64_t first = 1'700'000'000'000;
  const std::int64_t three_days = 3LL * 24 * 3600 * 1000;
  assert_false(retry_window_over(first, first, three_days));
  assert_false(retry_window_over(first, first + three_days - 1, three_days));
  assert_true(retry_window_over(first, first + three_days, three_days));
  assert_true(retry_window_over(first, first + three_days + 1, three_days));
  assert_true(retry_window_over(first, first, 0));  // retry_for=0: one try only
}

}  // namespace

int main() {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(first_retry_comes_within_two_seconds),
      cmocka_unit_test(delays_double_up_to_ten_minutes),
      cmocka_unit_test(answers_map_to_outcomes),
      cmocka_unit_test(the_window_closes_after_retry_for),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
