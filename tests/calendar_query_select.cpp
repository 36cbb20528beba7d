// The query planner (calendar/query/plan.hpp: which walk, unit, order and
// page a query gets) and the selector carrying a plan out in a real store:
// the window, a recurring series partly inside it (materialized, then
// expanded past its horizon), the filters, the budget cut and the refusal.
#include <string>
#include <vector>

#include "calendar/model/calendar_config.hpp"
#include "calendar/model/event.hpp"
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
const std::int64_t kNow = seconds_from_civil({2026, 11, 1, 12, 0, 0}) * kSecond;

struct Fixture : test::CalendarStore {
  FeedQuery query;
  std::string scratch;  // what a helper returns a view of
  bool over_budget = false;
  std::string refused;  // the field a refusal names
};

Event event(const char* id, CivilTime start, CivilTime end, std::vector<std::string> keywords = {}) {
  Event e;
  e.id = id;
  e.name.set("fi", id);
  e.timezone = "Europe/Helsinki";
  e.start = EventTime{start, false};
  e.end = EventTime{end, false};
  e.keywords = std::move(keywords);
  return e;
}

// In December 2026: a concert, an exhibition that began in October, a talk
// in January; a weekly choir without end (materialized two years ahead, to
// about November 2028) and a counted daily course.
int setup(void** state) {
  auto* f = new Fixture;
  if (!f->open_calendar()) return -1;
  std::vector<Event> events{
      event("concert", {2026, 12, 5, 18, 0, 0}, {2026, 12, 5, 20, 0, 0}, {"music"}),
      event("exhibition", {2026, 10, 1, 10, 0, 0}, {2027, 2, 1, 18, 0, 0}, {"art"}),
      event("talk", {2027, 1, 15, 17, 0, 0}, {2027, 1, 15, 18, 0, 0}),
      event("choir", {2026, 11, 3, 18, 0, 0}, {2026, 11, 3, 19, 0, 0}, {"music"}),
      event("course", {2026, 12, 6, 9, 0, 0}, {2026, 12, 6, 11, 0, 0}),
  };
  events[3].recurrence = Recurrence{"FREQ=WEEKLY", {}, {}};
  events[4].recurrence = Recurrence{"FREQ=DAILY;COUNT=3", {}, {}};
  if (!upsert_events(*f->store, f->cal, events, kNow)) return -1;
  *state = f;
  return 0;
}

// The plan of a query string (kept in the fixture's query).
QueryPlan plan_of(Fixture& f, const char* args, bool list) {
  if (parse_feed_query(args, f.cal, kNow / kSecond, f.query)) fail_msg("refused: %s", args);
  return list ? plan_list(f.query) : plan_feed(f.query);
}

// What select yields for `args`: "id@start-day id@start-day ...", in order
// ("" when over budget or refused: see the fixture).
const char* selected(Fixture& f, const char* args, bool list, std::size_t budget = kUnlimited) {
  QueryPlan plan = plan_of(f, args, list);
  auto txn = storage::Txn::begin_read(f.store->env());
  if (!txn) fail_msg("%s", txn.error().message().c_str());
  auto s = select(*txn, f.store->db(), f.cal, f.query, plan, budget);
  if (!s) fail_msg("%s", s.error().message().c_str());
  f.over_budget = s->over_budget;
  f.refused = s->refused ? s->refused->field : "";
  f.scratch.clear();
  for (const Item& i : s->items) {
    CivilTime day = utc_to_local(i.start, "Europe/Helsinki");
    char at[16];
    std::snprintf(at, sizeof at, "@%02d-%02d", day.month, day.day);
    f.scratch.append(f.scratch.empty() ? "" : " ").append(i.view->id).append(at);
    if (i.of_series) f.scratch.append("*");
  }
  return f.scratch.c_str();
}

void feeds_and_lists_get_their_plans(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  QueryPlan every = plan_of(f, "", false);
  assert_int_equal(static_cast<int>(every.walk), static_cast<int>(Walk::every_event));
  assert_int_equal(static_cast<int>(every.unit), static_cast<int>(Unit::event));
  assert_true(every.offset == 0 && every.limit == static_cast<std::size_t>(-1));

  QueryPlan week = plan_of(f, "start=2026-12-01&end=2026-12-07", false);
  assert_int_equal(static_cast<int>(week.walk), static_cast<int>(Walk::window));
  assert_int_equal(week.from, local_to_utc({2026, 12, 1, 0, 0, 0}, "Europe/Helsinki"));
  assert_int_equal(week.to, local_to_utc({2026, 12, 8, 0, 0, 0}, "Europe/Helsinki"));  // an end date is inclusive
  assert_int_equal(week.series_to, week.to);
  // Without end, series stop two years after the start.
  QueryPlan open = plan_of(f, "start=2026-12-01", false);
  assert_true(open.to > open.series_to);
  assert_int_equal(open.series_to, local_to_utc({2028, 12, 1, 0, 0, 0}, "Europe/Helsinki"));

  QueryPlan since = plan_of(f, "last_modified_since=2026-01-01T00:00:00Z", false);
  assert_int_equal(static_cast<int>(since.walk), static_cast<int>(Walk::modified_since));

  // The list: an index walk when nothing is to be filtered, else a scan.
  QueryPlan page = plan_of(f, "page=3&page_size=10", true);
  assert_int_equal(static_cast<int>(page.walk), static_cast<int>(Walk::first_starts));
  assert_int_equal(static_cast<int>(page.unit), static_cast<int>(Unit::occurrence));
  assert_true(page.offset == 20 && page.limit == 10);
  QueryPlan latest = plan_of(f, "sort=-last_modified_time&show_deleted=true", true);
  assert_int_equal(static_cast<int>(latest.walk), static_cast<int>(Walk::modifications));
  assert_true(latest.tombstones);
  assert_int_equal(static_cast<int>(latest.order), static_cast<int>(Order::modified_desc));
  QueryPlan filtered = plan_of(f, "keyword=music", true);
  assert_int_equal(static_cast<int>(filtered.walk), static_cast<int>(Walk::every_event));
  QueryPlan by_name = plan_of(f, "start=2026-12-01&sort=name", true);
  assert_int_equal(static_cast<int>(by_name.walk), static_cast<int>(Walk::window));
  assert_int_equal(static_cast<int>(by_name.order), static_cast<int>(Order::name));
}

