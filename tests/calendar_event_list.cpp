// The JSON list over a real LMDB store: every order's pages joined equal the
// whole list (the index walks and the in-memory sort agree), occurrences of a
// series, the budget that sends a request to the thread pool, and the links.
#include <cstring>
#include <set>
#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "calendar/model/calendar_config.hpp"
#include "calendar/query/calendar_feed.hpp"
#include "calendar/service/calendar_writer.hpp"
#include "calendar/formats/event_json.hpp"
#include "calendar/query/event_list.hpp"
#include "calendar/formats/html_text.hpp"
#include "calendar/model/timezone.hpp"
#include "storage/store.hpp"
#include "tests/support/calendar_store.hpp"
#include "tests/support/cmocka.hpp"  // last

using namespace civic;
using namespace civic::calendar;

namespace {

struct Fixture : test::CalendarStore {};

constexpr std::int64_t kSecond = 1000000;
const std::int64_t kNow = seconds_from_civil({2026, 11, 1, 12, 0, 0}) * kSecond;
const ListLinks kLinks{"https://example.org/calendars/", "https://example.org/calendars/culture.json", ""};

Event parse(const std::string& json) {
  Event e;
  auto err = event_from_json(json, EventDefaults{"fi", "Europe/Helsinki"}, e);
  if (err) fail_msg("%s: %s", err->field.c_str(), err->message.c_str());
  return e;
}

// 30 events: 25 single ones on different days (modified in another order
// than they start), and a weekly series of 5.
int setup(void** state) {
  auto* f = new Fixture;
  if (!f->open_calendar()) return -1;
  f->cal.refresh_seconds = 3600;
  for (int i = 0; i < 25; ++i) {
    int day = 1 + (i * 7) % 25;  // starts in another order than written
    char start[40];
    std::snprintf(start, sizeof start, "2026-12-%02dT%02d:00:00+02:00", day, 10 + i % 5);
    std::string json = "{\"id\":\"e" + std::to_string(i) + "\",\"name\":{\"fi\":\"Nimi " + std::to_string(99 - i) +
                       "\"},\"start_time\":\"" + start + "\",\"keywords\":[\"" + (i % 2 ? "odd" : "even") + "\"]}";
    std::vector<Event> one{parse(json)};
    if (!upsert_events(*f->store, f->cal, one, kNow + i * kSecond)) return -1;
  }
  std::vector<Event> series{parse(
      R"({"id":"series","name":{"fi":"Sarja"},"start_time":"2026-12-03T18:00:00+02:00",)"
      R"("end_time":"2026-12-03T19:00:00+02:00","recurrence":{"rrule":"FREQ=WEEKLY;COUNT=5"}})")};
  if (!upsert_events(*f->store, f->cal, series, kNow + 30 * kSecond)) return -1;
  *state = f;
  return 0;
}

struct Page {
  std::uint64_t count = 0;
  std::vector<std::string> items;  // "id@start_time"
  bool next = false;
  bool missing = false;
  bool over_budget = false;
};

Page page(Fixture& f, const std::string& args, std::size_t budget = kUnlimited) {
  FeedQuery q;
  auto err = parse_feed_query(args, f.cal, kNow / kSecond, q);
  if (err) fail_msg("%s", err->message.c_str());
  auto txn = storage::Txn::begin_read(f.store->env());
  auto answer = build_json_list(*txn, f.store->db(), f.cal, q, kLinks, budget);
  if (!answer) fail_msg("%s", answer.error().message().c_str());
  Page p;
  p.missing = answer->page_missing;
  p.over_budget = answer->feed.over_budget;
  if (p.missing || p.over_budget) return p;
  std::string body = answer->feed.body.str();
  rapidjson::Document d;
  d.Parse(body.c_str());
  if (d.HasParseError()) fail_msg("not JSON: %s", body.c_str());
  p.count = d["meta"]["count"].GetUint64();
  p.next = d["meta"]["next"].IsString();
  for (const auto& item : d["data"].GetArray())
    p.items.push_back(std::string(item["id"].GetString()) + "@" + item["start_time"].GetString());
  return p;
}

void pages_join_for_every_order(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  for (std::string sort : {"start_time", "-start_time", "end_time", "-end_time", "last_modified_time",
                           "-last_modified_time", "name"}) {
    for (std::string base : {std::string(), std::string("start=2026-12-01&end=2027-01-01&"),
                             std::string("keyword=odd&")}) {
      Page all = page(f, base + "sort=" + sort + "&page_size=100");
      assert_int_equal(all.count, all.items.size());
      std::vector<std::string> joined;
      for (int n = 1;; ++n) {
        Page p = page(f, base + "sort=" + sort + "&page_size=3&page=" + std::to_string(n));
        assert_false(p.missing);
        assert_int_equal(p.count, all.count);
        joined.insert(joined.end(), p.items.begin(), p.items.end());
        if (!p.next) break;
      }
      if (joined != all.items) fail_msg("pages of %s%s differ from the whole list", base.c_str(), sort.c_str());
      assert_int_equal(std::set<std::string>(joined.begin(), joined.end()).size(), joined.size());
    }
  }
}

void the_index_walk_and_the_sort_agree(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  // keyword=even,odd selects every single event but takes the sorting path;
  // the plain request walks the index.
  Page walked = page(f, "page_size=100");
  Page sorted = page(f, "keyword!=none&page_size=100");
  assert_int_equal(walked.count, 26);
  assert_true(walked.items == sorted.items);
  walked = page(f, "sort=-last_modified_time&page_size=100");
  sorted = page(f, "sort=-last_modified_time&keyword!=none&page_size=100");
  assert_true(walked.items == sorted.items);
  assert_string_equal(walked.items.front().c_str(), "series@2026-12-03T18:00:00+02:00");
}

// A window by start pages from the time index alone (reading only the
// page's events); with a filter that passes everything it reads and sorts
// every event of the window: the same pages, counts and links.
void a_window_page_from_the_index_agrees_with_the_sort(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  std::vector<Event> long_one{parse(
      R"({"id":"exhibition","name":{"fi":"Näyttely"},"start_time":"2026-11-20T10:00:00+02:00",)"
      R"("end_time":"2026-12-24T18:00:00+02:00"})")};
  assert_true(upsert_events(*f.store, f.cal, long_one, kNow + 40 * kSecond).ok());
  for (std::string window : {"start=2026-12-01&end=2027-01-01", "start=2026-12-10&end=2026-12-20",
                             "start=2026-12-17T18:30:00%2B02:00&end=2026-12-31"}) {
    for (std::string size : {"1", "3", "100"}) {
      for (int n = 1;; ++n) {
        std::string rest = "&page_size=" + size + "&page=" + std::to_string(n);
        Page indexed = page(f, window + rest);
        Page sorted = page(f, window + "&keyword!=none" + rest);
        assert_int_equal(indexed.count, sorted.count);
        if (indexed.items != sorted.items) fail_msg("%s%s: the pages differ", window.c_str(), rest.c_str());
        assert_int_equal(indexed.next, sorted.next);
        assert_int_equal(indexed.missing, sorted.missing);
        if (!indexed.next) break;
      }
    }
  }
  Page p = page(f, "start=2026-12-01&end=2027-01-01&page_size=1");
  assert_int_equal(p.count, 31);
  assert_string_equal(p.items.front().c_str(), "exhibition@2026-11-20T10:00:00+02:00");
}

void a_window_lists_occurrences(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  Page p = page(f, "start=2027-01-01&end=2027-02-01");
  assert_int_equal(p.count, 0);
  p = page(f, "start=2026-12-01&end=2027-01-01&page_size=100");
  assert_int_equal(p.count, 30);  // 25 single events and 5 occurrences
  int occurrences = 0;
  for (const auto& i : p.items) occurrences += i.starts_with("series@");
  assert_int_equal(occurrences, 5);
}

void a_large_request_goes_to_the_pool(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  assert_true(page(f, "keyword=odd", 10).over_budget);
  assert_false(page(f, "keyword=odd", 100).over_budget);
  assert_true(page(f, "page=9").missing);
  assert_false(page(f, "keyword=nothing").missing);  // page 1 of nothing is a page
}

// Ten weekly series without an end written at kNow (materialized for two
// years), an hourly one from 2026-01-01, and one on leap days only.
int setup_series(void** state) {
  auto* f = new Fixture;
  if (!f->open(std::size_t{256} << 20)) return -1;
  f->cal.name = "culture";
  f->cal.languages = {"fi"};
  f->cal.timezone = "Europe/Helsinki";
  f->cal.refresh_seconds = 3600;
  std::vector<Event> events;
  for (int i = 1; i <= 10; ++i) {
    char start[40];
    std::snprintf(start, sizeof start, "2026-01-%02dT18:00:00", i);
    events.push_back(parse(std::string(R"({"id":"w)") + std::to_string(i) + R"(","name":"Sarja","start_time":")" +
                           start + R"(","recurrence":{"rrule":"FREQ=WEEKLY"}})"));
  }
  events.push_back(parse(R"({"id":"hourly","name":"Tunneittain","start_time":"2026-01-01T00:00:00",
                             "end_time":"2026-01-01T00:30:00","recurrence":{"rrule":"FREQ=HOURLY"}})"));
  events.push_back(parse(R"({"id":"leap","name":"Karkauspäivä","start_time":"2028-02-29T10:00:00",
                             "recurrence":{"rrule":"FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29"}})"));
  if (!upsert_events(*f->store, f->cal, events, kNow)) return -1;
  *state = f;
  return 0;
}

std::size_t count_of(const Page& p, const char* prefix) {
  std::size_t n = 0;
  for (const auto& i : p.items) n += i.starts_with(prefix);
  return n;
}

void occurrences_years_ahead_are_listed(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  // The hourly series, materialized to 2028-11, expanded beyond it.
  for (const char* day : {"2028-04-13", "2028-04-14", "2030-06-01", "2040-01-01"}) {
    Page p = page(f, std::string("start=") + day + "&end=" + day + "&page_size=100");
    if (count_of(p, "hourly@") != 24) fail_msg("%s: %zu hourly occurrences", day, count_of(p, "hourly@"));
  }
  Page leap = page(f, "start=2040-02-29&end=2040-02-29&page_size=100");
  assert_int_equal(leap.count, 1 + 24 + 1);  // and the hourly ones, and Wednesdays' w7
  assert_int_equal(count_of(leap, "leap@2040-02-29T10:00:00+02:00"), 1);
}

void an_open_range_ends_two_years_ahead(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  // kNow is 2026-11-01 12:00Z: today is 1 November in Helsinki; the weekly
  // series are listed up to 2028-11-01, not 20,000 weeks on.
  Page p = page(f, "start=today&keyword!=none&page_size=5");
  Page last = page(f, "start=today&keyword!=none&page_size=1&sort=-start_time");
  assert_int_equal(last.count, p.count);
  // 731 days: 104 weeks and Sunday to Tuesday once more (w4, w5, w6); the
  // hours of 731 days but the two skipped at the spring changes; 2028-02-29.
  assert_int_equal(p.count, 10 * 104 + 3 + (731 * 24 - 2) + 1);
  assert_string_equal(last.items.front().c_str(), "hourly@2028-10-31T23:00:00+02:00");
  // From a later start: two years after it.
  Page later = page(f, "start=2031-03-01&sort=-start_time&page_size=1&keyword!=none");
  assert_true(later.items.front().find("@2033-02-28T23:00:00+02:00") != std::string::npos);
}

void a_small_inline_budget_moves_expansion_to_the_pool(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  // No index entry, seven items, but thirty years of days to walk for the
  // leap-day series: over budget inline, answered with more.
  const char* args = "start=2030-01-01&end=2060-01-01&text=karkaus";
  assert_true(page(f, args, 1000).over_budget);
  Page full = page(f, args, kInlineBudget * 10);
  assert_false(full.over_budget);
  assert_int_equal(full.count, 7);
}

void a_query_beyond_the_hard_bound_is_refused(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  FeedQuery q;
  assert_false(parse_feed_query("start=2030-01-01&end=2060-01-01", f.cal, kNow / kSecond, q).has_value());
  auto txn = storage::Txn::begin_read(f.store->env());
  auto answer = build_json_list(*txn, f.store->db(), f.cal, q, kLinks, kUnlimited);
  assert_true(static_cast<bool>(answer));
  assert_false(answer->feed.over_budget);
  assert_true(answer->feed.refused.has_value());
  assert_string_equal(answer->feed.refused->field.c_str(), "end");
  // The iCal feed needs the first occurrence of each only.
  auto feed = build_ics_feed(*txn, f.store->db(), f.cal, q, kUnlimited);
  assert_true(static_cast<bool>(feed));
  assert_false(feed->refused.has_value());
  std::string body = feed->body.str();
  assert_non_null(std::strstr(body.c_str(), "UID:hourly\r\n"));
  assert_non_null(std::strstr(body.c_str(), "UID:leap\r\n"));
}

void links_keep_the_other_parameters(void** /*state*/) {
  assert_string_equal(page_link("https://h/c.json", "", 2).c_str(), "https://h/c.json?page=2");
  assert_string_equal(page_link("https://h/c.json", "page=3&keyword=a%2Cb", 4).c_str(),
                      "https://h/c.json?keyword=a%2Cb&page=4");
  assert_string_equal(page_link("https://h/c.json", "x=1&&page=1&page_size=5&pages=2", 2).c_str(),
                      "https://h/c.json?x=1&page_size=5&pages=2&page=2");
  assert_string_equal(page_link("https://h/c.json", "text=\xc3\xa4 \"<x>\"", 2).c_str(),
                      "https://h/c.json?text=%C3%A4%20%22%3Cx%3E%22&page=2");
}

}  // namespace

int main() {
  init_timezones();
  init_html_parser();
  const CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(pages_join_for_every_order, setup, test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(the_index_walk_and_the_sort_agree, setup, test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(a_window_lists_occurrences, setup, test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(a_window_page_from_the_index_agrees_with_the_sort, setup,
                                      test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(a_large_request_goes_to_the_pool, setup, test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(occurrences_years_ahead_are_listed, setup_series, test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(an_open_range_ends_two_years_ahead, setup_series, test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(a_small_inline_budget_moves_expansion_to_the_pool, setup_series, test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(a_query_beyond_the_hard_bound_is_refused, setup_series, test::delete_fixture<Fixture>),
      cmocka_unit_test(links_keep_the_other_parameters),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
