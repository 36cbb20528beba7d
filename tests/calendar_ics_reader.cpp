// .ics files to the model: what each property becomes, and refusals that
// name the component and line.
#include <cstring>
#include <string>
#include <vector>

#include "calendar/formats/html_text.hpp"
#include "calendar/formats/ics_reader.hpp"
#include "calendar/model/recurrence.hpp"
#include "calendar/model/timezone.hpp"
#include "tests/support/cmocka.hpp"  // last

using namespace civic;
using namespace civic::calendar;

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

// A zone defined only by the file's VTIMEZONE: a STANDARD and a DAYLIGHT
// with the given lines (lines 4 to 15 of the file; STANDARD's RRULE on 8).
std::string file_zone(const std::string& tzid, const std::string& standard_rule, const std::string& standard_to,
                      const std::string& daylight_to) {
  return "BEGIN:VTIMEZONE\r\nTZID:" + tzid + "\r\n"                                           // 4, 5
         "BEGIN:STANDARD\r\nDTSTART:16010101T040000\r\nTZOFFSETFROM:+0300\r\n"               // 6-8
         "RRULE:" + standard_rule + "\r\nTZOFFSETTO:" + standard_to + "\r\nEND:STANDARD\r\n"  // 9-11
         "BEGIN:DAYLIGHT\r\nDTSTART:16010101T030000\r\nTZOFFSETFROM:+0200\r\n"               // 12-14
         "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r\nTZOFFSETTO:" + daylight_to + "\r\n"        // 15, 16
         "END:DAYLIGHT\r\nEND:VTIMEZONE\r\n";                                                 // 17, 18
}

std::string event_in(const std::string& tzid) {
  return "BEGIN:VEVENT\r\nUID:e\r\nDTSTART;TZID=" + tzid + ":20261205T180000\r\nSUMMARY:x\r\nEND:VEVENT\r\n";
}

// libical expands a file's VTIMEZONE from its DTSTART, one change per
// occurrence of each RRULE: an hourly rule from 1601 took a minute of CPU.
void vtimezone_rules_are_bounded(void**) {
  const std::string yearly = "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10";
  const Refusal cases[] = {
      {ics(file_zone("Slow", "FREQ=HOURLY", "+0200", "+0300") + event_in("Slow")), 9, "RRULE", "FREQ=HOURLY"},
      {ics(file_zone("Slow", "FREQ=DAILY", "+0200", "+0300") + event_in("Slow")), 9, "RRULE", "VTIMEZONE \"Slow\""},
      // Yearly, but every hour of every day of the year.
      {ics(file_zone("Slow", "FREQ=YEARLY;BYHOUR=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23",
                     "+0200", "+0300") + event_in("Slow")), 9, "RRULE", "more than 5000"},
      // Bad even if no event uses it.
      {ics(file_zone("Unused", "FREQ=MINUTELY", "+0200", "+0300")), 9, "RRULE", "VTIMEZONE \"Unused\""},
  };
  for (const auto& c : cases) {
    std::vector<Event> events;
    auto err = events_from_ics(c.text, kDefaults, events, 100);
    if (!err) fail_msg("accepted: %s", c.text.c_str());
    assert_string_equal(err->component.c_str(), "VTIMEZONE");
    assert_int_equal(static_cast<int>(err->kind), static_cast<int>(FieldError::Kind::invalid));
    if (err->line != c.line || err->field != c.field || !strstr(err->message.c_str(), c.words))
      fail_msg("got line %d field '%s' message '%s'; wanted line %d field '%s' with '%s'", err->line,
               err->field.c_str(), err->message.c_str(), c.line, c.field, c.words);
  }
  // Many zones that are each fine, but too many changes together.
  std::string zones;
  for (int i = 0; i < 20; ++i) zones += file_zone("Z" + std::to_string(i), yearly, "+0200", "+0300");
  std::vector<Event> events;
  auto err = events_from_ics(ics(zones), kDefaults, events, 100);
  assert_true(err && strstr(err->message.c_str(), "more than 20000"));
  // libical frees each VTIMEZONE by a search through all the others: a file
  // of 200,000 took two minutes to free.
  std::string copies;
  for (int i = 0; i < 1001; ++i) copies += "BEGIN:VTIMEZONE\r\nTZID:Europe/Helsinki\r\nEND:VTIMEZONE\r\n";
  err = events_from_ics(ics(copies), kDefaults, events, 100);
  assert_true(err && strstr(err->message.c_str(), "more than 1000 VTIMEZONEs"));
  assert_int_equal(err->line, 4 + 3 * 1000);
  // A VTIMEZONE named by the tz database is not read: civic uses the database.
  err = events_from_ics(ics(file_zone("Europe/Helsinki", "FREQ=HOURLY", "+0200", "+0300") +
                            event_in("Europe/Helsinki")), kDefaults, events, 100);
  if (err) fail_msg("line %d: %s", err->line, err->message.c_str());
}

