// Occurrences from libical's recurrence iterator, in the event's zone.
#include <cstring>
#include <string>

#include "ical/event_json.hpp"
#include "ical/recurrence.hpp"
#include "ical/timezone.hpp"
#include "tests/cmocka.hpp"  // last

using namespace civic::ical;

namespace {

Event parse(const char* json) {
  Event e;
  auto err = event_from_json(json, EventDefaults{"fi", "Europe/Helsinki"}, e);
  if (err) fail_msg("%s: %s", err->field.c_str(), err->message.c_str());
  return e;
}

std::int64_t utc(int y, int mo, int d, int h, int mi = 0) { return seconds_from_civil({y, mo, d, h, mi, 0}); }

void weekly_series_keeps_local_time_across_dst(void**) {
  // Tuesdays 18:00 Helsinki time from 2026-10-13, 4 times, the 20th excluded.
  Event e = parse(R"({"id":"s","name":"x","start_time":"2026-10-13T18:00:00+03:00","end_time":"2026-10-13T19:30:00+03:00",
                      "recurrence":{"rrule":"FREQ=WEEKLY;COUNT=4","exdate":["2026-10-20T18:00:00+03:00"]}})");
  Expansion x = expand_occurrences(e, utc(2030, 1, 1, 0), 100);
  assert_false(x.truncated);
  assert_int_equal(x.occurrences.size(), 3);
  assert_int_equal(x.occurrences[0].start, utc(2026, 10, 13, 15));  // EEST
  assert_int_equal(x.occurrences[0].end, utc(2026, 10, 13, 16, 30));
  assert_int_equal(x.occurrences[1].start, utc(2026, 10, 27, 16));  // EET after 25 October
  assert_int_equal(x.occurrences[2].start, utc(2026, 11, 3, 16));
  assert_int_equal(x.first_start, utc(2026, 10, 13, 15));
  assert_int_equal(x.last_end, utc(2026, 11, 3, 17, 30));
}

void open_ended_series_stops_at_the_horizon(void**) {
  Event e = parse(R"({"id":"s","name":"x","start_time":"2026-01-05T10:00","recurrence":{"rrule":"FREQ=DAILY"}})");
  Expansion x = expand_occurrences(e, utc(2026, 1, 15, 0), 1000);
  assert_true(x.truncated);
  assert_int_equal(x.occurrences.size(), 10);
  assert_int_equal(x.resume_from, utc(2026, 1, 15, 8));
  assert_int_equal(x.last_end, kOpenEnded);
  Expansion capped = expand_occurrences(e, utc(2030, 1, 1, 0), 5);
  assert_true(capped.truncated);
  assert_int_equal(capped.occurrences.size(), 5);
  // Later occurrences are found on demand.
  auto first = first_overlap_after(e, x.resume_from, utc(2027, 3, 1, 0), utc(2027, 3, 2, 0), 100000);
  assert_true(first.has_value());
  assert_int_equal(*first, utc(2027, 3, 1, 8));
  assert_false(first_overlap_after(e, x.resume_from, utc(2025, 3, 1, 0), utc(2025, 3, 2, 0), 100000).has_value());
}

void all_day_and_rdate(void**) {
  Event e = parse(R"({"id":"d","name":"x","start_time":"2026-12-24","end_time":"2026-12-26",
                      "recurrence":{"rrule":"FREQ=YEARLY;COUNT=2","rdate":["2026-06-19"]}})");
  Expansion x = expand_occurrences(e, utc(2030, 1, 1, 0), 100);
  assert_int_equal(x.occurrences.size(), 3);
  // Midnight in Helsinki, three days long; the RDATE in its place in the order.
  assert_int_equal(x.occurrences[0].start, utc(2026, 6, 18, 21));
  assert_int_equal(x.occurrences[1].start, utc(2026, 12, 23, 22));
  assert_int_equal(x.occurrences[1].end, utc(2026, 12, 26, 22));
  assert_int_equal(x.occurrences[2].start, utc(2027, 12, 23, 22));
}

void single_events_have_one_occurrence(void**) {
  Event timed = parse(R"({"id":"t","name":"x","start_time":"2026-12-05T18:00:00+02:00"})");
  Expansion x = expand_occurrences(timed, utc(2030, 1, 1, 0), 100);
  assert_int_equal(x.occurrences.size(), 1);
  // No end: the event occupies its first second.
  assert_int_equal(x.occurrences[0].end, x.occurrences[0].start + 1);
  Event day = parse(R"({"id":"d","name":"x","start_time":"2026-12-24"})");
  x = expand_occurrences(day, utc(2030, 1, 1, 0), 100);
  assert_int_equal(x.occurrences[0].end - x.occurrences[0].start, 86400);
}

void until_is_normalized(void**) {
  std::string error;
  EventTime timed{{2026, 12, 1, 18, 0, 0}, false};
  auto r = normalize_rrule("FREQ=WEEKLY;UNTIL=20261231", timed, "Europe/Helsinki", error);
  assert_true(r.has_value());
  // The end of 31 December in Helsinki, in UTC.
  assert_string_equal(r->c_str(), "FREQ=WEEKLY;UNTIL=20261231T215959Z");
  EventTime day{{2026, 12, 1}, true};
  r = normalize_rrule("FREQ=WEEKLY;UNTIL=20261231T220000Z", day, "Europe/Helsinki", error);
  assert_true(r.has_value());
  assert_string_equal(r->c_str(), "FREQ=WEEKLY;UNTIL=20270101");
  assert_false(normalize_rrule("FREQ=WEEKLY;COUNT=3;UNTIL=20261231", timed, "UTC", error).has_value());
  assert_false(normalize_rrule("WEEKLY", timed, "UTC", error).has_value());
}

}  // namespace

int main() {
  init_timezones();
  const CMUnitTest tests[] = {
      cmocka_unit_test(weekly_series_keeps_local_time_across_dst),
      cmocka_unit_test(open_ended_series_stops_at_the_horizon),
      cmocka_unit_test(all_day_and_rdate),
      cmocka_unit_test(single_events_have_one_occurrence),
      cmocka_unit_test(until_is_normalized),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
