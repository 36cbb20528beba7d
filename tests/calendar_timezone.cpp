// Time zones from the system tz database (through libical), ISO 8601 and
// iCalendar date forms.
#include <cstring>
#include <string>

#include "calendar/model/civil_time.hpp"
#include "calendar/model/timezone.hpp"
#include "tests/support/cmocka.hpp"  // last

using namespace civic;
using namespace civic::calendar;

namespace {

void zones_come_from_the_tz_database(void**) {
  assert_true(zone_exists("Europe/Helsinki"));
  assert_true(zone_exists("Europe/Stockholm"));
  assert_true(zone_exists("UTC"));
  assert_false(zone_exists("Europe/Turku"));
  assert_false(zone_exists("../../etc/passwd"));
  assert_false(zone_exists(""));
}

void helsinki_wall_clock_follows_daylight_saving(void**) {
  // 2026-12-05 18:00 EET is 16:00Z; 2026-06-05 18:00 EEST is 15:00Z.
  CivilTime winter{2026, 12, 5, 18, 0, 0};
  CivilTime summer{2026, 6, 5, 18, 0, 0};
  assert_int_equal(local_to_utc(winter, "Europe/Helsinki"), seconds_from_civil({2026, 12, 5, 16, 0, 0}));
  assert_int_equal(local_to_utc(summer, "Europe/Helsinki"), seconds_from_civil({2026, 6, 5, 15, 0, 0}));
  assert_true(utc_to_local(seconds_from_civil({2026, 12, 5, 16, 0, 0}), "Europe/Helsinki") == winter);
  assert_int_equal(utc_offset(seconds_from_civil({2026, 12, 5, 16, 0, 0}), "Europe/Helsinki"), 7200);
  assert_int_equal(utc_offset(seconds_from_civil({2026, 6, 5, 15, 0, 0}), "Europe/Helsinki"), 10800);
  // Change days: 2026-03-29 03:00 EET -> 04:00 EEST (01:00Z); 2026-10-25 04:00 EEST -> 03:00 EET (01:00Z).
  assert_int_equal(utc_offset(seconds_from_civil({2026, 3, 29, 0, 59, 59}), "Europe/Helsinki"), 7200);
  assert_int_equal(utc_offset(seconds_from_civil({2026, 3, 29, 1, 0, 0}), "Europe/Helsinki"), 10800);
  assert_int_equal(utc_offset(seconds_from_civil({2026, 10, 25, 1, 0, 0}), "Europe/Helsinki"), 7200);
}

std::int64_t utc(CivilTime t) { return seconds_from_civil(t); }

// RFC 5545 §3.3.5: a time that occurs twice is the first; one that does not
// occur takes the offset from before the gap (it moves forward by the gap).
void times_around_the_changes_read_as_rfc_5545_says(void**) {
  // Helsinki: 2026-03-29 03:00 EET -> 04:00 EEST; 2026-10-25 04:00 EEST -> 03:00 EET.
  const char* fi = "Europe/Helsinki";
  assert_int_equal(local_to_utc({2026, 3, 29, 2, 59, 59}, fi), utc({2026, 3, 29, 0, 59, 59}));
  assert_int_equal(local_to_utc({2026, 3, 29, 3, 30, 0}, fi), utc({2026, 3, 29, 1, 30, 0}));  // 04:30+03:00
  assert_int_equal(local_to_utc({2026, 3, 29, 4, 0, 0}, fi), utc({2026, 3, 29, 1, 0, 0}));
  assert_int_equal(local_to_utc({2026, 10, 25, 2, 59, 0}, fi), utc({2026, 10, 24, 23, 59, 0}));
  assert_int_equal(local_to_utc({2026, 10, 25, 3, 0, 0}, fi), utc({2026, 10, 25, 0, 0, 0}));
  assert_int_equal(local_to_utc({2026, 10, 25, 3, 30, 0}, fi), utc({2026, 10, 25, 0, 30, 0}));  // +03:00
  assert_int_equal(local_to_utc({2026, 10, 25, 4, 0, 0}, fi), utc({2026, 10, 25, 2, 0, 0}));
  // And back: both passes through 03:30 show 03:30; only the first is named by it.
  assert_true(utc_to_local(utc({2026, 3, 29, 1, 30, 0}), fi) == (CivilTime{2026, 3, 29, 4, 30, 0}));
  assert_true(utc_to_local(utc({2026, 3, 29, 0, 59, 59}), fi) == (CivilTime{2026, 3, 29, 2, 59, 59}));
  assert_true(utc_to_local(utc({2026, 10, 25, 0, 30, 0}), fi) == (CivilTime{2026, 10, 25, 3, 30, 0}));
  assert_true(utc_to_local(utc({2026, 10, 25, 1, 30, 0}), fi) == (CivilTime{2026, 10, 25, 3, 30, 0}));
  assert_int_equal(utc_offset(utc({2026, 10, 25, 0, 30, 0}), fi), 10800);
  assert_int_equal(utc_offset(utc({2026, 10, 25, 1, 30, 0}), fi), 7200);
  assert_true(wall_clock_of(utc({2026, 10, 25, 0, 30, 0}), fi) == (CivilTime{2026, 10, 25, 3, 30, 0}));
  assert_false(wall_clock_of(utc({2026, 10, 25, 1, 30, 0}), fi).has_value());
  assert_true(wall_clock_of(utc({2026, 10, 25, 2, 0, 0}), fi) == (CivilTime{2026, 10, 25, 4, 0, 0}));

  // New York, the examples of RFC 5545 §3.3.5 (2007) and the same in 2026.
  const char* ny = "America/New_York";
  assert_int_equal(local_to_utc({2007, 11, 4, 1, 30, 0}, ny), utc({2007, 11, 4, 5, 30, 0}));  // EDT
  assert_int_equal(local_to_utc({2007, 3, 11, 2, 30, 0}, ny), utc({2007, 3, 11, 7, 30, 0}));  // 03:30 EDT
  assert_int_equal(local_to_utc({2026, 3, 8, 2, 30, 0}, ny), utc({2026, 3, 8, 7, 30, 0}));
  assert_int_equal(local_to_utc({2026, 3, 8, 3, 0, 0}, ny), utc({2026, 3, 8, 7, 0, 0}));
  assert_int_equal(local_to_utc({2026, 11, 1, 1, 30, 0}, ny), utc({2026, 11, 1, 5, 30, 0}));
  assert_int_equal(local_to_utc({2026, 11, 1, 2, 0, 0}, ny), utc({2026, 11, 1, 7, 0, 0}));
  assert_true(utc_to_local(utc({2026, 11, 1, 6, 30, 0}), ny) == (CivilTime{2026, 11, 1, 1, 30, 0}));
  assert_false(wall_clock_of(utc({2026, 11, 1, 6, 30, 0}), ny).has_value());

  // Lord Howe Island moves its clock by 30 minutes.
  const char* lh = "Australia/Lord_Howe";
  assert_int_equal(local_to_utc({2026, 4, 5, 1, 45, 0}, lh), utc({2026, 4, 4, 14, 45, 0}));  // +11:00
  assert_int_equal(local_to_utc({2026, 10, 4, 2, 15, 0}, lh), utc({2026, 10, 3, 15, 45, 0}));  // 02:45+11:00
  assert_true(utc_to_local(utc({2026, 4, 4, 15, 15, 0}), lh) == (CivilTime{2026, 4, 5, 1, 45, 0}));
  assert_int_equal(utc_offset(utc({2026, 4, 4, 15, 15, 0}), lh), 37800);

  // Samoa skipped 2011-12-30 (-10:00 to +14:00): the whole day moves forward.
  assert_int_equal(local_to_utc({2011, 12, 30, 12, 0, 0}, "Pacific/Apia"), utc({2011, 12, 30, 22, 0, 0}));
}

void vtimezone_has_plain_tzid_and_both_observances(void**) {
  const std::string& vtz = vtimezone_text("Europe/Helsinki");
  assert_true(vtz.starts_with("BEGIN:VTIMEZONE\r\nTZID:Europe/Helsinki\r\n"));
  assert_true(vtz.ends_with("END:VTIMEZONE\r\n"));
  assert_non_null(strstr(vtz.c_str(), "BEGIN:DAYLIGHT"));
  assert_non_null(strstr(vtz.c_str(), "TZOFFSETTO:+0300"));
  assert_null(strstr(vtz.c_str(), "freeassociation"));
  // The same text, from the cache, every time.
  assert_ptr_equal(&vtz, &vtimezone_text("Europe/Helsinki"));
  assert_true(vtimezone_text("UTC").empty());
}

void iso8601_forms(void**) {
  auto d = parse_iso8601("2026-12-24");
  assert_true(d && d->date_only);
  auto t = parse_iso8601("2026-12-05T18:00:00+02:00");
  assert_true(t && !t->date_only && t->offset_seconds && *t->offset_seconds == 7200);
  auto z = parse_iso8601("2026-12-05T16:00:00.123456Z");
  assert_true(z && z->offset_seconds && *z->offset_seconds == 0 && z->civil.second == 0);
  auto local = parse_iso8601("2026-12-05T18:00");
  assert_true(local && !local->offset_seconds && local->civil.hour == 18);
  assert_false(parse_iso8601("2026-02-30").has_value());
  assert_false(parse_iso8601("2026-12-05T25:00").has_value());
  assert_false(parse_iso8601("05.12.2026").has_value());
  assert_false(parse_iso8601("2026-12-05T18:00:00+2").has_value());
  assert_false(parse_iso8601("1850-01-01").has_value());
}

void ical_forms(void**) {
  assert_string_equal(format_ical_date({2026, 12, 24}).c_str(), "20261224");
  assert_string_equal(format_ical_datetime({2026, 12, 5, 18, 0, 0}).c_str(), "20261205T180000");
  assert_string_equal(format_ical_utc(seconds_from_civil({2026, 12, 5, 16, 0, 0})).c_str(), "20261205T160000Z");
  assert_string_equal(format_iso_datetime({2026, 12, 5, 18, 0, 0}, 7200).c_str(), "2026-12-05T18:00:00+02:00");
  assert_string_equal(format_iso_datetime({2026, 12, 5, 16, 0, 0}, 0).c_str(), "2026-12-05T16:00:00Z");
  assert_string_equal(format_iso_utc_micros(1000001).c_str(), "1970-01-01T00:00:01.000001Z");
  assert_true(add_days({2026, 12, 31}, 1) == (CivilTime{2027, 1, 1}));
  assert_true(civil_from_seconds(-1) == (CivilTime{1969, 12, 31, 23, 59, 59}));
}

}  // namespace

int main() {
  init_timezones();
  const CMUnitTest tests[] = {
      cmocka_unit_test(zones_come_from_the_tz_database),
      cmocka_unit_test(helsinki_wall_clock_follows_daylight_saving),
      cmocka_unit_test(times_around_the_changes_read_as_rfc_5545_says),
      cmocka_unit_test(vtimezone_has_plain_tzid_and_both_observances),
      cmocka_unit_test(iso8601_forms),
      cmocka_unit_test(ical_forms),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