// RFC 5545 §3.3.14 UTC-OFFSET, within ±18:00; a VTIMEZONE must give one.
void vtimezone_offsets_are_bounded(void**) {
  const std::string yearly = "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10";
  const Refusal cases[] = {
      {ics(file_zone("Far", yearly, "+9999", "+0300") + event_in("Far")), 10, "TZOFFSETTO", "+9999"},
      {ics(file_zone("Far", yearly, "-2400", "+0300") + event_in("Far")), 10, "TZOFFSETTO", "VTIMEZONE \"Far\""},
      {ics(file_zone("Far", yearly, "+0200", "+0160") + event_in("Far")), 16, "TZOFFSETTO", "+0160"},
      {ics("BEGIN:VTIMEZONE\r\nTZID:Empty\r\nEND:VTIMEZONE\r\n" + event_in("Empty")), 4, "",
       "VTIMEZONE \"Empty\" has no STANDARD or DAYLIGHT"},
      {ics("BEGIN:VTIMEZONE\r\nTZID:Half\r\nBEGIN:STANDARD\r\nDTSTART:16010101T040000\r\nTZOFFSETFROM:+0300\r\n"
           "END:STANDARD\r\nEND:VTIMEZONE\r\n" + event_in("Half")), 6, "", "without TZOFFSETTO"},
  };
  for (const auto& c : cases) {
    std::vector<Event> events;
    auto err = events_from_ics(c.text, kDefaults, events, 100);
    if (!err) fail_msg("accepted: %s", c.text.c_str());
    assert_string_equal(err->component.c_str(), "VTIMEZONE");
    if (err->line != c.line || err->field != c.field || !strstr(err->message.c_str(), c.words))
      fail_msg("got line %d field '%s' message '%s'; wanted line %d field '%s' with '%s'", err->line,
               err->field.c_str(), err->message.c_str(), c.line, c.field, c.words);
  }
  // Half-hour and quarter-hour zones are fine (Asia/Kathmandu is +0545).
  std::vector<Event> events;
  auto err = events_from_ics(ics(file_zone("Kathmandu-ish", yearly, "+0545", "+0630") + event_in("Kathmandu-ish")),
                             kDefaults, events, 100);
  if (err) fail_msg("line %d: %s", err->line, err->message.c_str());
}

