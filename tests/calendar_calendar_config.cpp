// civic_calendar blocks, line by line, as the module hands them over.
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "calendar/model/calendar_config.hpp"
#include "calendar/model/timezone.hpp"
#include "tests/support/cmocka.hpp"  // last

using namespace civic;
using namespace civic::calendar;

namespace {

std::string add(CalendarConfigBuilder& b, std::vector<std::string_view> words) { return b.add(words); }

void a_full_block(void**) {
  CalendarConfigBuilder b("culture");
  assert_string_equal(add(b, {"title", "fi", "Kulttuuritapahtumat"}).c_str(), "");
  assert_string_equal(add(b, {"title", "sv", "Kulturevenemang"}).c_str(), "");
  assert_string_equal(add(b, {"description", "fi", "Turun kulttuuritapahtumat"}).c_str(), "");
  assert_string_equal(add(b, {"languages", "fi", "sv", "en"}).c_str(), "");
  assert_string_equal(add(b, {"timezone", "Europe/Helsinki"}).c_str(), "");
  assert_string_equal(add(b, {"refresh", "6h"}).c_str(), "");
  assert_string_equal(add(b, {"organizer", "mailto:tapahtumat@turku.fi"}).c_str(), "");
  CalendarConfig c;
  assert_string_equal(b.finish(c).c_str(), "");
  assert_string_equal(c.name.c_str(), "culture");
  assert_int_equal(c.refresh_seconds, 21600);
  assert_string_equal(c.default_language().c_str(), "fi");
  auto chain = c.fallback_chain("en");
  assert_string_equal(chain[0].c_str(), "en");
  assert_string_equal(chain[1].c_str(), "fi");
  // The stored form reads back the same.
  CalendarConfig back;
  assert_true(CalendarConfig::deserialize(c.serialize(), back));
  assert_int_equal(back.fingerprint(), c.fingerprint());
  assert_string_equal(back.organizer.c_str(), "mailto:tapahtumat@turku.fi");
}

void errors_say_what_is_wrong(void**) {
  CalendarConfigBuilder b("x");
  assert_non_null(strstr(add(b, {"timezone", "Europe/Turku"}).c_str(), "not a time zone of the system tz database"));
  // A NUL inside the word must not pass as the name before it (fuzz/calendar_block).
  assert_non_null(strstr(add(b, {"timezone", std::string("Europe/Helsinki\0x", 17)}).c_str(), "not a time zone"));
  assert_non_null(strstr(add(b, {"timezone", "../../etc/passwd"}).c_str(), "not a time zone"));
  assert_non_null(strstr(add(b, {"refresh", "soon"}).c_str(), "not a time"));
  assert_non_null(strstr(add(b, {"refresh", "10s"}).c_str(), "between 1m and 30d"));
  assert_non_null(strstr(add(b, {"languages", "fi", "fi"}).c_str(), "twice"));
  assert_non_null(strstr(add(b, {"title", "Finnish", "x"}).c_str(), "not a language tag"));
  assert_non_null(strstr(add(b, {"colour", "red"}).c_str(), "unknown setting \"colour\""));
  assert_non_null(strstr(add(b, {"title", "fi"}).c_str(), "takes a language and a text"));
  assert_non_null(strstr(add(b, {"organizer", "events@turku.fi"}).c_str(), "not a mailto:"));
  CalendarConfig c;
  assert_non_null(strstr(b.finish(c).c_str(), "needs \"languages\""));
  CalendarConfigBuilder t("y");
  add(t, {"languages", "fi"});
  add(t, {"timezone", "UTC"});
  add(t, {"title", "sv", "x"});
  assert_non_null(strstr(t.finish(c).c_str(), "not one of its languages"));
  CalendarConfigBuilder d("z");
  add(d, {"languages", "fi"});
  add(d, {"timezone", "UTC"});
  assert_string_equal(d.finish(c).c_str(), "");
  assert_string_equal(c.organizer.c_str(), "mailto:noreply@invalid");
}

void names_and_ical_durations(void**) {
  assert_true(is_valid_calendar_name("culture"));
  assert_true(is_valid_calendar_name("sports-2026_x"));
  assert_false(is_valid_calendar_name("Culture"));
  assert_false(is_valid_calendar_name("a/b"));
  assert_false(is_valid_calendar_name(""));
  assert_string_equal(format_ical_duration(21600).c_str(), "PT6H");
  assert_string_equal(format_ical_duration(86400).c_str(), "P1D");
  assert_string_equal(format_ical_duration(5400).c_str(), "PT1H30M");
  assert_string_equal(format_ical_duration(7 * 86400).c_str(), "P1W");
}

// The error text of `second` after `first` in one block ("" for none),
// checked to hold `expected` ("" expects the line to be fine).
bool line_says(std::vector<std::string_view> first, std::vector<std::string_view> second, const char* expected) {
  CalendarConfigBuilder b("x");
  if (!first.empty() && !b.add(first).empty()) return false;
  std::string error = b.add(second);
  bool ok = *expected ? strstr(error.c_str(), expected) != nullptr : error.empty();
  if (!ok) print_message("got: \"%s\"\n", error.c_str());
  return ok;
}

// The window of a finished block with `line` (none if empty); {-1, -1} if
// the block is refused.
FeedWindow window_of(std::vector<std::string_view> line) {
  CalendarConfigBuilder b("x");
  if (!b.add(std::vector<std::string_view>{"languages", "fi"}).empty()) return {-1, -1};
  if (!b.add(std::vector<std::string_view>{"timezone", "UTC"}).empty()) return {-1, -1};
  if (!line.empty() && !b.add(line).empty()) return {-1, -1};
  CalendarConfig c;
  if (!b.finish(c).empty()) return {-1, -1};
  return c.feed_window;
}

// The window as the store gives it back; {-1, -1} if it is not read.
FeedWindow stored_window(const char* text) {
  CalendarConfig c;
  if (!CalendarConfig::deserialize(text, c)) return {-1, -1};
  return c.feed_window;
}

void the_feed_window(void**) {
  FeedWindow w = window_of({"feed_window", "30d", "2y"});
  assert_int_equal(w.past_days, 30);
  assert_int_equal(w.future_days, 730);
  w = window_of({"feed_window", "0", "1d"});
  assert_true(w.past_days == 0 && w.future_days == 1);
  w = window_of({"feed_window", "10y", "1w"});
  assert_true(w.past_days == 3650 && w.future_days == 7);
  // Without the setting: the default, last month and two years ahead.
  w = window_of({});
  assert_true(w.past_days == 30 && w.future_days == 730);
  assert_true(w == FeedWindow{});
  // Stored with the definition and read back; a definition stored before
  // the setting existed reads as the default; a damaged one is refused.
  assert_true(stored_window("name\tx\nlanguages\tfi\ntimezone\tUTC\nrefresh\t3600\nfeed_window\t7d 90d\n") ==
              (FeedWindow{7, 90}));
  assert_true(stored_window("name\tx\nlanguages\tfi\ntimezone\tUTC\nrefresh\t3600\n") == FeedWindow{});
  assert_int_equal(stored_window("name\tx\nlanguages\tfi\ntimezone\tUTC\nfeed_window\t7d\n").past_days, -1);

  assert_true(line_says({}, {"feed_window"}, "takes two times, the past and the future"));
  assert_true(line_says({}, {"feed_window", "30d"}, "feed_window 30d 2y"));
  assert_true(line_says({}, {"feed_window", "soon", "2y"}, "\"soon\" is not a time (such as 30d, 2y)"));
  assert_true(line_says({}, {"feed_window", "30d", "2years"}, "\"2years\" is not a time"));
  assert_true(line_says({}, {"feed_window", "36h", "2y"}, "\"36h\" is not a whole number of days"));
  assert_true(line_says({}, {"feed_window", "30", "2y"}, "\"30\" is not a whole number of days"));
  assert_true(line_says({}, {"feed_window", "11y", "2y"}, "the past (\"11y\") must be from 0 to 10y"));
  assert_true(line_says({}, {"feed_window", "30d", "0"}, "the future (\"0\") must be from 1d to 10y"));
  assert_true(line_says({}, {"feed_window", "30d", "3651d"}, "must be from 1d to 10y"));
  assert_true(line_says({"feed_window", "30d", "2y"}, {"feed_window", "7d", "1y"}, "\"feed_window\" is duplicate"));
  // A refused line does not count as given.
  assert_true(line_says({}, {"feed_window", "soon", "2y"}, "not a time") &&
              line_says({"languages", "fi"}, {"feed_window", "7d", "1y"}, ""));
  assert_true(line_says({}, {"feed_windows", "30d", "2y"}, "(did you mean \"feed_window\"?)"));
  assert_true(line_says({}, {"feedwindow", "30d", "2y"}, "(did you mean \"feed_window\"?)"));
  assert_true(line_says({}, {"feed_window", "30d", "2y", "refresh", "6h"}, "is a \";\" missing"));
}

// source ics URL [interval=] [timeout=]: parsed, refused with reasons, and
// kept in the stored definition (civicctl sync reads it from there).
void a_source(void**) {
  CalendarConfigBuilder b("library");
  assert_string_equal(b.add(std::vector<std::string_view>{"languages", "fi"}).c_str(), "");
  assert_string_equal(b.add(std::vector<std::string_view>{"timezone", "Europe/Helsinki"}).c_str(), "");
  assert_string_equal(
      b.add(std::vector<std::string_view>{"source", "ics", "https://example.fi/c.ics", "interval=5m", "timeout=20s"})
          .c_str(),
      "");
  CalendarConfig c;
  assert_string_equal(b.finish(c).c_str(), "");
  assert_true(c.source.has_value());
  assert_string_equal(c.source->url.c_str(), "https://example.fi/c.ics");
  assert_int_equal(c.source->interval_seconds, 300);
  assert_int_equal(c.source->timeout_seconds, 20);
  CalendarConfig back;
  assert_true(CalendarConfig::deserialize(c.serialize(), back));
  assert_true(back.source.has_value());
  assert_string_equal(back.source->url.c_str(), "https://example.fi/c.ics");
  assert_int_equal(back.source->interval_seconds, 300);
  assert_int_equal(back.source->timeout_seconds, 20);
  {
    EventSource le;
    std::vector<std::string_view> words = {"linkedevents", "https://api.example.fi/v1/event/",
                                           "query=\"publisher=ahjo:00001&division=helsinki\""};
    assert_string_equal(parse_event_source(words, le).c_str(), "");
    assert_int_equal(le.kind, SourceKind::linkedevents);
    assert_int_equal(le.interval_seconds, 300);  // Linked Events' default: 5m
    assert_string_equal(le.query.c_str(), "publisher=ahjo:00001&division=helsinki");
    EventSource read;
    assert_true(read_event_source(format_event_source(le), read));
    assert_int_equal(read.kind, SourceKind::linkedevents);
    assert_string_equal(read.query.c_str(), le.query.c_str());
  }

  assert_true(line_says({}, {"source", "ics", "http://example.fi/c.ics"}, ""));
  assert_true(line_says({}, {"source", "ics"}, "takes a kind and a URL"));
  assert_true(line_says({}, {"source", "linkedevents", "https://api.example.fi/v1/event/"}, ""));
  assert_true(line_says({}, {"source", "civic", "https://primary.example.fi/calendars/c.json"}, ""));
  assert_true(line_says({}, {"source", "linkedevents", "https://x/v1/event/", "query=\"publisher=a:1&x=y\""}, ""));
  assert_true(line_says({}, {"source", "linkedevents", "https://x/v1/event/", "query=page=2"}, "sets a parameter"));
  assert_true(line_says({}, {"source", "linkedevents", "https://x/v1/event/?publisher=a:1"}, "has a query"));
  assert_true(line_says({}, {"source", "linkedevents", "https://x/v1/event/", "query="}, "is not a URL query"));
  assert_true(line_says({}, {"source", "civic", "https://x/c.json", "query=a=b"}, "is not interval=TIME or timeout=TIME"));
  assert_true(line_says({}, {"source", "caldav", "https://example.fi/"}, "\"caldav\" is not a kind of source"));
  assert_true(line_says({}, {"source", "ics", "file:///etc/passwd"}, "is not an http: or https: URL"));
  assert_true(line_says({}, {"source", "ics", "https://"}, "is not an http: or https: URL"));
  assert_true(line_says({}, {"source", "ics", "https://x/a\\b"}, "is not an http: or https: URL"));
  assert_true(line_says({}, {"source", "ics", "https://x/c", "interval=5s"}, "between 10s and 7d"));
  assert_true(line_says({}, {"source", "ics", "https://x/c", "interval=8d"}, "between 10s and 7d"));
  assert_true(line_says({}, {"source", "ics", "https://x/c", "timeout=0"}, "between 1s and 10m"));
  assert_true(line_says({}, {"source", "ics", "https://x/c", "interval=1m", "interval=2m"}, "at most once"));
  assert_true(line_says({"source", "ics", "https://x/c"}, {"source", "ics", "https://y/c"}, "is duplicate"));
}

}  // namespace

int main() {
  init_timezones();
  const CMUnitTest tests[] = {
      cmocka_unit_test(a_full_block),
      cmocka_unit_test(errors_say_what_is_wrong),
      cmocka_unit_test(names_and_ical_durations),
      cmocka_unit_test(the_feed_window),
      cmocka_unit_test(a_source),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
