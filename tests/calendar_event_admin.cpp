// The calendar admin service without a server: what each request is planned
// as or refused with, and puts, gets, deletes and imports against a real
// store, as the module runs them (calendar/service/event_admin.hpp).
#include <cstdio>
#include <cstring>
#include <initializer_list>
#include <string>
#include <variant>

#include "calendar/formats/html_text.hpp"
#include "calendar/model/timezone.hpp"
#include "calendar/service/event_admin.hpp"
#include "calendar/service/event_import.hpp"
#include "tests/support/temp_store.hpp"
#include "tests/support/cmocka.hpp"  // last

using namespace civic;
using namespace civic::calendar;

namespace {

constexpr std::int64_t kNow = 1800000000000000;  // microseconds
constexpr const char* kBase = "https://example.org/calendars/";

struct Fixture : test::TempStore {
  Calendars calendars;
};

Fixture* make_fixture(std::size_t map_size) {
  init_timezones();
  init_html_parser();
  auto* f = new Fixture;
  if (!f->open(map_size)) {
    delete f;
    return nullptr;
  }
  CalendarConfig cal;
  cal.name = "culture";
  cal.languages = {"fi", "en"};
  cal.timezone = "Europe/Helsinki";
  f->calendars.items().push_back(cal);
  return f;
}

int setup(void** state) {
  *state = make_fixture(std::size_t{64} << 20);
  return *state == nullptr ? -1 : 0;
}

// A store too small for a large import.
int setup_small(void** state) {
  *state = make_fixture(std::size_t{1} << 20);
  return *state == nullptr ? -1 : 0;
}

// What a caller sees, as plain values: a failed assertion longjmps past
// destructors, so test bodies hold no std::string.
struct Seen {
  int status;
  int action;  // planned: the EventAdminPlan::Action; refused: -1
  char content_type[64];
  char allow[64];
  char body[2048];
  char log[512];
  bool store_full;
};

void copy(char* to, std::size_t size, const std::string& from) { std::snprintf(to, size, "%s", from.c_str()); }

Seen seen(const Reply& r) {
  Seen s{};
  s.status = r.status;
  s.action = -1;
  copy(s.content_type, sizeof s.content_type, r.content_type);
  for (const auto& [name, value] : r.headers)
    if (name == "Allow") copy(s.allow, sizeof s.allow, value);
  copy(s.body, sizeof s.body, r.body.str());
  copy(s.log, sizeof s.log, r.log);
  s.store_full = r.store_full;
  return s;
}

// What plan_event_admin makes of a request.
Seen plan(Fixture& f, EventMethod method, const char* path, const char* content_type = "", bool store_open = true) {
  auto planned = plan_event_admin(f.calendars, {method, path, content_type, "", store_open});
  if (auto* refused = std::get_if<Reply>(&planned)) return seen(*refused);
  Seen s{};
  s.action = static_cast<int>(std::get<EventAdminPlan>(planned).action);
  return s;
}

// The whole request, as module/admin_events.cpp runs it.
Seen request(Fixture& f, EventMethod method, const char* path, const char* content_type = "", const char* body = "") {
  auto planned = plan_event_admin(f.calendars, {method, path, content_type, "", true});
  if (auto* refused = std::get_if<Reply>(&planned)) return seen(*refused);
  const auto& p = std::get<EventAdminPlan>(planned);
  using Action = EventAdminPlan::Action;
  if (p.action == Action::get) return seen(one_event(*f.store, *p.calendar, p.id, kBase));
  if (p.action == Action::erase) return seen(event_erasure(*f.store, *p.calendar, p.id, kNow));
  return seen(event_write(*f.store, p, body, kBase, kNow));
}

// An .ics with one event for each UID, `extra` lines in the last.
std::string ics(std::initializer_list<const char*> uids, std::string_view extra = {}) {
  std::string text = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//civic tests//EN\r\n";
  std::size_t left = uids.size();
  for (const char* uid : uids) {
    text += "BEGIN:VEVENT\r\nUID:" + std::string(uid) + "\r\nDTSTAMP:20260101T000000Z\r\n"
            "DTSTART;TZID=Europe/Helsinki:20261205T180000\r\nSUMMARY;LANGUAGE=fi:Tapahtuma " + uid + "\r\n";
    if (--left == 0) text += extra;
    text += "END:VEVENT\r\n";
  }
  return text + "END:VCALENDAR\r\n";
}

Seen import_text(Fixture& f, std::string_view text) {
  return request(f, EventMethod::post, "culture/events", "text/calendar", std::string(text).c_str());
}

Seen import_ics(Fixture& f, std::initializer_list<const char*> uids, std::string_view extra = {}) {
  return import_text(f, ics(uids, extra));
}

// Events that do not fit in the small store.
Seen import_too_much(Fixture& f) {
  std::string text = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//civic tests//EN\r\n";
  std::string description = "DESCRIPTION:" + std::string(2000, 'x') + "\r\n";
  for (int i = 0; i < 600; ++i)
    text += "BEGIN:VEVENT\r\nUID:fill:" + std::to_string(i) +
            "\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20261205T180000Z\r\nSUMMARY:x\r\n" + description +
            "END:VEVENT\r\n";
  return import_text(f, text + "END:VCALENDAR\r\n");
}

constexpr const char* kConcert = R"({"name":{"fi":"Konsertti"},"start_time":"2026-12-05T18:00:00+02:00"})";

void refuses_what_it_cannot_route(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  const char* unknown[] = {"culture", "culture/other", "culture/events/", "culture/events/a/b", "culture/eventsx"};
  for (const char* path : unknown) {
    Seen s = plan(f, EventMethod::get, path);
    if (s.status != 404 || std::strstr(s.body, "no such admin resource") == nullptr)
      fail_msg("%s: %d %s", path, s.status, s.body);
  }
  Seen s = plan(f, EventMethod::get, "nope/events/e1");
  assert_int_equal(s.status, 404);
  assert_non_null(std::strstr(s.body, "no such calendar"));
  s = plan(f, EventMethod::get, "culture/events/e1", "", false);
  assert_int_equal(s.status, 503);
  s = plan(f, EventMethod::get, "nope/events/e1", "", false);
  assert_int_equal(s.status, 404);  // an unknown calendar is unknown whether the store is open or not
}

void refuses_methods_and_media_types(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  Seen s = plan(f, EventMethod::get, "culture/events");
  assert_int_equal(s.status, 405);
  assert_string_equal(s.allow, "POST");
  s = plan(f, EventMethod::post, "culture/events/e1", "application/json");
  assert_int_equal(s.status, 405);
  assert_string_equal(s.allow, "GET, HEAD, PUT, DELETE");
  assert_string_equal(s.content_type, "application/json");

  const char* refused_imports[] = {"", "text/plain", "text/calendar; charset=iso-8859-1", "application/xml"};
  for (const char* type : refused_imports) {
    s = plan(f, EventMethod::post, "culture/events", type);
    if (s.status != 415 || std::strstr(s.body, "\"field\":\"Content-Type\"") == nullptr)
      fail_msg("POST %s: %d %s", type, s.status, s.body);
  }
  s = plan(f, EventMethod::put, "culture/events/e1", "text/calendar");
  assert_int_equal(s.status, 415);
  assert_non_null(std::strstr(s.body, "application/json in UTF-8"));
  s = plan(f, EventMethod::put, "culture/events/e1", "application/json; charset=latin1");
  assert_int_equal(s.status, 415);

  s = plan(f, EventMethod::put, "culture/events/a%25b", "application/json");
  assert_int_equal(s.status, 400);  // no event can have that id: a bad write
  assert_non_null(std::strstr(s.body, "\"field\":\"id\""));
  s = plan(f, EventMethod::get, "culture/events/a%25b");
  assert_int_equal(s.status, 404);  // and a read finds nothing
}

void plans_each_operation(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  using Action = EventAdminPlan::Action;
  struct Case {
    EventMethod method;
    const char* path;
    const char* content_type;
    Action action;
  } cases[] = {
      {EventMethod::post, "culture/events", "text/calendar", Action::import_ics},
      {EventMethod::post, "culture/events", "Application/JSON; charset=UTF-8", Action::import_json},
      {EventMethod::put, "culture/events/e1", "", Action::put},  // no Content-Type: JSON
      {EventMethod::put, "culture/events/e1", "application/json", Action::put},
      {EventMethod::erase, "culture/events/e1", "", Action::erase},
      {EventMethod::get, "culture/events/e1", "", Action::get},
      {EventMethod::head, "culture/events/e1", "", Action::get},
  };
  for (const auto& c : cases) {
    Seen s = plan(f, c.method, c.path, c.content_type);
    if (s.action != static_cast<int>(c.action))
      fail_msg("%s %s: %d (status %d)", c.path, c.content_type, s.action, s.status);
  }
}

void puts_gets_and_deletes(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  Seen s = request(f, EventMethod::put, "culture/events/e1", "application/json", kConcert);
  assert_int_equal(s.status, 201);
  assert_string_equal(s.content_type, "application/json");
  assert_non_null(std::strstr(s.body, "\"@id\":\"https://example.org/calendars/culture/events/e1"));
  assert_non_null(std::strstr(s.body, "\"sequence\":0"));
  s = request(f, EventMethod::put, "culture/events/e1", "application/json", kConcert);
  assert_int_equal(s.status, 200);  // there already: unchanged
  assert_non_null(std::strstr(s.body, "\"sequence\":0"));

  s = request(f, EventMethod::get, "culture/events/e1");
  assert_int_equal(s.status, 200);
  assert_non_null(std::strstr(s.body, "Konsertti"));
  assert_int_equal(request(f, EventMethod::get, "culture/events/none").status, 404);

  s = request(f, EventMethod::put, "culture/events/e2", "application/json",
              R"({"id":"e3","name":{"fi":"x"},"start_time":"2026-12-05T18:00:00+02:00"})");
  assert_int_equal(s.status, 422);
  assert_non_null(std::strstr(s.body, "does not match the id in the URL (e2)"));
  s = request(f, EventMethod::put, "culture/events/e2", "application/json", "{not json");
  assert_int_equal(s.status, 400);

  s = request(f, EventMethod::erase, "culture/events/e1");
  assert_int_equal(s.status, 204);
  assert_int_equal(s.body[0], '\0');
  assert_int_equal(request(f, EventMethod::erase, "culture/events/e1").status, 404);  // a tombstone already
  s = request(f, EventMethod::get, "culture/events/e1");
  assert_int_equal(s.status, 200);  // the admin API still shows the tombstone
  assert_non_null(std::strstr(s.body, "\"deleted\":true"));
  assert_int_equal(request(f, EventMethod::put, "culture/events/e1", "", kConcert).status, 201);
}

void imports(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  Seen s = import_ics(f, {"a", "b"});
  assert_int_equal(s.status, 200);
  assert_string_equal(s.body, R"({"created":2,"updated":0,"unchanged":0})");
  s = import_ics(f, {"a", "b"}, "LOCATION:Turku\r\n");
  assert_string_equal(s.body, R"({"created":0,"updated":1,"unchanged":1})");

  s = import_ics(f, {"c", "c"});
  assert_int_equal(s.status, 422);
  assert_non_null(std::strstr(s.body, "the id c is given twice"));
  assert_non_null(std::strstr(s.body, "\"field\":\"UID\""));
  assert_non_null(std::strstr(s.body, "\"component\":\"VEVENT\""));
  s = import_text(f, "this is not a calendar\r\n");
  assert_int_equal(s.status, 400);
  assert_non_null(std::strstr(s.body, "VCALENDAR"));

  const char* twice = R"([{"id":"j1","name":{"fi":"x"},"start_time":"2026-12-05T18:00:00+02:00"},
                          {"id":"j1","name":{"fi":"y"},"start_time":"2026-12-05T18:00:00+02:00"}])";
  s = request(f, EventMethod::post, "culture/events", "application/json", twice);
  assert_int_equal(s.status, 422);
  assert_non_null(std::strstr(s.body, "\"field\":\"[1].id\""));
  assert_string_equal(request(f, EventMethod::get, "culture/events/c").body, R"({"error":"no such event"})");
}

