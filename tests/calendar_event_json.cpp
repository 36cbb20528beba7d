// Event JSON to the model and back: every field of the SPEC's example, the
// refusals (naming the field), and the canonical form.
#include <cstring>
#include <string>
#include <vector>

#include "calendar/formats/event_json.hpp"
#include "calendar/model/recurrence.hpp"
#include "calendar/model/timezone.hpp"
#include "tests/support/cmocka.hpp"  // last

using namespace civic;
using namespace civic::calendar;

namespace {

const EventDefaults kDefaults{"fi", "Europe/Helsinki"};

const char* kConcert = R"({
  "id": "turku:12345",
  "name": {"fi": "Joulukonsertti", "sv": "Julkonsert", "en": "Christmas concert"},
  "short_description": {"fi": "Perinteinen joulukonsertti"},
  "description": {"fi": "<p>HTML allowed here</p>"},
  "start_time": "2026-12-05T18:00:00+02:00",
  "end_time": "2026-12-05T20:00:00+02:00",
  "timezone": "Europe/Helsinki",
  "location": {"id": "tpk:1", "name": {"fi": "Konserttitalo"},
               "street_address": {"fi": "Aninkaistenkatu 9"}, "postal_code": "20100",
               "address_locality": {"fi": "Turku"},
               "position": {"type": "Point", "coordinates": [22.2686, 60.4518]}},
  "keywords": ["music", "culture"],
  "offers": [{"is_free": false, "price": {"fi": "25 €"}, "info_url": {"fi": "https://example.org/liput"}}],
  "info_url": {"fi": "https://example.org/konsertti"},
  "images": [{"url": "https://example.org/kuva.jpg", "alt_text": "Kuoro"}],
  "event_status": "EventScheduled",
  "recurrence": {"rrule": "FREQ=WEEKLY;BYDAY=SA;COUNT=3", "exdate": ["2026-12-12T18:00:00+02:00"]},
  "sequence": 7, "created_time": "x", "last_modified_time": "y", "deleted": false,
  "@id": "https://host/calendars/culture/events/turku:12345.json", "@context": "http://schema.org", "@type": "Event"
})";

void reads_every_field(void**) {
  Event e;
  auto err = event_from_json(kConcert, kDefaults, e);
  if (err) fail_msg("%s: %s", err->field.c_str(), err->message.c_str());
  assert_string_equal(e.id.c_str(), "turku:12345");
  assert_string_equal(e.name.get("sv")->c_str(), "Julkonsert");
  assert_string_equal(e.timezone.c_str(), "Europe/Helsinki");
  assert_true(e.start.local == (CivilTime{2026, 12, 5, 18, 0, 0}));
  assert_false(e.start.date_only);
  assert_true(e.end && e.end->local == (CivilTime{2026, 12, 5, 20, 0, 0}));
  assert_true(e.location && e.location->position);
  assert_true(e.location->position->longitude > 22.26 && e.location->position->latitude > 60.45);
  assert_string_equal(e.location->postal_code.c_str(), "20100");
  assert_int_equal(e.keywords.size(), 2);
  assert_int_equal(e.offers.size(), 1);
  assert_false(*e.offers[0].is_free);
  assert_string_equal(e.images[0].alt_text.c_str(), "Kuoro");
  assert_int_equal(static_cast<int>(e.status), static_cast<int>(EventStatus::scheduled));
  assert_true(e.recurrence.has_value());
  assert_string_equal(e.recurrence->rrule.c_str(), "FREQ=WEEKLY;COUNT=3;BYDAY=SA");
  assert_int_equal(e.recurrence->exdates.size(), 1);
  assert_int_equal(e.sequence, 7);  // a floor for the server's sequence
}

void times_with_offsets_land_in_the_event_zone(void**) {
  Event e;
  // 16:00Z is 18:00 in Helsinki in December.
  auto err = event_from_json(R"({"id":"a","name":"x","start_time":"2026-12-05T16:00:00Z"})", kDefaults, e);
  assert_false(err.has_value());
  assert_true(e.start.local == (CivilTime{2026, 12, 5, 18, 0, 0}));
  assert_string_equal(e.name.get("fi")->c_str(), "x");  // a plain string is in the default language
  assert_false(e.end.has_value());
  // Without an offset: wall-clock time in the event's zone.
  err = event_from_json(R"({"id":"a","name":"x","start_time":"2026-06-05T18:00","timezone":"Europe/Stockholm"})",
                        kDefaults, e);
  assert_false(err.has_value());
  assert_string_equal(e.timezone.c_str(), "Europe/Stockholm");
  assert_true(e.start.local == (CivilTime{2026, 6, 5, 18, 0, 0}));
}

