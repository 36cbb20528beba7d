// The JSON list over a real LMDB store: every order's pages joined equal the
// whole list (the index walks and the in-memory sort agree), occurrences of a
// series, the budget that sends a request to the thread pool, and the links.
#include <set>
#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "ical/calendar_config.hpp"
#include "ical/calendar_writer.hpp"
#include "ical/event_json.hpp"
#include "ical/event_list.hpp"
#include "ical/html_text.hpp"
#include "ical/timezone.hpp"
#include "storage/store.hpp"
#include "tests/test_dir.hpp"
#include "tests/cmocka.hpp"  // last

using namespace civic;
using namespace civic::ical;

namespace {

struct Fixture {
  std::string dir;
  std::optional<storage::Store> store;
  CalendarConfig cal;
};

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
  f->dir = test::make_temp_dir();
  storage::EnvOptions o;
  o.path = f->dir;
  o.map_size = std::size_t{64} << 20;
  auto s = storage::Store::open(o, storage::IfMissing::create);
  if (!s) return -1;
  f->store.emplace(std::move(*s));
  f->cal.name = "culture";
  f->cal.languages = {"fi", "en"};
  f->cal.timezone = "Europe/Helsinki";
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

int teardown(void** state) {
  auto* f = static_cast<Fixture*>(*state);
  f->store.reset();
  test::remove_dir(f->dir);
  delete f;
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
      cmocka_unit_test_setup_teardown(pages_join_for_every_order, setup, teardown),
      cmocka_unit_test_setup_teardown(the_index_walk_and_the_sort_agree, setup, teardown),
      cmocka_unit_test_setup_teardown(a_window_lists_occurrences, setup, teardown),
      cmocka_unit_test_setup_teardown(a_large_request_goes_to_the_pool, setup, teardown),
      cmocka_unit_test(links_keep_the_other_parameters),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
