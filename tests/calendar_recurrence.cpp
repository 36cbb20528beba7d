// Occurrences from libical's recurrence iterator, in the event's zone.
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "calendar/model/civil_time.hpp"
#include "calendar/formats/event_json.hpp"
#include "calendar/model/recurrence.hpp"
#include "calendar/model/timezone.hpp"
#include "tests/support/cmocka.hpp"  // last

using namespace civic;
using namespace civic::calendar;

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
  ExpansionBudget steps(100000);
  auto first = first_overlap_after(e, x.resume_from, utc(2027, 3, 1, 0), utc(2027, 3, 2, 0), steps);
  assert_true(first.has_value());
  assert_int_equal(*first, utc(2027, 3, 1, 8));
  assert_false(first_overlap_after(e, x.resume_from, utc(2025, 3, 1, 0), utc(2025, 3, 2, 0), steps).has_value());
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

// The occurrences overlapping [qs, qe) as a walk from DTSTART finds them
// (what a write materializes), and as a query finds them, starting libical
// at the window.
std::vector<Occurrence> walked_from_dtstart(const Event& e, std::int64_t qs, std::int64_t qe) {
  Expansion x = expand_occurrences(e, qe, 1000000);
  std::vector<Occurrence> in;
  for (const auto& o : x.occurrences)
    if (o.start < qe && o.end > qs) in.push_back(o);
  return in;
}

std::string describe(const std::vector<Occurrence>& v) {
  std::string s = std::to_string(v.size()) + " occurrences";
  if (!v.empty()) s += " from " + format_ical_utc(v.front().start) + " to " + format_ical_utc(v.back().start);
  return s;
}