void all_day_end_is_the_last_day(void**) {
  Event e;
  auto err = event_from_json(R"({"id":"x","name":"Joulu","start_time":"2026-12-24","end_time":"2026-12-26"})",
                             kDefaults, e);
  assert_false(err.has_value());
  assert_true(e.all_day());
  // Stored exclusive, as iCal's DTEND.
  assert_true(e.end && e.end->date_only && e.end->local == (CivilTime{2026, 12, 27}));
  std::string json = event_to_json(e, {});
  assert_non_null(strstr(json.c_str(), "\"start_time\":\"2026-12-24\""));
  assert_non_null(strstr(json.c_str(), "\"end_time\":\"2026-12-26\""));
}

struct Refusal {
  const char* json;
  const char* field;
};

void refusals_name_the_field(void**) {
  const Refusal cases[] = {
      {R"({"name":"x"})", "start_time"},
      {R"({"start_time":"2026-12-05T18:00"})", "name"},
      {R"({"name":{},"start_time":"2026-12-05T18:00"})", "name"},
      {R"({"name":"x","start_time":"5.12.2026"})", "start_time"},
      {R"({"name":"x","start_time":"2026-12-05T18:00","end_time":"2026-12-05T17:00"})", "end_time"},
      {R"({"name":"x","start_time":"2026-12-05","end_time":"2026-12-05T17:00"})", "end_time"},
      {R"({"name":"x","start_time":"2026-12-05T18:00","timezone":"Mars/Olympus"})", "timezone"},
      {R"({"name":{"FINNISH":"x"},"start_time":"2026-12-05T18:00"})", "name.FINNISH"},
      {R"({"name":"x","start_time":"2026-12-05T18:00","location":{"position":{"type":"Point","coordinates":[22,95]}}})",
       "location.position.coordinates"},
      {R"({"name":"x","start_time":"2026-12-05T18:00","keywords":["a",3]})", "keywords[1]"},
      {R"({"name":"x","start_time":"2026-12-05T18:00","offers":[{"is_free":"no"}]})", "offers[0].is_free"},
      {R"({"name":"x","start_time":"2026-12-05T18:00","images":[{"url":"ftp://x"}]})", "images[0].url"},
      {R"J({"name":"x","start_time":"2026-12-05T18:00","info_url":{"fi":"javascript:alert(1)"}})J", "info_url.fi"},
      {R"({"name":"x","start_time":"2026-12-05T18:00","event_status":"Cancelled"})", "event_status"},
      {R"({"name":"x","start_time":"2026-12-05T18:00","recurrence":{"rrule":"FREQ=SOMETIMES"}})", "recurrence.rrule"},
      {R"({"name":"x","start_time":"2026-12-05T18:00","recurrence":{"rrule":"FREQ=MINUTELY"}})", "recurrence.rrule"},
      {R"({"name":"x","start_time":"2026-12-05","recurrence":{"rrule":"FREQ=DAILY","exdate":["2026-12-06T10:00"]}})",
       "recurrence.exdate[0]"},
      {R"({"id":"a/b","name":"x","start_time":"2026-12-05T18:00"})", "id"},
      {R"({"name":"x\u0001","start_time":"2026-12-05T18:00"})", "name"},
      {R"({"name":{"sv":"x\u0001"},"start_time":"2026-12-05T18:00"})", "name.sv"},
  };
  for (const auto& c : cases) {
    Event e;
    auto err = event_from_json(c.json, kDefaults, e);
    if (!err) fail_msg("accepted: %s", c.json);
    if (err->field != c.field) fail_msg("%s: field %s, expected %s (%s)", c.json, err->field.c_str(), c.field, err->message.c_str());
    assert_int_equal(static_cast<int>(err->kind), static_cast<int>(FieldError::Kind::invalid));
    assert_false(err->message.empty());
  }
}

void malformed_json_is_a_syntax_error(void**) {
  Event e;
  auto err = event_from_json(R"({"name": "x",)", kDefaults, e);
  assert_true(err.has_value());
  assert_int_equal(static_cast<int>(err->kind), static_cast<int>(FieldError::Kind::syntax));
  assert_non_null(strstr(err->message.c_str(), "not valid JSON"));
  err = event_from_json("{\"name\": \"\xff\"}", kDefaults, e);
  assert_true(err.has_value());
  assert_int_equal(static_cast<int>(err->kind), static_cast<int>(FieldError::Kind::syntax));
}

void arrays_need_ids_and_name_the_element(void**) {
  std::vector<Event> events;
  auto err = events_from_json_array(R"([{"id":"a","name":"x","start_time":"2026-12-05T18:00"},
                                        {"name":"y","start_time":"2026-12-05T18:00"}])",
                                    kDefaults, events, 100);
  assert_true(err && err->field == "[1].id");
  err = events_from_json_array(R"([{"id":"a","name":"x","start_time":"2026-12-05T18:00"},
                                   {"id":"b","name":"y","start_time":"nope"}])",
                               kDefaults, events, 100);
  assert_true(err && err->field == "[1].start_time");
  err = events_from_json_array(R"({"id":"a"})", kDefaults, events, 100);
  assert_true(err.has_value());
  err = events_from_json_array(R"([{"id":"a","name":"x","start_time":"2026-12-05T18:00"}])", kDefaults, events, 100);
  assert_false(err.has_value());
  assert_int_equal(events.size(), 1);
}

