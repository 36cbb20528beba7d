// The calendar read service without a server: routing, content negotiation,
// conditional requests, the cache, and what goes to the thread pool.
#include <cstring>
#include <string>
#include <vector>

#include "calendar/formats/event_json.hpp"
#include "calendar/formats/html_text.hpp"
#include "calendar/model/timezone.hpp"
#include "calendar/service/calendar_writer.hpp"
#include "calendar/service/reader.hpp"
#include "storage/store.hpp"
#include "tests/support/temp_store.hpp"
#include "tests/support/cmocka.hpp"  // last

using namespace civic;
using namespace civic::calendar;

namespace {

struct Fixture : test::TempStore {
  Calendars calendars;
};

int setup(void** state) {
  init_timezones();
  init_html_parser();
  auto* f = new Fixture;
  if (!f->open()) return -1;
  CalendarConfig cal;
  cal.name = "culture";
  cal.languages = {"fi", "en"};
  cal.timezone = "Europe/Helsinki";
  cal.refresh_seconds = 3600;
  f->calendars.items().push_back(cal);
  Event e;
  if (event_from_json(R"({"id":"e1","name":{"fi":"Konsertti"},"start_time":"2026-12-05T18:00:00+02:00"})",
                      EventDefaults{"fi", "Europe/Helsinki"}, e))
    return -1;
  std::vector<Event> events{e};
  if (!upsert_events(*f->store, f->calendars.items().front(), events, 1000000)) return -1;
  *state = f;
  return 0;
}

ReadRequest request(std::string_view path, std::string_view accept = {}) {
  ReadRequest r;
  r.path = path;
  r.accept = accept;
  r.base_url = "https://example.org/calendars/";
  r.now = 1796126400;  // 2026-12-01 12:00 UTC: the event is in the feed window
  return r;
}

const std::string* header(const Reply& r, std::string_view name) {
  for (const auto& [n, v] : r.headers)
    if (n == name) return &v;
  return nullptr;
}

std::string body(const ReadAnswer& a) { return a.reply.shared ? *a.reply.shared : a.reply.body.str(); }

void routes(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  Reader reader(f.calendars, 0);
  struct Case {
    const char* path;
    int status;
  } cases[] = {{"", 200},          {"culture.ics", 200},          {"culture.json", 200},
               {"culture.xml", 404}, {"nosuch.ics", 404},          {"culture/events/e1.ics", 200},
               {"culture/events/e1.json", 200}, {"culture/events/none.ics", 404}, {"culture/other/e1", 404},
               {"culture/events/a/b.ics", 404}};
  for (const auto& c : cases) {
    auto a = reader.answer(*f.store, request(c.path));
    if (a.reply.status != c.status) fail_msg("%s: %d, not %d", c.path, a.reply.status, c.status);
  }
  auto a = reader.answer(*f.store, request("culture.ics"));
  assert_string_equal(a.reply.content_type.c_str(), "text/calendar; charset=utf-8");
  assert_non_null(strstr(body(a).c_str(), ":Konsertti\r\n"));
  assert_null(header(a.reply, "Access-Control-Allow-Origin"));  // calendar apps fetch .ics themselves
  a = reader.answer(*f.store, request("culture.json"));
  assert_string_equal(header(a.reply, "Access-Control-Allow-Origin")->c_str(), "*");
  ReadRequest post = request("culture.ics");
  post.read_method = false;
  a = reader.answer(*f.store, post);
  assert_int_equal(a.reply.status, 405);
  assert_string_equal(header(a.reply, "Allow")->c_str(), "GET, HEAD");
  ReadRequest bad = request("culture.json");
  bad.args = "page=0";
  a = reader.answer(*f.store, bad);
  assert_int_equal(a.reply.status, 400);
}

void negotiates_by_accept(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  Reader reader(f.calendars, 0);
  struct Case {
    const char* accept;
    int status;
    const char* type;
  } cases[] = {{"", 200, "text/calendar; charset=utf-8"},
               {"application/calendar+json", 200, "application/calendar+json; charset=utf-8"},
               {"application/calendar+xml;q=0.9, text/calendar;q=0.5", 200, "application/calendar+xml; charset=utf-8"},
               {"text/html,*/*;q=0.8", 200, "text/html; charset=utf-8"},  // a browser: the agenda page
               {"*/*", 200, "text/calendar; charset=utf-8"},
               {"image/png", 406, "application/json"}};
  for (const auto& c : cases) {
    auto a = reader.answer(*f.store, request("culture", c.accept));
    if (a.reply.status != c.status || a.reply.content_type != c.type)
      fail_msg("Accept %s: %d %s", c.accept, a.reply.status, a.reply.content_type.c_str());
    assert_string_equal(header(a.reply, "Vary")->c_str(), "Accept");
  }
}

void revalidates_and_caches(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  Reader reader(f.calendars, 1 << 20);
  auto first = reader.answer(*f.store, request("culture.ics"));
  assert_int_equal(first.reply.status, 200);
  assert_non_null(first.reply.shared.get());  // kept in the cache
  std::string etag = *header(first.reply, "ETag");
  ReadRequest again = request("culture.ics");
  again.if_none_match = etag;
  auto not_modified = reader.answer(*f.store, again);
  assert_int_equal(not_modified.reply.status, 304);
  assert_int_equal(not_modified.reply.size(), 0);
  auto cached = reader.answer(*f.store, request("culture.ics"));
  assert_true(cached.reply.shared == first.reply.shared);  // the same bytes, not built again
  ReadRequest since = request("culture.ics");
  since.if_modified_since = *first.reply.last_modified;
  assert_int_equal(reader.answer(*f.store, since).reply.status, 304);
}

// An event in 2030, far past the default feed window (two years ahead).
bool add_far_event(Fixture& f) {
  Event e;
  if (event_from_json(R"({"id":"far","name":{"fi":"Kaukana"},"start_time":"2030-01-01T12:00:00+02:00"})",
                      EventDefaults{"fi", "Europe/Helsinki"}, e))
    return false;
  std::vector<Event> events{e};
  return upsert_events(*f.store, f.calendars.items().front(), events, 2000000).ok();
}

// Whether the answer to `path?args` (with `accept`) at `now` holds `text`.
bool answer_holds(Fixture& f, std::string_view path, std::string_view args, std::string_view accept, const char* text,
                  std::int64_t now) {
  Reader reader(f.calendars, 0);
  ReadRequest r = request(path, accept);
  r.args = args;
  r.now = now;
  auto a = reader.answer(*f.store, r);
  if (a.reply.status != 200) return false;
  return body(a).find(text) != std::string::npos;
}

// Whether the feed answered at `a` and at `b` has the same ETag.
bool same_etag(Fixture& f, std::int64_t a, std::int64_t b) {
  Reader reader(f.calendars, 0);
  ReadRequest ra = request("culture.ics");
  ra.now = a;
  ReadRequest rb = request("culture.ics");
  rb.now = b;
  const std::string* ea = nullptr;
  const std::string* eb = nullptr;
  auto first = reader.answer(*f.store, ra);
  auto second = reader.answer(*f.store, rb);
  ea = header(first.reply, "ETag");
  eb = header(second.reply, "ETag");
  return ea && eb && *ea == *eb;
}

void unpaged_feeds_without_start_or_end_get_the_feed_window(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  assert_true(add_far_event(f));
  const std::int64_t now = request("").now;
  // iCal, jCal and xCal: the window (30 days back, two years ahead) leaves 2030 out.
  assert_true(answer_holds(f, "culture.ics", "", "", ":Konsertti\r\n", now));
  assert_false(answer_holds(f, "culture.ics", "", "", "Kaukana", now));
  assert_false(answer_holds(f, "culture", "", "application/calendar+json", "Kaukana", now));
  assert_false(answer_holds(f, "culture", "", "application/calendar+xml", "Kaukana", now));
  // The subscriber's own range wins.
  assert_true(answer_holds(f, "culture.ics", "start=2029-12-01", "", "Kaukana", now));
  // A single event and the paged JSON list are not windowed.
  assert_true(answer_holds(f, "culture/events/far.ics", "", "", "Kaukana", now));
  assert_true(answer_holds(f, "culture.json", "", "", "Kaukana", now));
  // The answer (its ETag, so its cache entry) moves with the calendar's day.
  assert_true(same_etag(f, now, now + 3600));
  assert_false(same_etag(f, now, now + 86400));
}

}  // namespace

int main() {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(routes, setup, test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(negotiates_by_accept, setup, test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(revalidates_and_caches, setup, test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(unpaged_feeds_without_start_or_end_get_the_feed_window, setup,
                                      test::delete_fixture<Fixture>),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