void expanding_from_the_window_agrees_with_a_walk_from_dtstart(void**) {
  struct Rule {
    const char* rrule;
    bool far;  // also windows years ahead (hourly ones are walked from DTSTART for the comparison: kept near)
  };
  const Rule rules[] = {
      {"FREQ=HOURLY", false},
      {"FREQ=HOURLY;INTERVAL=5", false},
      {"FREQ=HOURLY;INTERVAL=7;BYDAY=MO,TU", false},
      {"FREQ=HOURLY;BYHOUR=9,12,15;BYMINUTE=15", false},
      {"FREQ=DAILY", true},
      {"FREQ=DAILY;INTERVAL=3", true},
      {"FREQ=DAILY;BYHOUR=9,18", true},
      {"FREQ=DAILY;INTERVAL=10;BYMONTH=3,4", true},
      {"FREQ=WEEKLY", true},
      {"FREQ=WEEKLY;INTERVAL=2", true},
      {"FREQ=WEEKLY;INTERVAL=3;BYDAY=MO,FR", true},
      {"FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,SU;WKST=SU", true},
      {"FREQ=WEEKLY;BYDAY=SA;UNTIL=20290615T000000Z", true},
      {"FREQ=MONTHLY", true},
      {"FREQ=MONTHLY;INTERVAL=5", true},
      {"FREQ=MONTHLY;BYDAY=-1FR", true},
      {"FREQ=MONTHLY;BYDAY=2TU,4TU", true},
      {"FREQ=MONTHLY;BYMONTHDAY=31", true},
      {"FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", true},
      {"FREQ=MONTHLY;INTERVAL=7;BYMONTHDAY=1,15", true},
      {"FREQ=YEARLY", true},
      {"FREQ=YEARLY;INTERVAL=3", true},
      {"FREQ=YEARLY;BYMONTH=6;BYDAY=3SA", true},
      {"FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO", true},
      {"FREQ=YEARLY;BYYEARDAY=100,200", true},
      {"FREQ=YEARLY;INTERVAL=2;BYMONTH=1,7;BYDAY=1MO", true},
      {"FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29", true},
  };
  // Helsinki: an ordinary start, the 31st, a leap day, a time the spring
  // change skips and one the autumn change repeats; and all-day starts.
  const char* starts[] = {"2026-01-01T18:00:00", "2026-01-31T10:00:00", "2028-02-29T12:00:00",
                          "2026-03-29T03:30:00", "2026-10-25T03:30:00", "2026-01-31", "2028-02-29"};
  struct Window {
    CivilTime from;
    int days;
    bool far;
  };
  const Window windows[] = {
      {{2026, 3, 15, 0, 0, 0}, 20, false},  {{2027, 1, 1, 12, 0, 0}, 20, false}, {{2028, 4, 12, 0, 0, 0}, 20, false},
      {{2029, 10, 27, 2, 0, 0}, 20, false}, {{2031, 3, 29, 0, 0, 0}, 60, true},   {{2040, 2, 20, 0, 0, 0}, 400, true},
      {{2061, 6, 1, 0, 0, 0}, 400, true},
  };
  int compared = 0;
  for (const auto& rule : rules) {
    for (const char* start : starts) {
      bool all_day = std::strlen(start) == 10;
      if (all_day && std::strncmp(rule.rrule, "FREQ=HOURLY", 11) == 0) continue;
      std::string json = std::string(R"({"id":"s","name":"x","start_time":")") + start + "\",\"end_time\":\"" +
                         (all_day ? std::string(start) : std::string(start, 11) + "23:59:00") +
                         R"(","recurrence":{"rrule":")" + rule.rrule +
                         R"(","exdate":[)" + (all_day ? R"("2028-03-01","2040-03-01")" : R"("2029-10-28T03:30:00","2031-04-01T18:00:00")") +
                         R"(],"rdate":[)" + (all_day ? R"("2031-04-03")" : R"("2031-04-02T07:00:00","2040-03-01T18:00:00")") + "]}}";
      Event e = parse(json.c_str());
      for (const auto& w : windows) {
        if (w.far && !rule.far) continue;
        std::int64_t qs = local_to_utc(w.from, "Europe/Helsinki");
        std::int64_t qe = qs + std::int64_t{w.days} * 86400;
        std::vector<Occurrence> expected = walked_from_dtstart(e, qs, qe);
        ExpansionBudget steps(kMaxExpansionSteps);
        std::vector<Occurrence> got = occurrences_between(e, std::numeric_limits<std::int64_t>::min() / 2, qs, qe,
                                                          steps, 1000000);
        assert_false(steps.ran_out());
        if (got != expected)
          fail_msg("%s from %s, window %s: from DTSTART %s, from the window %s", rule.rrule, start,
                   format_ical_utc(qs).c_str(), describe(expected).c_str(), describe(got).c_str());
        // The first overlap, as the iCal feed looks for it.
        ExpansionBudget first_steps(kMaxExpansionSteps);
        auto first = first_overlap_after(e, std::numeric_limits<std::int64_t>::min() / 2, qs, qe, first_steps);
        if (expected.empty() ? first.has_value() : (!first || *first != expected.front().start))
          fail_msg("%s from %s, window %s: first overlap differs", rule.rrule, start, format_ical_utc(qs).c_str());
        ++compared;
      }
    }
  }
  assert_true(compared > 800);
}

void an_hourly_series_goes_on_and_costs_its_window(void**) {
  Event e = parse(R"({"id":"h","name":"x","start_time":"2026-01-01T00:00:00","end_time":"2026-01-01T00:30:00",
                      "recurrence":{"rrule":"FREQ=HOURLY"}})");
  for (CivilTime day : {CivilTime{2028, 4, 12}, CivilTime{2028, 4, 13}, CivilTime{2028, 4, 14}, CivilTime{2030, 6, 1},
                        CivilTime{2199, 12, 30}}) {
    std::int64_t qs = local_to_utc(day, "Europe/Helsinki");
    std::int64_t qe = local_to_utc(add_days(day, 1), "Europe/Helsinki");
    ExpansionBudget steps(kMaxExpansionSteps);
    auto found = occurrences_between(e, qs, qs, qe, steps, 1000);
    if (found.size() != 24) fail_msg("%d-%02d-%02d: %zu occurrences", day.year, day.month, day.day, found.size());
    // A day and a bit of walking, however far from DTSTART.
    if (steps.used() > 100) fail_msg("%d-%02d-%02d: %zu steps", day.year, day.month, day.day, steps.used());
  }
  // Nothing from 2200 on: the last one starts 2199-12-31T23:00Z.
  ExpansionBudget steps(kMaxExpansionSteps);
  assert_int_equal(*first_overlap_after(e, 0, kEndOfTime - 3600, kOpenEnded, steps), kEndOfTime - 3600);
  assert_false(first_overlap_after(e, 0, kEndOfTime - 1, kOpenEnded, steps).has_value());
  assert_false(steps.ran_out());
}

void a_wall_clock_time_stays_after_a_daylight_saving_gap(void**) {
  // Daily at 03:30 in Helsinki; 29 March 2026 has no 03:30. The days after
  // it are at 03:30 again (libical, walking with the zone, kept the moved
  // time for the next day).
  Event e = parse(R"({"id":"d","name":"x","start_time":"2026-03-27T03:30:00","recurrence":{"rrule":"FREQ=DAILY;COUNT=6"}})");
  Expansion x = expand_occurrences(e, utc(2030, 1, 1, 0), 100);
  assert_int_equal(x.occurrences.size(), 6);
  assert_int_equal(x.occurrences[0].start, utc(2026, 3, 27, 1, 30));  // EET
  assert_int_equal(x.occurrences[3].start, utc(2026, 3, 30, 0, 30));  // EEST
  assert_int_equal(x.occurrences[4].start, utc(2026, 3, 31, 0, 30));
}