// RFC 5545 §3.8.7.4 / §3.3.8: SEQUENCE is a 32-bit signed INTEGER, not negative.
void sequence_is_a_whole_number_up_to_int32_max(void**) {
  const char* refused[] = {
      R"({"name":"x","start_time":"2026-12-05T18:00","sequence":2147483648})",
      R"({"name":"x","start_time":"2026-12-05T18:00","sequence":9223372036854775808})",
      R"({"name":"x","start_time":"2026-12-05T18:00","sequence":-5})",
      R"({"name":"x","start_time":"2026-12-05T18:00","sequence":"7"})",
      R"({"name":"x","start_time":"2026-12-05T18:00","sequence":1.5})",
      R"({"name":"x","start_time":"2026-12-05T18:00","sequence":true})",
  };
  for (const char* json : refused) {
    Event e;
    auto err = event_from_json(json, kDefaults, e);
    if (!err) fail_msg("accepted: %s", json);
    assert_string_equal(err->field.c_str(), "sequence");
    assert_int_equal(static_cast<int>(err->kind), static_cast<int>(FieldError::Kind::invalid));
    assert_non_null(strstr(err->message.c_str(), "0 to 2147483647"));
  }
  Event e;
  assert_false(event_from_json(R"({"name":"x","start_time":"2026-12-05T18:00","sequence":2147483647})", kDefaults, e).has_value());
  assert_int_equal(e.sequence, 2147483647);
  assert_false(event_from_json(R"({"name":"x","start_time":"2026-12-05T18:00","sequence":null})", kDefaults, e).has_value());
  assert_int_equal(e.sequence, 0);
  // A store written before the bound: what is shown is still an INTEGER.
  e.sequence = 2147483653u;
  assert_non_null(strstr(event_to_json(e, {}).c_str(), "\"sequence\":2147483647"));
}

// RFC 5545 §3.3.5: a local time the clocks skip moves forward by the gap;
// one they show twice is the first; the JSON says so with its offset.
void times_the_clock_skips_or_repeats(void**) {
  Event e;
  auto err = event_from_json(R"({"name":"x","start_time":"2026-03-29T03:30:00","end_time":"2026-03-29T05:00:00",
      "recurrence":{"rdate":["2026-03-29T03:45:00"],"exdate":["2026-10-25T03:30:00"]}})", kDefaults, e);
  if (err) fail_msg("%s: %s", err->field.c_str(), err->message.c_str());
  assert_true(e.start.local == (CivilTime{2026, 3, 29, 4, 30, 0}));
  assert_true(e.recurrence->rdates[0].local == (CivilTime{2026, 3, 29, 4, 45, 0}));
  assert_true(e.recurrence->exdates[0].local == (CivilTime{2026, 10, 25, 3, 30, 0}));
  std::string json = event_to_json(e, {});
  assert_non_null(strstr(json.c_str(), "\"start_time\":\"2026-03-29T04:30:00+03:00\""));
  assert_non_null(strstr(json.c_str(), "\"rdate\":[\"2026-03-29T04:45:00+03:00\"]"));
  assert_non_null(strstr(json.c_str(), "\"exdate\":[\"2026-10-25T03:30:00+03:00\"]"));

  assert_false(event_from_json(R"({"name":"x","start_time":"2026-10-25T03:30:00"})", kDefaults, e).has_value());
  assert_true(e.start.local == (CivilTime{2026, 10, 25, 3, 30, 0}));
  assert_int_equal(instant_of(e.start, e.timezone), seconds_from_civil({2026, 10, 25, 0, 30, 0}));
  assert_non_null(strstr(event_to_json(e, {}).c_str(), "\"start_time\":\"2026-10-25T03:30:00+03:00\""));
  // The same instant given with its offset is the same event.
  assert_false(event_from_json(R"({"name":"x","start_time":"2026-10-25T00:30:00Z"})", kDefaults, e).has_value());
  assert_true(e.start.local == (CivilTime{2026, 10, 25, 3, 30, 0}));
  // New York: RFC 5545's own examples.
  assert_false(event_from_json(R"({"name":"x","start_time":"2007-03-11T02:30:00","timezone":"America/New_York"})",
                               kDefaults, e).has_value());
  assert_non_null(strstr(event_to_json(e, {}).c_str(), "\"start_time\":\"2007-03-11T03:30:00-04:00\""));
  assert_false(event_from_json(R"({"name":"x","start_time":"2007-11-04T01:30:00","timezone":"America/New_York"})",
                               kDefaults, e).has_value());
  assert_non_null(strstr(event_to_json(e, {}).c_str(), "\"start_time\":\"2007-11-04T01:30:00-04:00\""));

  // The second pass through 03:30 cannot be said as a Helsinki wall-clock time.
  err = event_from_json(R"({"name":"x","start_time":"2026-10-25T03:30:00+02:00"})", kDefaults, e);
  assert_true(err && err->field == "start_time");
  assert_non_null(strstr(err->message.c_str(), "second pass"));
  err = event_from_json(R"({"name":"x","start_time":"2026-10-25T00:00:00Z","recurrence":{"rrule":"FREQ=HOURLY;COUNT=3",
      "exdate":["2026-10-25T01:30:00Z"]}})", kDefaults, e);
  assert_true(err && err->field == "recurrence.exdate[0]");
  // What the store wrote before this rule reads back (as the first pass).
  assert_true(event_from_canonical_json(
      R"({"id":"old","name":{"fi":"x"},"start_time":"2026-10-25T03:30:00+02:00","timezone":"Europe/Helsinki"})", e));
  assert_true(e.start.local == (CivilTime{2026, 10, 25, 3, 30, 0}));
}