// RFC 5545 §3.3.5 in an import: in the event's own zone, in another tz
// database zone and in a zone of the file (Outlook's "FLE Standard Time").
void times_the_clock_skips_or_repeats(void**) {
  const std::string fle = file_zone("FLE Standard Time", "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10", "+0200", "+0300");
  for (const std::string& tzid : {std::string("Europe/Helsinki"), std::string("FLE Standard Time")}) {
    std::string text = ics(fle +
        "BEGIN:VEVENT\r\nUID:gap\r\nDTSTART;TZID=" + tzid + ":20260329T033000\r\nSUMMARY:x\r\n"
        "RRULE:FREQ=DAILY;COUNT=3\r\nRDATE;TZID=" + tzid + ":20260329T034500\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:twice\r\nDTSTART;TZID=" + tzid + ":20261025T033000\r\nSUMMARY:x\r\n"
        "DTEND;TZID=" + tzid + ":20261025T040000\r\nEND:VEVENT\r\n");
    std::vector<Event> events;
    auto err = events_from_ics(text, kDefaults, events, 100);
    if (err) fail_msg("%s: line %d: %s", tzid.c_str(), err->line, err->message.c_str());
    assert_int_equal(events.size(), 2);
    // The calendar's zone either way (the file's zone is not a tz database zone).
    assert_string_equal(events[0].timezone.c_str(), "Europe/Helsinki");
    assert_true(events[0].start.local == (CivilTime{2026, 3, 29, 4, 30, 0}));
    assert_true(events[0].recurrence->rdates[0].local == (CivilTime{2026, 3, 29, 4, 45, 0}));
    assert_int_equal(instant_of(events[1].start, "Europe/Helsinki"), seconds_from_civil({2026, 10, 25, 0, 30, 0}));
    // 04:00 EET is 90 minutes after the first 03:30 EEST.
    assert_int_equal(instant_of(*events[1].end, "Europe/Helsinki") - instant_of(events[1].start, "Europe/Helsinki"),
                     5400);
  }
  // From another zone: 01:30Z is Helsinki's second 03:30.
  std::vector<Event> events;
  auto err = events_from_ics(ics("BEGIN:VEVENT\r\nUID:a\r\nDTSTART;TZID=Europe/Helsinki:20261025T020000\r\n"
                                 "DTEND:20261025T013000Z\r\nSUMMARY:x\r\nEND:VEVENT\r\n"),
                             kDefaults, events, 100);
  assert_true(err && err->field == "DTEND" && strstr(err->message.c_str(), "second pass"));
  // Stockholm's 02:30 is its first (CEST), 00:30Z: Helsinki's first 03:30.
  err = events_from_ics(ics("BEGIN:VEVENT\r\nUID:a\r\nDTSTART;TZID=Europe/Helsinki:20261025T020000\r\n"
                            "DTEND;TZID=Europe/Stockholm:20261025T023000\r\nSUMMARY:x\r\nEND:VEVENT\r\n"),
                        kDefaults, events, 100);
  if (err) fail_msg("line %d: %s", err->line, err->message.c_str());
  assert_true(events[0].end->local == (CivilTime{2026, 10, 25, 3, 30, 0}));
  assert_int_equal(instant_of(*events[0].end, "Europe/Helsinki"), seconds_from_civil({2026, 10, 25, 0, 30, 0}));
}

void sequence_is_a_whole_number_up_to_int32_max(void**) {
  auto with = [](const std::string& sequence) {
    return ics("BEGIN:VEVENT\r\nUID:a\r\nDTSTART:20261205T180000Z\r\nSUMMARY:x\r\nSEQUENCE:" + sequence +
               "\r\nEND:VEVENT\r\n");
  };
  for (const char* bad : {"2147483648", "9223372036854775808", "-5", "4294967297"}) {
    std::vector<Event> events;
    auto err = events_from_ics(with(bad), kDefaults, events, 100);
    if (!err) fail_msg("accepted SEQUENCE:%s", bad);
    assert_string_equal(err->field.c_str(), "SEQUENCE");
    assert_int_equal(err->line, 8);
    assert_non_null(strstr(err->message.c_str(), "0 to 2147483647"));
  }
  std::vector<Event> events;
  assert_false(events_from_ics(with("2147483647"), kDefaults, events, 100).has_value());
  assert_int_equal(events[0].sequence, 2147483647);
  assert_false(events_from_ics(with("0"), kDefaults, events, 100).has_value());
  assert_int_equal(events[0].sequence, 0);
}

// A UTF-8 byte order mark (Notepad writes one) is not text outside the calendar.
void a_byte_order_mark_is_skipped(void**) {
  std::vector<Event> events;
  auto err = events_from_ics("\xEF\xBB\xBF" + ics("BEGIN:VEVENT\r\nUID:a\r\nDTSTART:20261205T180000Z\r\n"
                                                     "SUMMARY:x\r\nEND:VEVENT\r\n"),
                             kDefaults, events, 100);
  if (err) fail_msg("line %d: %s", err->line, err->message.c_str());
  assert_int_equal(events.size(), 1);
  // Only at the start.
  err = events_from_ics(ics("") + "\xEF\xBB\xBF", kDefaults, events, 100);
  assert_true(err.has_value());
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
      cmocka_unit_test(vtimezone_rules_are_bounded),
      cmocka_unit_test(vtimezone_offsets_are_bounded),
      cmocka_unit_test(times_the_clock_skips_or_repeats),
      cmocka_unit_test(sequence_is_a_whole_number_up_to_int32_max),
      cmocka_unit_test(a_byte_order_mark_is_skipped),
      cmocka_unit_test(folded_lines_keep_their_first_line_number),
      cmocka_unit_test(too_many_events_are_refused),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
