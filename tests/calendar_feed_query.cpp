// Feed query strings: resolved times, lists, and 400s that name the parameter.
#include <string>

#include "calendar/model/calendar_config.hpp"
#include "calendar/model/civil_time.hpp"
#include "calendar/query/feed_query.hpp"
#include "calendar/model/timezone.hpp"
#include "tests/support/cmocka.hpp"  // last

using namespace civic;
using namespace civic::calendar;

namespace {

CalendarConfig calendar() {
  CalendarConfig c;
  c.name = "culture";
  c.languages = {"fi", "sv", "en"};
  c.timezone = "Europe/Helsinki";
  return c;
}

// 2026-12-05 12:00 UTC (14:00 in Helsinki).
const std::int64_t kNow = seconds_from_civil({2026, 12, 5, 12, 0, 0});

void times_resolve_in_the_calendar_zone(void**) {
  FeedQuery q;
  assert_false(parse_feed_query("start=2026-12-01&end=2026-12-07", calendar(), kNow, q).has_value());
  assert_int_equal(*q.start, seconds_from_civil({2026, 11, 30, 22, 0, 0}));  // midnight in Helsinki
  assert_int_equal(*q.end, seconds_from_civil({2026, 12, 7, 22, 0, 0}));     // the end of the 7th
  assert_false(q.time_basis.has_value());
  assert_false(parse_feed_query("start=today&end=today", calendar(), kNow, q).has_value());
  assert_int_equal(*q.start, seconds_from_civil({2026, 12, 4, 22, 0, 0}));
  assert_int_equal(*q.end, seconds_from_civil({2026, 12, 5, 22, 0, 0}));
  assert_true(q.time_basis.has_value());
  assert_false(parse_feed_query("start=now", calendar(), kNow, q).has_value());
  assert_int_equal(*q.start, kNow);
  assert_false(parse_feed_query("start=2026-12-05T18%3A00%3A00%2B02%3A00", calendar(), kNow, q).has_value());
  assert_int_equal(*q.start, seconds_from_civil({2026, 12, 5, 16, 0, 0}));
}

void lists_flags_and_language(void**) {
  FeedQuery q;
  auto err = parse_feed_query("keyword=music,culture&keyword!=kids&keyword_AND=a,b&location=tpk:1&text=JOULU"
                              "&event_status=EventCancelled&is_free=true&lang=sv&_=12345",
                              calendar(), kNow, q);
  assert_false(err.has_value());
  assert_int_equal(q.keyword_any.size(), 2);
  assert_string_equal(q.keyword_none[0].c_str(), "kids");
  assert_int_equal(q.keyword_all.size(), 2);
  assert_string_equal(q.locations[0].c_str(), "tpk:1");
  assert_string_equal(q.text.c_str(), "joulu");
  assert_int_equal(q.statuses, 2);
  assert_true(*q.is_free);
  assert_string_equal(q.lang.c_str(), "sv");
  FeedQuery d;
  assert_false(parse_feed_query("", calendar(), kNow, d).has_value());
  assert_string_equal(d.lang.c_str(), "fi");
}

void the_same_query_normalizes_the_same(void**) {
  FeedQuery a;
  FeedQuery b;
  assert_false(parse_feed_query("keyword=b,a&lang=fi", calendar(), kNow, a).has_value());
  assert_false(parse_feed_query("keyword=a,b,a", calendar(), kNow, b).has_value());
  assert_string_equal(a.normalized().c_str(), b.normalized().c_str());
  assert_false(parse_feed_query("keyword=a", calendar(), kNow, b).has_value());
  assert_string_not_equal(a.normalized().c_str(), b.normalized().c_str());
}

void malformed_parameters_are_named(void**) {
  struct Case {
    const char* args;
    const char* field;
  };
  const Case cases[] = {
      {"start=yesterday", "start"},      {"end=2026-13-01", "end"},      {"is_free=maybe", "is_free"},
      {"event_status=Done", "event_status"}, {"page_size=500", "page_size"}, {"page=0", "page"},
      {"sort=random", "sort"},           {"lang=de", "lang"},            {"keyword=a&keyword=b", "keyword"},
      {"text=%zz", "text"},              {"start=2026-12-05&end=2026-12-01", "end"},
      {"last_modified_since=x", "last_modified_since"}, {"show_deleted=yes", "show_deleted"},
      {"keyword=", "keyword"},
  };
  for (const auto& c : cases) {
    FeedQuery q;
    auto err = parse_feed_query(c.args, calendar(), kNow, q);
    if (!err) fail_msg("accepted %s", c.args);
    if (err->field != c.field) fail_msg("%s: field %s, wanted %s", c.args, err->field.c_str(), c.field);
  }
}

void recurrence_id_names_an_occurrence(void**) {
  FeedQuery a, b;
  assert_false(parse_feed_query("recurrence_id=2026-12-15T18:00:00%2B02:00", calendar(), kNow, a).has_value());
  assert_true(a.recurrence_id.has_value());
  assert_int_equal(*a.recurrence_id->offset_seconds, 7200);
  assert_int_equal(a.recurrence_id->civil.hour, 18);
  assert_false(parse_feed_query("recurrence_id=2026-12-22T18:00:00%2B02:00", calendar(), kNow, b).has_value());
  assert_true(a.normalized() != b.normalized());  // each occurrence its own ETag
  assert_false(parse_feed_query("recurrence_id=2026-12-24", calendar(), kNow, b).has_value());
  assert_true(b.recurrence_id->date_only);
  auto err = parse_feed_query("recurrence_id=next", calendar(), kNow, b);
  assert_true(err.has_value());
  assert_string_equal(err->field.c_str(), "recurrence_id");
}

void messages_name_the_range(void**) {
  struct Case {
    const char* args;
    const char* field;
    const char* says;
  };
  const Case cases[] = {
      {"page=2147483648", "page", "from 1 to 1000000"},
      {"page=1000001", "page", "from 1 to 1000000"},
      {"start=2399-12-31", "start", "in the years 1900 to 2199"},
      {"end=1899-12-31T23:00:00Z", "end", "in the years 1900 to 2199"},
      {"last_modified_since=2200-01-01", "last_modified_since", "in the years 1900 to 2199"},
      {"recurrence_id=0999-06-01", "recurrence_id", "in the years 1900 to 2199"},
      {"start=2026-13-01", "start", "ISO 8601"},
  };
  for (const auto& c : cases) {
    FeedQuery q;
    auto err = parse_feed_query(c.args, calendar(), kNow, q);
    if (!err) fail_msg("accepted %s", c.args);
    if (err->field != c.field || err->message.find(c.says) == std::string::npos)
      fail_msg("%s: %s %s", c.args, err->field.c_str(), err->message.c_str());
  }
  FeedQuery q;
  assert_false(parse_feed_query("page=1000000&start=2199-12-31", calendar(), kNow, q).has_value());
}

void an_open_range_ends_two_years_ahead(void**) {
  FeedQuery q;
  // Today (5 December 2026) is later than start: two years after today.
  assert_false(parse_feed_query("start=2026-12-01", calendar(), kNow, q).has_value());
  assert_int_equal(*q.series_until, seconds_from_civil({2028, 12, 4, 22, 0, 0}));
  assert_int_equal(q.series_end(), *q.series_until);
  assert_int_equal(*q.time_basis, seconds_from_civil({2026, 12, 4, 22, 0, 0}));  // changes with the day
  std::string today_based = q.normalized();
  // A later start: two years after it, whatever day it is.
  assert_false(parse_feed_query("start=2030-02-28T12:00:00Z", calendar(), kNow, q).has_value());
  assert_int_equal(*q.series_until, seconds_from_civil({2032, 2, 27, 22, 0, 0}));
  assert_false(q.time_basis.has_value());
  assert_false(parse_feed_query("start=2028-02-29", calendar(), kNow, q).has_value());
  assert_int_equal(*q.series_until, seconds_from_civil({2030, 2, 28, 22, 0, 0}));  // 1 March
  // With an end, or without a range: none.
  assert_false(parse_feed_query("start=2026-12-01&end=2040-01-01", calendar(), kNow, q).has_value());
  assert_false(q.series_until.has_value());
  assert_int_equal(q.series_end(), *q.end);
  assert_false(parse_feed_query("end=2040-01-01", calendar(), kNow, q).has_value());
  assert_false(q.series_until.has_value());
  // The ETag of an open range changes with the day it depends on.
  assert_false(parse_feed_query("start=2026-12-01", calendar(), kNow + 86400, q).has_value());
  assert_string_not_equal(q.normalized().c_str(), today_based.c_str());
}

}  // namespace

int main() {
  init_timezones();
  const CMUnitTest tests[] = {
      cmocka_unit_test(times_resolve_in_the_calendar_zone),
      cmocka_unit_test(lists_flags_and_language),
      cmocka_unit_test(the_same_query_normalizes_the_same),
      cmocka_unit_test(malformed_parameters_are_named),
      cmocka_unit_test(recurrence_id_names_an_occurrence),
      cmocka_unit_test(messages_name_the_range),
      cmocka_unit_test(an_open_range_ends_two_years_ahead),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
