// At most one log line a second, each saying how many it stands for.
#include <cstdint>

#include "common/log_throttle.hpp"
#include "tests/support/cmocka.hpp"  // last

namespace {

void one_line_a_second_with_the_count_held_back(void**) {
  civic::LogThrottle throttle;
  std::uint64_t held = 99;
  assert_true(throttle.admit(100, held));
  assert_int_equal(held, 0);
  for (int i = 0; i < 57; ++i) assert_false(throttle.admit(100, held));
  assert_true(throttle.admit(101, held));
  assert_int_equal(held, 57);
  assert_true(throttle.admit(105, held));
  assert_int_equal(held, 0);
  assert_false(throttle.admit(105, held));
  // A clock that steps back is another second too.
  assert_true(throttle.admit(104, held));
  assert_int_equal(held, 1);
}

}  // namespace

int main() {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(one_line_a_second_with_the_count_held_back),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
