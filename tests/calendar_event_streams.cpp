// The streaming readers of civicctl import (json_array_stream, ics_stream)
// give the events the whole-text readers give, however the bytes arrive,
// and refuse what they refuse; import_streamed writes nothing of a refused
// file and all of a good one.
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "calendar/formats/event_json.hpp"
#include "calendar/formats/ics_reader.hpp"
#include "calendar/model/timezone.hpp"
#include "calendar/formats/calendar_json.hpp"
#include "calendar/service/event_import.hpp"
#include "storage/event_store.hpp"
#include "tests/support/temp_store.hpp"
#include "tests/support/cmocka.hpp"  // last

using namespace civic;
using namespace civic::calendar;

namespace {

const EventDefaults kDefaults{"fi", "Europe/Helsinki"};

// A source that hands out `text` at most `chunk` bytes at a time.
ByteSource chunks_of(std::shared_ptr<const std::string> text, std::size_t chunk) {
  auto at = std::make_shared<std::size_t>(0);
  return [text, chunk, at](char* buffer, std::size_t size) -> std::size_t {
    std::size_t n = std::min({chunk, size, text->size() - *at});
    std::copy_n(text->data() + *at, n, buffer);
    *at += n;
    return n;
  };
}

// Every event of the stream as canonical JSON, or the refusal's field and
// message after "!".
std::vector<std::string> streamed(const std::string& text, ImportFormat format, std::size_t chunk,
                                  std::size_t max_events = 100000) {
  auto stream = open_event_stream(format, chunks_of(std::make_shared<const std::string>(text), chunk), kDefaults,
                                  max_events);
  std::vector<std::string> out;
  for (;;) {
    Event e;
    FieldError error;
    StreamStep step = stream->next(e, error);
    if (step == StreamStep::end) return out;
    if (step == StreamStep::refused) {
      out.push_back("!" + error.field + ": " + error.message);
      return out;
    }
    out.push_back(canonical_json(e));
  }
}

std::vector<std::string> whole(const std::string& text, ImportFormat format, std::size_t max_events = 100000) {
  std::vector<Event> events;
  auto refused = format == ImportFormat::ics ? events_from_ics(text, kDefaults, events, max_events)
                                             : events_from_json_array(text, kDefaults, events, max_events);
  if (refused) return {"!" + refused->field + ": " + refused->message};
  std::vector<std::string> out;
  for (const auto& e : events) out.push_back(canonical_json(e));
  return out;
}

std::string json_events(int n, int bad_at = -1) {
  std::string s = "[\n";
  for (int i = 0; i < n; ++i) {
    if (i) s += ",\n";
    std::string id = "e" + std::to_string(i);
    if (i == bad_at) {
      s += "{\"id\":\"" + id + "\",\"name\":{\"fi\":\"Rikki\"},\"start_time\":\"not a time\"}";
      continue;
    }
    s += "{\"id\":\"" + id + "\",\"name\":{\"fi\":\"Tapahtuma " + std::to_string(i) + " – äöå\",\"sv\":\"Evenemang\"}," +
         "\"description\":{\"fi\":\"<p>Rivi \\\"lainattu\\\" ja \\\\ kenoviiva</p>\"}," +
         "\"start_time\":\"2027-0" + std::to_string(1 + i % 9) + "-1" + std::to_string(i % 10) + "T18:00:00+02:00\"," +
         "\"keywords\":[\"music\",\"k" + std::to_string(i % 3) + "\"]}";
  }
  return s + "\n]\n";
}

// `apart`: the series' changed occurrence comes after another event (as
// some exports write it), not right after the series.
std::string ics_events(bool apart = false) {
  std::string s =
      "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
      "BEGIN:VTIMEZONE\r\nTZID:Europe/Helsinki\r\nBEGIN:STANDARD\r\nDTSTART:19701025T040000\r\n"
      "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\nTZOFFSETFROM:+0300\r\nTZOFFSETTO:+0200\r\nEND:STANDARD\r\n"
      "BEGIN:DAYLIGHT\r\nDTSTART:19700329T030000\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r\n"
      "TZOFFSETFROM:+0200\r\nTZOFFSETTO:+0300\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\n";
  for (int i = 0; i < 30; ++i) {
    s += "BEGIN:VEVENT\r\nUID:u" + std::to_string(i) + "@example.org\r\nDTSTAMP:20260101T000000Z\r\n" +
         "DTSTART;TZID=Europe/Helsinki:202701" + std::to_string(10 + i % 18) + "T180000\r\n" +
         "SUMMARY:Konsertti " + std::to_string(i) + " with a summary long enough to be folded by the wr\r\n" +
         " iter of this test\\, twice over\\; and more\r\n" + "END:VEVENT\r\n";
  }
  // A weekly series and one changed occurrence of it.
  const std::string series =
      "BEGIN:VEVENT\r\nUID:series@example.org\r\nDTSTAMP:20260101T000000Z\r\n"
      "DTSTART;TZID=Europe/Helsinki:20270105T170000\r\nRRULE:FREQ=WEEKLY;COUNT=5\r\nSUMMARY:Kuoro\r\nEND:VEVENT\r\n";
  const std::string other =
      "BEGIN:VEVENT\r\nUID:other@example.org\r\nDTSTAMP:20260101T000000Z\r\n"
      "DTSTART;VALUE=DATE:20270301\r\nSUMMARY:Other\r\nEND:VEVENT\r\n";
  const std::string changed =
      "BEGIN:VEVENT\r\nUID:series@example.org\r\nDTSTAMP:20260101T000000Z\r\n"
      "RECURRENCE-ID;TZID=Europe/Helsinki:20270112T170000\r\n"
      "DTSTART;TZID=Europe/Helsinki:20270112T190000\r\nSUMMARY:Kuoro (myöhemmin)\r\nEND:VEVENT\r\n";
  s += apart ? series + other + changed : series + changed + other;
  return s + "END:VCALENDAR\r\n";
}

void json_streams_as_the_whole_reader_reads(void**) {
  const std::string text = json_events(40);
  auto expected = whole(text, ImportFormat::json_array);
  assert_int_equal(expected.size(), 40);
  for (std::size_t chunk : {1, 7, 4096}) assert_true(streamed(text, ImportFormat::json_array, chunk) == expected);
}

void ics_streams_as_the_whole_reader_reads(void**) {
  const std::string text = ics_events();
  auto expected = whole(text, ImportFormat::ics);
  assert_true(expected.size() >= 32);
  assert_true(expected.front()[0] != '!');
  for (std::size_t chunk : {1, 7, 4096}) {
    auto got = streamed(text, ImportFormat::ics, chunk);
    if (got != expected) {
      print_message("chunk %zu: %zu events, expected %zu\n", chunk, got.size(), expected.size());
      for (std::size_t i = 0; i < std::min(got.size(), expected.size()); ++i)
        if (got[i] != expected[i]) print_message("%zu:\n got %s\nwant %s\n", i, got[i].c_str(), expected[i].c_str());
    }
    assert_true(got == expected);
  }
}

// The stream refuses where the whole reader does: the events before the
// bad one come first, then the refusal naming the element.
void json_refusals(void**) {
  auto bad = streamed(json_events(10, 6), ImportFormat::json_array, 7);
  assert_int_equal(bad.size(), 7);
  assert_true(bad.back()[0] == '!');
  assert_true(bad.back().find("[6]") != std::string::npos);
  assert_true(whole(json_events(10, 6), ImportFormat::json_array).front().find("[6]") != std::string::npos);

  std::string truncated = json_events(5);
  truncated.resize(truncated.size() - 20);
  auto cut = streamed(truncated, ImportFormat::json_array, 4096);
  assert_true(cut.back()[0] == '!');
  assert_true(whole(truncated, ImportFormat::json_array).front()[0] == '!');

  auto after = streamed(json_events(3) + "garbage", ImportFormat::json_array, 3);
  assert_true(after.back()[0] == '!');
  auto not_array = streamed("{\"id\":\"x\"}", ImportFormat::json_array, 4096);
  assert_int_equal(not_array.size(), 1);
  assert_true(not_array.back()[0] == '!');
  // More events than allowed: refused, as the whole reader refuses.
  auto many = streamed(json_events(12), ImportFormat::json_array, 4096, 10);
  assert_true(many.back()[0] == '!');
  assert_true(whole(json_events(12), ImportFormat::json_array, 10).front()[0] == '!');
}

// A changed occurrence apart from its series: the stream refuses it, and
// says the whole text may be fine (civicctl then imports it whole).
void ics_series_apart(void**) {
  const std::string text = ics_events(true);
  auto expected = whole(text, ImportFormat::ics);
  assert_true(expected.front()[0] != '!');
  auto stream = open_event_stream(ImportFormat::ics, chunks_of(std::make_shared<const std::string>(text), 4096),
                                  kDefaults, 100000);
  Event e;
  FieldError error;
  StreamStep step;
  while ((step = stream->next(e, error)) == StreamStep::event) {
  }
  assert_int_equal(step, StreamStep::refused);
  assert_string_equal(error.field.c_str(), "RECURRENCE-ID");
  assert_true(stream->needs_whole_text());
  // A plain refusal does not ask for the whole text.
  auto bad = open_event_stream(ImportFormat::ics, chunks_of(std::make_shared<const std::string>("nonsense\r\n"), 4096),
                               kDefaults, 100000);
  assert_int_equal(bad->next(e, error), StreamStep::refused);
  assert_false(bad->needs_whole_text());
}

void ics_refusals(void**) {
  std::string text = ics_events();
  std::string unterminated = text.substr(0, text.find("END:VEVENT", text.size() / 2));
  auto cut = streamed(unterminated, ImportFormat::ics, 7);
  assert_true(cut.back()[0] == '!');
  assert_true(whole(unterminated, ImportFormat::ics).front()[0] == '!');
  auto garbage = streamed("this is not a calendar\r\n", ImportFormat::ics, 4096);
  assert_true(garbage.back()[0] == '!');
}

// import_streamed into a real store.
struct Fixture : test::TempStore {
  CalendarConfig cal;
};

int setup(void** state) {
  auto* f = new Fixture;
  if (!f->open(std::size_t{256} << 20)) return -1;
  f->cal.name = "city";
  f->cal.languages = {"fi", "sv"};
  f->cal.timezone = "Europe/Helsinki";
  *state = f;
  return 0;
}

StreamedImport import_text(Fixture& f, const std::string& text) {
  auto shared = std::make_shared<const std::string>(text);
  EventStreamOpener open = [shared]() {
    return open_event_stream(ImportFormat::json_array, chunks_of(shared, 4096), kDefaults, kMaxFileImportEvents);
  };
  return import_streamed(*f.store, f.cal, open, ImportFormat::json_array, 1000,
                         seconds_from_civil({2026, 11, 1, 12, 0, 0}) * 1000000, 2);
}

std::uint64_t live_events(Fixture& f) {
  auto txn = storage::Txn::begin_read(f.store->env());
  auto state = storage::events::read_state(*txn, f.store->db(), f.cal.name);
  if (!state) fail_msg("%s", state.error().message().c_str());
  return state.value() ? state.value()->live : 0;
}

void a_refused_file_writes_nothing(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  auto done = import_text(f, json_events(2500, 2400));
  assert_true(std::holds_alternative<FieldError>(done.outcome));
  assert_true(std::get<FieldError>(done.outcome).field.find("[2400]") != std::string::npos);
  assert_int_equal(done.committed, 0);
  assert_int_equal(live_events(f), 0);
}

void a_good_file_is_imported_in_batches(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  auto done = import_text(f, json_events(2500));
  assert_true(std::holds_alternative<WriteCounts>(done.outcome));
  assert_int_equal(std::get<WriteCounts>(done.outcome).created, 2500);
  assert_int_equal(done.committed, 2500);
  assert_int_equal(live_events(f), 2500);
  // Again: every event is there already.
  done = import_text(f, json_events(2500));
  assert_int_equal(std::get<WriteCounts>(done.outcome).unchanged, 2500);
  assert_int_equal(live_events(f), 2500);
}

// The file changes between the two passes (the second is read ahead, on a
// thread of its own): the batches before the bad event stay, the rest and
// the bad event's own batch are not written, and the refusal says why.
void a_file_changed_between_the_passes(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  auto good = std::make_shared<const std::string>(json_events(2500));
  auto changed = std::make_shared<const std::string>(json_events(2500, 2400));
  int opened = 0;
  EventStreamOpener open = [&]() {
    return open_event_stream(ImportFormat::json_array, chunks_of(opened++ == 0 ? good : changed, 4096), kDefaults,
                             kMaxFileImportEvents);
  };
  auto done = import_streamed(*f.store, f.cal, open, ImportFormat::json_array, 1000,
                              seconds_from_civil({2026, 11, 1, 12, 0, 0}) * 1000000, 2);
  assert_int_equal(opened, 2);
  assert_true(std::holds_alternative<FieldError>(done.outcome));
  const FieldError& refused = std::get<FieldError>(done.outcome);
  assert_true(refused.field.find("[2400]") != std::string::npos);
  assert_true(refused.message.find("(the file changed while it was imported)") != std::string::npos);
  assert_int_equal(done.committed, 2000);
  assert_int_equal(live_events(f), 2000);
}

// A streamed replacement: the file's events upserted, then the live events
// it does not hold deleted in batches; tombstones are not counted again.
void a_streamed_replacement(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  auto done = import_text(f, json_events(2500));
  assert_int_equal(std::get<WriteCounts>(done.outcome).created, 2500);
  auto shared = std::make_shared<const std::string>(json_events(1200));
  EventStreamOpener open = [shared]() {
    return open_event_stream(ImportFormat::json_array, chunks_of(shared, 4096), kDefaults, kMaxFileImportEvents);
  };
  auto replace = [&] {
    return import_streamed(*f.store, f.cal, open, ImportFormat::json_array, 1000,
                           seconds_from_civil({2026, 11, 2, 12, 0, 0}) * 1000000, 2, WriteMode::replace);
  };
  done = replace();
  assert_true(std::holds_alternative<WriteCounts>(done.outcome));
  const WriteCounts& counts = std::get<WriteCounts>(done.outcome);
  assert_int_equal(counts.unchanged, 1200);
  assert_int_equal(counts.deleted, 1300);
  assert_string_equal(write_counts_json(counts).c_str(),
                      "{\"created\":0,\"updated\":0,\"unchanged\":1200,\"deleted\":1300}");
  assert_int_equal(live_events(f), 1200);
  done = replace();
  assert_int_equal(std::get<WriteCounts>(done.outcome).deleted, 0);
  assert_int_equal(live_events(f), 1200);
}

}  // namespace

int main() {
  init_timezones();
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(json_streams_as_the_whole_reader_reads),
      cmocka_unit_test(ics_streams_as_the_whole_reader_reads),
      cmocka_unit_test(json_refusals),
      cmocka_unit_test(ics_series_apart),
      cmocka_unit_test(ics_refusals),
      cmocka_unit_test_setup_teardown(a_refused_file_writes_nothing, setup, test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(a_good_file_is_imported_in_batches, setup, test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(a_file_changed_between_the_passes, setup, test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(a_streamed_replacement, setup, test::delete_fixture<Fixture>),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
