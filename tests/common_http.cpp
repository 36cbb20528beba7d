// Conditional requests without nginx (RFC 9110 §13.2.2).
#include <cstdint>
#include <optional>
#include <string_view>

#include "common/http_headers.hpp"
#include "tests/support/cmocka.hpp"  // last

namespace {

void what_was_sent_is_current(void**) {
  // A calendar changed five times this second: its time runs ahead of the
  // clock, and the answer said the clock's time (issue 13).
  const std::int64_t now = 1000, ahead = 1004;
  assert_int_equal(civic::sent_last_modified(ahead, now), now);
  assert_true(civic::client_copy_is_current(std::nullopt, now, "\"x\"", ahead, now));
  assert_false(civic::client_copy_is_current(std::nullopt, now - 1, "\"x\"", ahead, now));
  assert_true(civic::client_copy_is_current(std::nullopt, 990, "\"x\"", 980, now));
  assert_false(civic::client_copy_is_current(std::nullopt, std::nullopt, "\"x\"", 980, now));
  // If-None-Match wins over If-Modified-Since.
  assert_false(civic::client_copy_is_current(std::string_view("\"y\""), now, "\"x\"", 980, now));
  assert_true(civic::client_copy_is_current(std::string_view("W/\"x\""), std::nullopt, "\"x\"", 980, now));
}

}  // namespace

int main() {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(what_was_sent_is_current),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