void a_window_selects_what_overlaps_it(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  // A feed: each event once, at its first occurrence in the window, by start.
  assert_string_equal(selected(f, "start=2026-12-01&end=2026-12-07", false),
                      "exhibition@10-01 choir@12-01 concert@12-05 course@12-06");
  // The list: every occurrence (series ones marked).
  assert_string_equal(selected(f, "start=2026-12-01&end=2026-12-07&page_size=100", true),
                      "exhibition@10-01 choir@12-01* concert@12-05 course@12-06* course@12-07*");
  // Overlap is strict: the concert ends when this window starts.
  assert_string_equal(selected(f, "start=2026-12-05T20:00:00%2B02:00&end=2026-12-05T21:00:00%2B02:00", false),
                      "exhibition@10-01");
  // Without a window: every event, at its first start.
  assert_string_equal(selected(f, "", false), "exhibition@10-01 choir@11-03 concert@12-05 course@12-06 talk@01-15");
}

void a_series_is_expanded_past_what_was_materialized(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  // March 2030 is past the choir's materialized occurrences.
  assert_string_equal(selected(f, "start=2030-03-01&end=2030-03-14", false), "choir@03-05");
  assert_string_equal(selected(f, "start=2030-03-01&end=2030-03-14&page_size=100", true),
                      "choir@03-05* choir@03-12*");
  // Partly materialized, partly expanded: one list, in order.
  assert_string_equal(selected(f, "start=2028-10-20&end=2028-11-20&page_size=100&keyword=music", true),
                      "choir@10-24* choir@10-31* choir@11-07* choir@11-14*");
  // The feed takes such a series once, at its first occurrence in the window.
  assert_string_equal(selected(f, "start=2028-10-20&end=2028-11-20&keyword=music", false), "choir@10-24");
  assert_string_equal(selected(f, "start=2028-11-10&end=2028-11-20&keyword=music", false), "choir@11-14");
}

void filters_and_pages_cut_the_selection(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  assert_string_equal(selected(f, "keyword=music", false), "choir@11-03 concert@12-05");
  assert_string_equal(selected(f, "keyword!=music&start=2026-12-01&end=2026-12-07", false),
                      "exhibition@10-01 course@12-06");
  assert_string_equal(selected(f, "text=talk", false), "talk@01-15");
  assert_string_equal(selected(f, "start=2026-12-01&end=2026-12-07&page_size=2&page=2", true),
                      "concert@12-05 course@12-06*");
  assert_string_equal(selected(f, "start=2026-12-01&end=2026-12-07&page_size=2&sort=-start_time", true),
                      "course@12-07* course@12-06*");
}

// An hourly series without end, from 2026-11-02 00:00.
bool add_beacon(Fixture& f) {
  std::vector<Event> beacon{event("beacon", {2026, 11, 2, 0, 0, 0}, {2026, 11, 2, 0, 30, 0})};
  beacon[0].recurrence = Recurrence{"FREQ=HOURLY", {}, {}};
  return upsert_events(*f.store, f.cal, beacon, kNow).ok();
}

void the_budget_cuts_and_the_bound_refuses(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  // Two index entries inline: nothing selected, to be run again in the pool.
  assert_string_equal(selected(f, "start=2026-12-01&end=2026-12-07", false, 2), "");
  assert_true(f.over_budget);
  assert_string_equal(selected(f, "", false, 2), "");
  assert_true(f.over_budget);
  assert_string_equal(selected(f, "", false, kInlineBudget), "exhibition@10-01 choir@11-03 concert@12-05 course@12-06 talk@01-15");
  assert_false(f.over_budget);
  // Thirty years of an hourly series, each occurrence: more than any request
  // may expand (refused, naming end); a feed needs the first one only.
  assert_true(add_beacon(f));
  assert_string_equal(selected(f, "start=2030-01-01&end=2060-01-01&page_size=100", true), "");
  assert_false(f.over_budget);
  assert_string_equal(f.refused.c_str(), "end");
  assert_string_equal(selected(f, "start=2030-01-01&end=2060-01-01", false), "beacon@01-01 choir@01-01");
  assert_string_equal(f.refused.c_str(), "");
}

}  // namespace

int main() {
  init_timezones();
  const CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(feeds_and_lists_get_their_plans, setup, test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(a_window_selects_what_overlaps_it, setup, test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(a_series_is_expanded_past_what_was_materialized, setup,
                                      test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(filters_and_pages_cut_the_selection, setup, test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(the_budget_cuts_and_the_bound_refuses, setup, test::delete_fixture<Fixture>),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
