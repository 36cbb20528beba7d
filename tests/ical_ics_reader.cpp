// .ics files to the model: what each property becomes, and refusals that
// name the component and line.
#include <cstring>
#include <string>
#include <vector>

#include "ical/html_text.hpp"
#include "ical/ics_reader.hpp"
#include "ical/timezone.hpp"
#include "tests/cmocka.hpp"  // last

using namespace civic::ical;

namespace {

const EventDefaults kDefaults{"fi", "Europe/Helsinki"};

std::string ics(const std::string& body) {
  return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" + body + "END:VCALENDAR\r\n";
}

void reads_a_full_event(void**) {
  std::string text = ics(
      "BEGIN:VEVENT\r\n"
      "UID:turku:1\r\n"
      "DTSTAMP:20260101T000000Z\r\n"
      "DTSTART;TZID=Europe/Helsinki:20261205T180000\r\n"
      "DTEND;TZID=Europe/Helsinki:20261205T200000\r\n"
      "SUMMARY;LANGUAGE=fi:Joulukonsertti\\, kuoro\r\n"
      "SUMMARY;LANGUAGE=sv:Julkonsert\r\n"
      "DESCRIPTION:Rivi 1\\nRivi <2>\r\n"
      "LOCATION:Konserttitalo\r\n"
      "GEO:60.4518;22.2686\r\n"
      "CATEGORIES:music,culture\r\n"
      "URL:https://example.org/konsertti\r\n"
      "STATUS:CANCELLED\r\n"
      "SEQUENCE:4\r\n"
      "RRULE:FREQ=WEEKLY;COUNT=4\r\n"
      "EXDATE;TZID=Europe/Helsinki:20261212T180000\r\n"
      "IMAGE;VALUE=URI:https://example.org/kuva.jpg\r\n"
      "BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT15M\r\nDESCRIPTION:x\r\nEND:VALARM\r\n"
      "END:VEVENT\r\n"
      "BEGIN:VTODO\r\nUID:todo\r\nSUMMARY:skipped\r\nEND:VTODO\r\n");
  std::vector<Event> events;
  auto err = events_from_ics(text, kDefaults, events, 100);
  if (err) fail_msg("line %d %s: %s", err->line, err->field.c_str(), err->message.c_str());
  assert_int_equal(events.size(), 1);
  const Event& e = events[0];
  assert_string_equal(e.id.c_str(), "turku:1");
  assert_string_equal(e.name.get("fi")->c_str(), "Joulukonsertti, kuoro");
  assert_string_equal(e.name.get("sv")->c_str(), "Julkonsert");
  // Plain text is kept as HTML that gives the same text back.
  assert_string_equal(html_to_text(*e.description.get("fi")).c_str(), "Rivi 1\nRivi <2>");
  assert_string_equal(e.timezone.c_str(), "Europe/Helsinki");
  assert_true(e.start.local == (CivilTime{2026, 12, 5, 18, 0, 0}));
  assert_true(e.end && e.end->local == (CivilTime{2026, 12, 5, 20, 0, 0}));
  assert_true(e.location && e.location->position && e.location->position->latitude > 60.45);
  assert_int_equal(e.keywords.size(), 2);
  assert_string_equal(e.info_url.get("fi")->c_str(), "https://example.org/konsertti");
  assert_int_equal(static_cast<int>(e.status), static_cast<int>(EventStatus::cancelled));
  assert_int_equal(e.sequence, 4);
  assert_true(e.recurrence && e.recurrence->rrule == "FREQ=WEEKLY;COUNT=4");
  assert_int_equal(e.recurrence->exdates.size(), 1);
  assert_int_equal(e.images.size(), 1);
}

void zones_utc_floating_prefixed_and_from_the_file(void**) {
  std::string text = ics(
      "BEGIN:VTIMEZONE\r\nTZID:FLE Standard Time\r\n"
      "BEGIN:STANDARD\r\nDTSTART:16011028T040000\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\n"
      "TZOFFSETFROM:+0300\r\nTZOFFSETTO:+0200\r\nEND:STANDARD\r\n"
      "BEGIN:DAYLIGHT\r\nDTSTART:16010325T030000\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r\n"
      "TZOFFSETFROM:+0200\r\nTZOFFSETTO:+0300\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\n"
      "BEGIN:VEVENT\r\nUID:utc\r\nDTSTART:20261205T160000Z\r\nSUMMARY:a\r\nEND:VEVENT\r\n"
      "BEGIN:VEVENT\r\nUID:floating\r\nDTSTART:20261205T180000\r\nSUMMARY:b\r\nEND:VEVENT\r\n"
      "BEGIN:VEVENT\r\nUID:prefixed\r\nDTSTART;TZID=/freeassociation.sourceforge.net/Europe/Stockholm:20261205T180000\r\n"
      "SUMMARY:c\r\nEND:VEVENT\r\n"
      "BEGIN:VEVENT\r\nUID:outlook\r\nDTSTART;TZID=FLE Standard Time:20261205T180000\r\nSUMMARY:d\r\nEND:VEVENT\r\n"
      "BEGIN:VEVENT\r\nUID:allday\r\nDTSTART;VALUE=DATE:20261224\r\nDTEND;VALUE=DATE:20261227\r\nSUMMARY:e\r\n"
      "END:VEVENT\r\n");
  std::vector<Event> events;
  auto err = events_from_ics(text, kDefaults, events, 100);
  if (err) fail_msg("line %d %s: %s", err->line, err->field.c_str(), err->message.c_str());
  assert_int_equal(events.size(), 5);
  assert_string_equal(events[0].timezone.c_str(), "UTC");
  assert_true(events[0].start.local == (CivilTime{2026, 12, 5, 16, 0, 0}));
  assert_string_equal(events[1].timezone.c_str(), "Europe/Helsinki");
  assert_string_equal(events[2].timezone.c_str(), "Europe/Stockholm");
  // A zone only the file defines: converted to the calendar's zone (same offsets here).
  assert_string_equal(events[3].timezone.c_str(), "Europe/Helsinki");
  assert_true(events[3].start.local == (CivilTime{2026, 12, 5, 18, 0, 0}));
  assert_true(events[4].all_day());
  assert_true(events[4].end && events[4].end->local == (CivilTime{2026, 12, 27}));
}

void changed_occurrences_become_events(void**) {
  std::string text = ics(
      "BEGIN:VEVENT\r\nUID:series\r\nDTSTART;TZID=Europe/Helsinki:20261201T180000\r\nRRULE:FREQ=WEEKLY;COUNT=4\r\n"
      "SUMMARY:Kuoro\r\nEND:VEVENT\r\n"
      "BEGIN:VEVENT\r\nUID:series\r\nRECURRENCE-ID;TZID=Europe/Helsinki:20261208T180000\r\n"
      "DTSTART;TZID=Europe/Helsinki:20261208T190000\r\nSUMMARY:Kuoro (myöhemmin)\r\nEND:VEVENT\r\n");
  std::vector<Event> events;
  auto err = events_from_ics(text, kDefaults, events, 100);
  if (err) fail_msg("line %d: %s", err->line, err->message.c_str());
  assert_int_equal(events.size(), 2);
  assert_string_equal(events[1].id.c_str(), "series_20261208T180000");
  assert_false(events[1].recurrence.has_value());
  assert_int_equal(events[0].recurrence->exdates.size(), 1);
  assert_true(events[0].recurrence->exdates[0].local == (CivilTime{2026, 12, 8, 18, 0, 0}));
}

struct Refusal {
  std::string text;
  int line;
  const char* field;
  const char* words;
};

void refusals_name_component_and_line(void**) {
  const std::string head = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n";  // lines 1-3
  const Refusal cases[] = {
      {head + "BEGIN:VEVENT\r\nUID:a\r\nSUMMARY:x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", 4, "DTSTART", "no DTSTART"},
      {head + "BEGIN:VEVENT\r\nDTSTART:20261205T180000Z\r\nSUMMARY:x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", 4, "UID", "no UID"},
      {head + "BEGIN:VEVENT\r\nUID:a\r\nSUMMARY:x\r\nDTSTART:2026120\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", 7, "",
       "DTSTART"},
      {head + "BEGIN:VEVENT\r\nUID:a\r\nDTSTART;TZID=Mars/Base:20261205T180000\r\nSUMMARY:x\r\nEND:VEVENT\r\n"
              "END:VCALENDAR\r\n", 6, "DTSTART", "Mars/Base"},
      {head + "BEGIN:VEVENT\r\nUID:a\r\nDTSTART:20261205T180000Z\r\nDTEND:20261205T170000Z\r\nSUMMARY:x\r\n"
              "END:VEVENT\r\nEND:VCALENDAR\r\n", 7, "DTEND", "before"},
      {head + "BEGIN:VEVENT\r\nUID:a\r\nDTSTART:20261205T180000Z\r\nSUMMARY:x\r\nRRULE:FREQ=SECONDLY\r\n"
              "END:VEVENT\r\nEND:VCALENDAR\r\n", 8, "RRULE", "hourly"},
      {head + "BEGIN:VEVENT\r\nUID:a\r\nDTSTART:20261205T180000Z\r\nSUMMARY:x\r\nEND:VTODO\r\nEND:VCALENDAR\r\n", 8, "",
       "END:VEVENT"},
      {head + "BEGIN:VEVENT\r\nUID:a\r\nDTSTART:20261205T180000Z\r\nSUMMARY:x\r\n", 4, "", "no END"},
      {"hello\r\n", 1, "", "VCALENDAR"},
      {head + "BEGIN:VEVENT\r\nUID:a\r\nDTSTART:20261205T180000Z\r\nSUMMARY:x \xff\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
       7, "", "UTF-8"},
      {head + "BEGIN:VEVENT\r\nUID:s\r\nRECURRENCE-ID:20261208T180000Z\r\nDTSTART:20261208T190000Z\r\nSUMMARY:x\r\n"
              "END:VEVENT\r\nEND:VCALENDAR\r\n", 4, "RECURRENCE-ID", "not in this file"},
      // What libical would read as BEGIN or END (found by fuzz/ics_import: a
      // component libical left open was freed twice).
      {head + "BEGIN:VEVENT\r\nUID:a\r\nDTSTART:20261205T180000Z\r\nBEGIN;22.2752\r\nEND:VEVENT\r\n"
              "END:VCALENDAR\r\n", 7, "", "no parameters or spaces"},
      {head + "BEGIN:VEVENT\r\nUID:a\r\nDTSTART:20261205T180000Z\r\nEND :VEVENT\r\nEND:VCALENDAR\r\n", 7, "",
       "no parameters or spaces"},
      {head + "BEGIN:VEVENT\r\nUID:a\r\nDTSTART:20261205T180000Z\r\nbegin;x=1:VALARM\r\nEND:VEVENT\r\n"
              "END:VCALENDAR\r\n", 7, "", "no parameters or spaces"},
  };
  for (const auto& c : cases) {
    std::vector<Event> events;
    auto err = events_from_ics(c.text, kDefaults, events, 100);
    if (!err) fail_msg("accepted: %s", c.text.c_str());
    if (err->line != c.line || err->field != c.field || !strstr(err->message.c_str(), c.words))
      fail_msg("got line %d field '%s' message '%s'; wanted line %d field '%s' with '%s'", err->line,
               err->field.c_str(), err->message.c_str(), c.line, c.field, c.words);
  }
}

void folded_lines_keep_their_first_line_number(void**) {
  std::string text = ics(
      "BEGIN:VEVENT\r\nUID:a\r\nSUMMARY:a long\r\n  folded title\r\nDTSTART:20261205T180000Z\r\nEND:VEVENT\r\n"
      "BEGIN:VEVENT\r\nUID:b\r\nSUMMARY:x\r\nEND:VEVENT\r\n");
  std::vector<Event> events;
  auto err = events_from_ics(text, kDefaults, events, 100);
  assert_true(err.has_value());
  assert_int_equal(err->line, 10);  // the second VEVENT; the fold counts as a line
  assert_string_equal(err->component.c_str(), "VEVENT");
  text = ics("BEGIN:VEVENT\r\nUID:a\r\nSUMMARY:a long\r\n  folded title\r\nDTSTART:20261205T180000Z\r\nEND:VEVENT\r\n");
  assert_false(events_from_ics(text, kDefaults, events, 100).has_value());
  assert_string_equal(events[0].name.get("fi")->c_str(), "a long folded title");
}

void too_many_events_are_refused(void**) {
  std::string body;
  for (int i = 0; i < 3; ++i)
    body += "BEGIN:VEVENT\r\nUID:e" + std::to_string(i) + "\r\nDTSTART:20261205T180000Z\r\nSUMMARY:x\r\nEND:VEVENT\r\n";
  std::vector<Event> events;
  auto err = events_from_ics(ics(body), kDefaults, events, 2);
  assert_true(err.has_value());
  assert_non_null(strstr(err->message.c_str(), "more than 2"));
}

}  // namespace

int main() {
  init_timezones();
  init_html_parser();
  const CMUnitTest tests[] = {
      cmocka_unit_test(reads_a_full_event),
      cmocka_unit_test(zones_utc_floating_prefixed_and_from_the_file),
      cmocka_unit_test(changed_occurrences_become_events),
      cmocka_unit_test(refusals_name_component_and_line),
      cmocka_unit_test(folded_lines_keep_their_first_line_number),
      cmocka_unit_test(too_many_events_are_refused),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