void dates_outside_the_years_name_the_range(void**) {
  const Refusal cases[] = {
      {R"({"name":"x","start_time":"1000-06-01"})", "start_time"},
      {R"({"name":"x","start_time":"2300-01-01T10:00:00Z"})", "start_time"},
      {R"({"name":"x","start_time":"2026-06-01","recurrence":{"rdate":["1000-06-01"]}})", "recurrence.rdate[0]"},
      {R"({"name":"x","start_time":"2199-12-31T23:00:00-05:00"})", "start_time"},
  };
  for (const auto& c : cases) {
    Event e;
    auto err = event_from_json(c.json, kDefaults, e);
    if (!err) fail_msg("accepted: %s", c.json);
    assert_string_equal(err->field.c_str(), c.field);
    if (!strstr(err->message.c_str(), "1900-01-01 to 2199-12-31")) fail_msg("%s: %s", c.json, err->message.c_str());
  }
  Event e;
  auto err = event_from_json(R"({"name":"x","start_time":"2026-02-30"})", kDefaults, e);
  assert_true(err && strstr(err->message.c_str(), "not an ISO 8601 date"));
}

void canonical_form_round_trips(void**) {
  Event e;
  assert_false(event_from_json(kConcert, kDefaults, e).has_value());
  std::string first = canonical_json(e);
  Event again;
  assert_true(event_from_canonical_json(first, again));
  assert_string_equal(canonical_json(again).c_str(), first.c_str());
  assert_null(strstr(first.c_str(), "sequence"));  // server fields are not part of it
  assert_non_null(strstr(first.c_str(), "\"start_time\":\"2026-12-05T18:00:00+02:00\""));
  assert_non_null(strstr(first.c_str(), "\"coordinates\":[22.268600,60.451800]"));
}

void full_form_has_server_fields_and_id_url(void**) {
  Event e;
  assert_false(event_from_json(kConcert, kDefaults, e).has_value());
  e.sequence = 3;
  e.created_us = 1000000;
  e.modified_us = 2000000;
  std::string json = event_to_json(e, {true, "https://example.org/calendars/", "culture", {}});
  assert_non_null(strstr(json.c_str(), "\"sequence\":3"));
  assert_non_null(strstr(json.c_str(), "\"created_time\":\"1970-01-01T00:00:01.000000Z\""));
  assert_non_null(strstr(json.c_str(), "\"@id\":\"https://example.org/calendars/culture/events/turku:12345.json\""));
  assert_string_equal(url_path_segment("a b/c?").c_str(), "a%20b%2Fc%3F");
}

}  // namespace

int main() {
  init_timezones();
  const CMUnitTest tests[] = {
      cmocka_unit_test(reads_every_field),
      cmocka_unit_test(times_with_offsets_land_in_the_event_zone),
      cmocka_unit_test(all_day_end_is_the_last_day),
      cmocka_unit_test(refusals_name_the_field),
      cmocka_unit_test(malformed_json_is_a_syntax_error),
      cmocka_unit_test(arrays_need_ids_and_name_the_element),
      cmocka_unit_test(sequence_is_a_whole_number_up_to_int32_max),
      cmocka_unit_test(times_the_clock_skips_or_repeats),
      cmocka_unit_test(dates_outside_the_years_name_the_range),
      cmocka_unit_test(canonical_form_round_trips),
      cmocka_unit_test(full_form_has_server_fields_and_id_url),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