// The use case civicctl runs: the format found from the text, a limit of its own.
int import_counts(Fixture& f, std::string_view text, std::size_t max_events, int& line) {
  ImportOutcome out = import_events(*f.store, f.calendars.items().front(), text, sniff_import_format(text), max_events,
                                    kNow);
  if (auto* refused = std::get_if<FieldError>(&out)) {
    line = refused->line;
    return -1;
  }
  if (std::holds_alternative<Error>(out)) return -2;
  return static_cast<int>(std::get<WriteCounts>(out).created);
}

int import_counts(Fixture& f, std::initializer_list<const char*> uids, std::string_view extra, std::size_t max_events,
                  int& line) {
  return import_counts(f, ics(uids, extra), max_events, line);
}

void import_takes_its_limit(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  assert_true(sniff_import_format(" \r\n[]") == ImportFormat::json_array);
  assert_true(sniff_import_format("BEGIN:VCALENDAR") == ImportFormat::ics);
  assert_true(kMaxImportEvents < kMaxFileImportEvents);
  int line = 0;
  assert_int_equal(import_counts(f, {"a", "b"}, "", 1, line), -1);  // over the limit: nothing
  assert_int_equal(import_counts(f, {"a", "b"}, "", 2, line), 2);
  assert_int_equal(import_counts(f, "[]", 2, line), 0);
  line = 0;
  assert_int_equal(import_counts(f, {"x"}, "DTEND;TZID=Mars/Base:20261205T200000\r\n", 2, line), -1);
  assert_int_equal(line, 9);  // the bad property's line, for civicctl's file:line
}

void a_full_store_is_507(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  assert_int_equal(import_ics(f, {"small"}).status, 200);
  Seen s = import_too_much(f);
  assert_int_equal(s.status, 507);
  assert_non_null(std::strstr(s.body, "the store is full: nothing was written"));
  assert_true(s.store_full);
  assert_non_null(std::strstr(s.log, "calendar \"culture\": "));  // the store's message, for the log only
  assert_non_null(std::strstr(s.log, "MDB_MAP_FULL"));
  assert_null(std::strstr(s.body, "MDB_MAP_FULL"));
  assert_int_equal(request(f, EventMethod::get, "culture/events/fill:0").status, 404);
}

}  // namespace

int main() {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(refuses_what_it_cannot_route, setup, test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(refuses_methods_and_media_types, setup, test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(plans_each_operation, setup, test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(puts_gets_and_deletes, setup, test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(imports, setup, test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(import_takes_its_limit, setup, test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(a_full_store_is_507, setup_small, test::delete_fixture<Fixture>),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
