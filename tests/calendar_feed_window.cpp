// feed_window: the days around today that a feed without start or end holds.
// The window's bounds (today in the calendar's zone, local midnights across
// a DST change), a query with and without start/end, and what a real store
// yields for it: all-day events at either edge, a weekly series crossing
// both.
#include <cstdio>
#include <string>
#include <vector>

#include "calendar/model/calendar_config.hpp"
#include "calendar/model/event.hpp"
#include "calendar/model/feed_window.hpp"
#include "calendar/model/timezone.hpp"
#include "calendar/query/feed_query.hpp"
#include "calendar/query/plan.hpp"
#include "calendar/query/select.hpp"
#include "calendar/service/calendar_writer.hpp"
#include "tests/support/calendar_store.hpp"
#include "tests/support/cmocka.hpp"  // last

using namespace civic;
using namespace civic::calendar;

namespace {

constexpr std::int64_t kSecond = 1000000;
constexpr const char* kZone = "Europe/Helsinki";

// 2026-12-05 12:00 UTC (14:00 in Helsinki).
const std::int64_t kNow = seconds_from_civil({2026, 12, 5, 12, 0, 0});

std::int64_t helsinki(CivilTime local) { return local_to_utc(local, kZone); }

void the_window_is_local_days_around_today(void**) {
  FeedWindow week{7, 14};
  FeedWindowRange r = feed_window_range(week, kZone, kNow);
  assert_int_equal(r.today, seconds_from_civil({2026, 12, 4, 22, 0, 0}));  // midnight in Helsinki
  assert_int_equal(r.start, seconds_from_civil({2026, 11, 27, 22, 0, 0}));
  assert_int_equal(r.end, seconds_from_civil({2026, 12, 18, 22, 0, 0}));
  // 01:30 in Helsinki is still the 5th in UTC: today is the calendar's.
  std::int64_t late = seconds_from_civil({2026, 12, 5, 23, 30, 0});
  assert_int_equal(feed_window_range(week, kZone, late).today, helsinki({2026, 12, 6, 0, 0, 0}));
  assert_int_equal(feed_window_range(week, "UTC", late).today, seconds_from_civil({2026, 12, 5, 0, 0, 0}));
  // The default: 30 days back, two years (730 days) ahead.
  FeedWindowRange d = feed_window_range(FeedWindow{}, kZone, kNow);
  assert_int_equal(d.start, helsinki({2026, 11, 5, 0, 0, 0}));
  assert_int_equal(d.end, helsinki({2028, 12, 4, 0, 0, 0}));
}

void a_dst_change_keeps_the_edges_at_midnight(void**) {
  // 10 November (EET, +2): 30 days back is 11 October, still summer time
  // (EEST, +3): its midnight is 21:00 UTC, not 22:00.
  std::int64_t now = seconds_from_civil({2026, 11, 10, 12, 0, 0});
  FeedWindowRange r = feed_window_range(FeedWindow{30, 150}, kZone, now);
  assert_int_equal(r.today, seconds_from_civil({2026, 11, 9, 22, 0, 0}));
  assert_int_equal(r.start, seconds_from_civil({2026, 10, 10, 21, 0, 0}));
  // 150 days ahead is 9 April 2027, summer time again.
  assert_int_equal(r.end, seconds_from_civil({2027, 4, 8, 21, 0, 0}));
  // PAST 0 starts at today's midnight.
  assert_int_equal(feed_window_range(FeedWindow{0, 1}, kZone, now).start, r.today);
  assert_int_equal(feed_window_range(FeedWindow{0, 1}, kZone, now).end, seconds_from_civil({2026, 11, 10, 22, 0, 0}));
}

CalendarConfig calendar_with(FeedWindow window) {
  CalendarConfig c;
  c.name = "culture";
  c.languages = {"fi", "en"};
  c.timezone = kZone;
  c.feed_window = window;
  return c;
}

// What a subscriber's feed request (`args` as sent) at `now` resolves to,
// as plain values (a test body owns no object with a destructor).
struct Resolved {
  bool parsed = false;
  bool has_start = false;
  bool has_end = false;
  std::int64_t start = 0;
  std::int64_t end = 0;
  std::int64_t series_end = 0;
  std::int64_t basis = 0;  // 0: none
};

constexpr FeedWindow kWeek{7, 14};

Resolved resolve(const char* args, std::int64_t now) {
  CalendarConfig cal = calendar_with(kWeek);
  FeedQuery q;
  Resolved r;
  if (parse_feed_query(args, cal, now, q)) return r;
  apply_feed_window(q, cal, now);
  r.parsed = true;
  r.has_start = q.start.has_value();
  r.has_end = q.end.has_value();
  r.start = q.start.value_or(0);
  r.end = q.end.value_or(0);
  r.series_end = q.series_end();
  r.basis = q.time_basis.value_or(0);
  return r;
}

// Whether two requests select and shape the same answer (the same ETag and
// cache entry: both come from normalized()).
bool same_answer(const char* args_a, std::int64_t now_a, const char* args_b, std::int64_t now_b) {
  CalendarConfig cal = calendar_with(kWeek);
  FeedQuery a;
  FeedQuery b;
  if (parse_feed_query(args_a, cal, now_a, a) || parse_feed_query(args_b, cal, now_b, b)) return false;
  apply_feed_window(a, cal, now_a);
  apply_feed_window(b, cal, now_b);
  return a.normalized() == b.normalized();
}

void without_start_and_end_the_window_applies(void**) {
  Resolved r = resolve("lang=en", kNow);
  assert_true(r.parsed && r.has_start && r.has_end);
  assert_int_equal(r.start, helsinki({2026, 11, 28, 0, 0, 0}));
  assert_int_equal(r.end, helsinki({2026, 12, 19, 0, 0, 0}));
  assert_int_equal(r.series_end, r.end);  // recurring events are expanded within it
  assert_int_equal(r.basis, helsinki({2026, 12, 5, 0, 0, 0}));  // Last-Modified moves with the day
  // Exactly as if the subscriber had written those dates: the same ETag.
  assert_true(same_answer("lang=en", kNow, "start=2026-11-28&end=2026-12-18&lang=en", kNow));
  // Later the same day, the same window; the next day another one, so
  // another ETag and cache entry.
  assert_true(same_answer("lang=en", kNow, "lang=en", kNow + 6 * 3600));
  assert_false(same_answer("lang=en", kNow, "lang=en", kNow + 86400));
  assert_int_equal(resolve("", kNow + 86400).start, helsinki({2026, 11, 29, 0, 0, 0}));
}

void a_given_start_or_end_wins(void**) {
  Resolved from = resolve("start=2020-01-01", kNow);
  assert_true(from.parsed && from.has_start && !from.has_end);
  assert_int_equal(from.start, helsinki({2020, 1, 1, 0, 0, 0}));
  Resolved until = resolve("end=2030-01-01", kNow);
  assert_true(until.parsed && !until.has_start && until.has_end);
  assert_int_equal(until.end, helsinki({2030, 1, 2, 0, 0, 0}));
  Resolved today = resolve("start=today", kNow);
  assert_true(today.parsed && today.has_start && !today.has_end);
  assert_int_equal(today.start, helsinki({2026, 12, 5, 0, 0, 0}));
  // Other parameters keep it: what changed since, within the window.
  Resolved poll = resolve("last_modified_since=2026-12-01T00:00:00Z&keyword=music", kNow);
  assert_true(poll.parsed && poll.has_start && poll.has_end);
  // A refused query stays refused (400), with no window to hide it.
  assert_false(resolve("start=yesterday", kNow).parsed);
}

struct Fixture : test::CalendarStore {
  FeedQuery query;
  std::string scratch;  // what selected() returns a view of
};

Event all_day(const char* id, CivilTime day) {
  Event e;
  e.id = id;
  e.name.set("fi", id);
  e.timezone = kZone;
  e.start = EventTime{day, true};
  e.end = EventTime{add_days(day, 1), true};  // exclusive
  return e;
}

// With feed_window 7d 14d at kNow the window is 28 November to 18 December
// (inclusive): an all-day event on the day before, the first day, the last
// day and the day after; a weekly series from 14 November to 2 January.
int setup(void** state) {
  auto* f = new Fixture;
  if (!f->open_calendar()) return -1;
  f->cal.feed_window = FeedWindow{7, 14};
  std::vector<Event> events{
      all_day("before", {2026, 11, 27, 0, 0, 0}),
      all_day("first", {2026, 11, 28, 0, 0, 0}),
      all_day("last", {2026, 12, 18, 0, 0, 0}),
      all_day("after", {2026, 12, 19, 0, 0, 0}),
  };
  Event weekly;
  weekly.id = "weekly";
  weekly.name.set("fi", "weekly");
  weekly.timezone = kZone;
  weekly.start = EventTime{{2026, 11, 14, 18, 0, 0}, false};
  weekly.end = EventTime{{2026, 11, 14, 19, 0, 0}, false};
  weekly.recurrence = Recurrence{"FREQ=WEEKLY;COUNT=8", {}, {}};
  events.push_back(weekly);
  if (!upsert_events(*f->store, f->cal, events, kNow * kSecond)) return -1;
  *state = f;
  return 0;
}

// What select yields for a subscriber's request: "id@MM-DD ..." in order,
// series occurrences marked with '*'; "error: ..." if it fails.
const char* selected(Fixture& f, const char* args, bool list) {
  f.scratch.clear();
  if (parse_feed_query(args, f.cal, kNow, f.query)) return f.scratch.assign("error: refused").c_str();
  apply_feed_window(f.query, f.cal, kNow);
  QueryPlan plan = list ? plan_list(f.query) : plan_feed(f.query);
  auto txn = storage::Txn::begin_read(f.store->env());
  if (!txn) return f.scratch.assign("error: " + txn.error().message()).c_str();
  auto s = select(*txn, f.store->db(), f.cal, f.query, plan, kUnlimited);
  if (!s) return f.scratch.assign("error: " + s.error().message()).c_str();
  for (const Item& i : s->items) {
    CivilTime day = utc_to_local(i.start, kZone);
    char at[16];
    std::snprintf(at, sizeof at, "@%02d-%02d", day.month, day.day);
    f.scratch.append(f.scratch.empty() ? "" : " ").append(i.view->id).append(at);
    if (i.of_series) f.scratch.append("*");
  }
  return f.scratch.c_str();
}

void the_store_yields_the_window(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  // The feed: the all-day events of the first and last day, not those just
  // outside; the series once, at its first occurrence inside.
  assert_string_equal(selected(f, "", false), "first@11-28 weekly@11-28 last@12-18");
  // The series is expanded within the window: its occurrences there, as a
  // list with this range gives them (the one on the 19th at 18:00 is past
  // its end).
  assert_string_equal(selected(f, "page_size=100", true),
                      "first@11-28 weekly@11-28* weekly@12-05* weekly@12-12* last@12-18");
  // The subscriber's own window wins.
  assert_string_equal(selected(f, "start=2026-12-19&end=2026-12-26", false), "after@12-19 weekly@12-19");
  assert_string_equal(selected(f, "end=2026-11-27&page_size=100", true),
                      "weekly@11-14* weekly@11-21* before@11-27");
}

}  // namespace

int main() {
  init_timezones();
  const CMUnitTest tests[] = {
      cmocka_unit_test(the_window_is_local_days_around_today),
      cmocka_unit_test(a_dst_change_keeps_the_edges_at_midnight),
      cmocka_unit_test(without_start_and_end_the_window_applies),
      cmocka_unit_test(a_given_start_or_end_wins),
      cmocka_unit_test_setup_teardown(the_store_yields_the_window, setup, test::delete_fixture<Fixture>),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
