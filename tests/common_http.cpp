// Conditional requests (RFC 9110 §13.2.2) and weighted lists (§12.4.2,
// §12.5.1) without nginx.
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

void weights_are_read_once_for_every_list(void**) {
  auto w = civic::weighted_element(" text/html ; level=1;Q=0.25 ");
  assert_true(w.range == "text/html");
  assert_int_equal(*w.weight, 250);
  assert_int_equal(*civic::weighted_element("fi").weight, 1000);
  assert_int_equal(*civic::weighted_element("fi;q=1.000").weight, 1000);
  assert_int_equal(*civic::weighted_element("fi;q=0").weight, 0);
  for (const char* bad : {"fi;q=", "fi;q=2", "fi;q=1.5", "fi;q=0.5x", "fi;q=0.12345", "fi;q=.5", "fi;q=-0"})
    if (civic::weighted_element(bad).weight) fail_msg("%s has a weight", bad);
  // Accept: the most specific range decides; a malformed weight counts as 1.
  assert_int_equal(civic::accept_quality("", "text/calendar"), 1000);
  assert_int_equal(civic::accept_quality("text/*;q=0.5, */*;q=0.1", "text/calendar"), 500);
  assert_int_equal(civic::accept_quality("text/calendar;q=0, */*", "text/calendar"), 0);
  assert_int_equal(civic::accept_quality("application/json", "text/calendar"), 0);
  assert_int_equal(civic::accept_quality("text/calendar;q=2", "text/calendar"), 1000);
}

}  // namespace

int main() {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(what_was_sent_is_current),
      cmocka_unit_test(weights_are_read_once_for_every_list),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
