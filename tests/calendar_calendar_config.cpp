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

}  // namespace

int main() {
  init_timezones();
  const CMUnitTest tests[] = {
      cmocka_unit_test(a_full_block),
      cmocka_unit_test(errors_say_what_is_wrong),
      cmocka_unit_test(names_and_ical_durations),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
