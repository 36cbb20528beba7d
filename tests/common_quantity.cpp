// Durations and sizes in nginx's units (common/quantity.hpp).
#include "common/quantity.hpp"
#include "tests/support/cmocka.hpp"  // last

namespace {

using civic::parse_duration;
using civic::parse_size;

void durations(void**) {
  assert_int_equal(parse_duration("30d"), 30 * 86400);
  assert_int_equal(parse_duration("2s"), 2);
  assert_int_equal(parse_duration("90"), 90);
  assert_int_equal(parse_duration("0"), 0);
  assert_int_equal(parse_duration("1h30m"), 5400);
  assert_int_equal(parse_duration("6w"), 6 * 7 * 86400);
  assert_int_equal(parse_duration("1y"), 365 * 86400);
  assert_int_equal(parse_duration("100y"), 100LL * 365 * 86400);
  // A unit is missing, unknown, or the number is not one.
  assert_int_equal(parse_duration("1h30"), -1);
  assert_int_equal(parse_duration("1q"), -1);
  assert_int_equal(parse_duration(""), -1);
  assert_int_equal(parse_duration("h"), -1);
  assert_int_equal(parse_duration("-5s"), -1);
  assert_int_equal(parse_duration("1 d"), -1);
  // Longer than a hundred years, and numbers too large for any type.
  assert_int_equal(parse_duration("101y"), -1);
  assert_int_equal(parse_duration("99y2y"), -1);
  assert_int_equal(parse_duration("99999999999999999999999s"), -1);
  assert_int_equal(parse_duration("9999999999999"), -1);
}

void sizes(void**) {
  assert_int_equal(parse_size("5m"), 5 << 20);
  assert_int_equal(parse_size("5M"), 5 << 20);
  assert_int_equal(parse_size("100k"), 100 << 10);
  assert_int_equal(parse_size("4g"), 4LL << 30);
  assert_int_equal(parse_size("12"), 12);
  assert_int_equal(parse_size("x"), -1);
  assert_int_equal(parse_size(""), -1);
  assert_int_equal(parse_size("m"), -1);
  assert_int_equal(parse_size("1.5m"), -1);
  assert_int_equal(parse_size("-1k"), -1);
  assert_int_equal(parse_size("1t"), -1);
  assert_int_equal(parse_size("1048576g"), 1LL << 50);
  assert_int_equal(parse_size("1048577g"), -1);
}

}  // namespace

int main() {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(durations),
      cmocka_unit_test(sizes),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