void a_small_budget_runs_out_rather_than_walking_on(void**) {
  // Leap days only: years of days walked for one occurrence.
  Event sparse = parse(R"({"id":"l","name":"x","start_time":"2028-02-29T10:00:00",
                           "recurrence":{"rrule":"FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29"}})");
  ExpansionBudget steps(1000);
  auto found = occurrences_between(sparse, 0, utc(2030, 1, 1, 0), utc(2060, 1, 1, 0), steps, 1000);
  assert_true(steps.ran_out());
  assert_true(found.size() <= 3);
  assert_true(steps.used() <= 1000);
  ExpansionBudget enough(20000);
  found = occurrences_between(sparse, 0, utc(2030, 1, 1, 0), utc(2060, 1, 1, 0), enough, 1000);
  assert_false(enough.ran_out());
  assert_int_equal(found.size(), 7);  // 2032 ... 2056
  // A rule that never matches an hour costs the hours it walks, and stops.
  Event never = parse(R"({"id":"n","name":"x","start_time":"2026-01-01T10:00:00",
                          "recurrence":{"rrule":"FREQ=HOURLY;BYMONTH=2;BYMONTHDAY=30"}})");
  ExpansionBudget hours(5000);
  assert_false(first_overlap_after(never, 0, utc(2030, 1, 1, 0), kOpenEnded, hours).has_value());
  assert_true(hours.ran_out());
  // Endless weekly series: the budget ends the walk, not year 2409.
  Event weekly = parse(R"({"id":"w","name":"x","start_time":"2026-01-05T18:00:00","recurrence":{"rrule":"FREQ=WEEKLY"}})");
  ExpansionBudget few(100);
  found = occurrences_between(weekly, 0, utc(2027, 1, 1, 0), kOpenEnded, few, 1000000);
  assert_true(few.ran_out());
  assert_true(found.size() <= 100);
  assert_true(found.back().start < utc(2029, 1, 1, 0));
}

void rules_faster_than_hourly_or_too_long_are_refused(void**) {
  EventTime timed{{2026, 12, 1, 18, 0, 0}, false};
  std::string every_minute = "FREQ=DAILY;BYMINUTE=";
  for (int m = 0; m < 60; ++m) every_minute += (m ? "," : "") + std::to_string(m);
  struct Case {
    std::string rule;
    const char* says;  // nullptr: accepted
  };
  const Case cases[] = {
      {every_minute, "more often than hourly"},
      {"FREQ=DAILY;BYSECOND=0,30", "more often than hourly"},
      {"FREQ=HOURLY;BYMINUTE=0,30", "more often than hourly"},
      {"FREQ=MINUTELY", "more often than hourly"},
      {"FREQ=DAILY;BYHOUR=9,18;BYMINUTE=30", nullptr},
      {"FREQ=HOURLY;BYMINUTE=15", nullptr},
      {"FREQ=DAILY;COUNT=5000", nullptr},
      {"FREQ=DAILY;COUNT=5001", "COUNT outside 1 to 5000"},
      {"FREQ=DAILY;COUNT=0", ""},  // libical refuses it itself
      {"FREQ=MONTHLY;BYMONTH=2;BYMONTHDAY=30", "matches no date"},
      {"FREQ=MONTHLY;BYMONTHDAY=31;BYMONTH=4,6,9,11", "matches no date"},
      {"FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "matches no date"},
      {"FREQ=MONTHLY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO", nullptr},  // 2044, 2072, ...
  };
  for (const auto& c : cases) {
    std::string error;
    auto r = normalize_rrule(c.rule, timed, "Europe/Helsinki", error);
    if (c.says == nullptr) {
      if (!r) fail_msg("%s refused: %s", c.rule.c_str(), error.c_str());
    } else if (r || error.find(c.says) == std::string::npos) {
      fail_msg("%s: %s", c.rule.c_str(), r ? "accepted" : error.c_str());
    }
  }
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
      cmocka_unit_test(expanding_from_the_window_agrees_with_a_walk_from_dtstart),
      cmocka_unit_test(an_hourly_series_goes_on_and_costs_its_window),
      cmocka_unit_test(a_wall_clock_time_stays_after_a_daylight_saving_gap),
      cmocka_unit_test(a_small_budget_runs_out_rather_than_walking_on),
      cmocka_unit_test(rules_faster_than_hourly_or_too_long_are_refused),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
