// Events in a real LMDB store: upserts and what the server keeps, tombstones,
// the time indexes (long exhibitions, series past their horizon), and feeds.
#include <atomic>
#include <chrono>
#include <cstring>
#include <thread>
#include <string>
#include <vector>

#include "calendar/model/calendar_config.hpp"
#include "calendar/query/calendar_feed.hpp"
#include "calendar/service/calendar_writer.hpp"
#include "calendar/formats/event_json.hpp"
#include "calendar/formats/html_text.hpp"
#include "calendar/model/timezone.hpp"
#include "storage/event_keys.hpp"
#include "storage/event_store.hpp"
#include "storage/store_check.hpp"
#include "storage/store.hpp"
#include "tests/support/temp_store.hpp"
#include "tests/support/cmocka.hpp"  // last

using namespace civic;
using namespace civic::calendar;

namespace {

struct Fixture : test::TempStore {
  CalendarConfig cal;
};

int setup(void** state) {
  auto* f = new Fixture;
  if (!f->open()) return -1;
  f->cal.name = "culture";
  f->cal.languages = {"fi", "sv", "en"};
  f->cal.timezone = "Europe/Helsinki";
  f->cal.refresh_seconds = 21600;
  f->cal.title.set("fi", "Kulttuuri");
  *state = f;
  return 0;
}

constexpr std::int64_t kSecond = 1000000;
const std::int64_t kNow = seconds_from_civil({2026, 11, 1, 12, 0, 0}) * kSecond;

Event parse(const std::string& json) {
  Event e;
  auto err = event_from_json(json, EventDefaults{"fi", "Europe/Helsinki"}, e);
  if (err) fail_msg("%s: %s", err->field.c_str(), err->message.c_str());
  return e;
}

WriteCounts put(Fixture& f, std::vector<Event> events, std::int64_t now = kNow) {
  auto counts = upsert_events(*f.store, f.cal, events, now);
  if (!counts) fail_msg("%s", counts.error().message().c_str());
  return *counts;
}

std::string event_json(const std::string& id, const std::string& start, const std::string& end = "",
                       const std::string& extra = "") {
  std::string j = "{\"id\":\"" + id + "\",\"name\":{\"fi\":\"Tapahtuma " + id + "\",\"en\":\"Event " + id +
                  "\"},\"start_time\":\"" + start + "\"";
  if (!end.empty()) j += ",\"end_time\":\"" + end + "\"";
  return j + extra + "}";
}

std::string feed(Fixture& f, const std::string& args, std::int64_t now_s = kNow / kSecond) {
  FeedQuery q;
  auto err = parse_feed_query(args, f.cal, now_s, q);
  if (err) fail_msg("%s", err->message.c_str());
  auto txn = storage::Txn::begin_read(f.store->env());
  auto answer = build_ics_feed(*txn, f.store->db(), f.cal, q, kUnlimited);
  if (!answer) fail_msg("%s", answer.error().message().c_str());
  return answer->body.str();  // while the transaction is open
}

int count(const std::string& body, const char* what) {
  int n = 0;
  for (std::size_t pos = body.find(what); pos != std::string::npos; pos = body.find(what, pos + 1)) ++n;
  return n;
}

storage::CalendarState state_of(Fixture& f) {
  auto txn = storage::Txn::begin_read(f.store->env());
  auto s = storage::events::read_state(*txn, f.store->db(), f.cal.name);
  if (!s || !s.value()) fail_msg("no state");
  return **s;
}

void upsert_keeps_sequence_and_times(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  WriteCounts c = put(f, {parse(event_json("a", "2026-12-05T18:00:00+02:00"))});
  assert_int_equal(c.created, 1);
  auto s1 = state_of(f);
  assert_int_equal(s1.live, 1);
  // The same content again: nothing written, SEQUENCE stays.
  c = put(f, {parse(event_json("a", "2026-12-05T18:00:00+02:00"))}, kNow + kSecond);
  assert_int_equal(c.unchanged, 1);
  assert_int_equal(state_of(f).version, s1.version);
  // A change: SEQUENCE + 1, created kept.
  std::vector<Event> changed{parse(event_json("a", "2026-12-05T19:00:00+02:00"))};
  auto counts = upsert_events(*f.store, f.cal, changed, kNow + 2 * kSecond);
  assert_true(counts.ok());
  assert_int_equal(counts->updated, 1);
  assert_int_equal(changed[0].sequence, 1);
  assert_int_equal(changed[0].created_us, kNow);
  assert_int_equal(changed[0].modified_us, kNow + 2 * kSecond);
  auto s2 = state_of(f);
  assert_true(s2.version > s1.version);
  assert_true(s2.http_modified > s1.http_modified);
  // A SEQUENCE sent higher than ours is taken as a floor.
  c = put(f, {parse(event_json("a", "2026-12-05T20:00:00+02:00", "", ",\"sequence\":9"))}, kNow + 3 * kSecond);
  std::string body = feed(f, "");
  assert_non_null(strstr(body.c_str(), "SEQUENCE:9\r\n"));
  assert_non_null(strstr(body.c_str(), "DTSTAMP:20261101T120003Z\r\n"));
  assert_non_null(strstr(body.c_str(), "CREATED:20261101T120000Z\r\n"));
}

// RFC 5545 §3.8.7.4: SEQUENCE is a 32-bit signed INTEGER; at its top the
// count stays there rather than become a number clients misread.
void sequence_stops_at_int32_max(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  put(f, {parse(event_json("a", "2026-12-05T18:00:00+02:00", "", ",\"sequence\":2147483646"))});
  std::vector<Event> changed{parse(event_json("a", "2026-12-05T19:00:00+02:00"))};
  assert_true(upsert_events(*f.store, f.cal, changed, kNow + kSecond).ok());
  assert_int_equal(changed[0].sequence, 2147483647);
  changed = {parse(event_json("a", "2026-12-05T20:00:00+02:00"))};
  assert_true(upsert_events(*f.store, f.cal, changed, kNow + 2 * kSecond).ok());
  assert_int_equal(changed[0].sequence, 2147483647);
  std::string body = feed(f, "");
  assert_non_null(strstr(body.c_str(), "SEQUENCE:2147483647\r\n"));
  auto deleted = delete_event(*f.store, f.cal, "a", kNow + 3 * kSecond);
  assert_true(deleted.ok() && *deleted);
  auto txn = storage::Txn::begin_read(f.store->env());
  auto v = storage::events::get(*txn, f.store->db(), "culture", "a");
  assert_true(v.ok() && v.value());
  assert_int_equal(v.value()->sequence, 2147483647);
}

// An event whose every occurrence is excluded is live but in no list: the
// state counts it apart, so that a list's count is right without a scan.
void events_without_occurrences_are_not_listed(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  const std::string series =
      ",\"recurrence\":{\"rrule\":\"FREQ=WEEKLY;COUNT=2\",\"exdate\":[\"2026-12-05T18:00:00+02:00\","
      "\"2026-12-12T18:00:00+02:00\"]}";
  put(f, {parse(event_json("a", "2026-12-05T18:00:00+02:00")),
          parse(event_json("never", "2026-12-05T18:00:00+02:00", "", series))});
  auto s = state_of(f);
  assert_int_equal(s.live, 2);
  assert_int_equal(s.listed, 1);
  // Given an occurrence back, it is listed; deleted, neither.
  put(f, {parse(event_json("never", "2026-12-05T18:00:00+02:00"))}, kNow + kSecond);
  assert_int_equal(state_of(f).listed, 2);
  auto deleted = delete_event(*f.store, f.cal, "never", kNow + 2 * kSecond);
  assert_true(deleted.ok() && *deleted);
  s = state_of(f);
  assert_int_equal(s.live, 1);
  assert_int_equal(s.listed, 1);
}

void delete_leaves_a_tombstone_then_purges_it(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  put(f, {parse(event_json("a", "2026-12-05T18:00:00+02:00")), parse(event_json("b", "2026-12-06T18:00:00+02:00"))});
  auto deleted = delete_event(*f.store, f.cal, "a", kNow + kSecond);
  assert_true(deleted.ok() && *deleted);
  auto again = delete_event(*f.store, f.cal, "a", kNow + 2 * kSecond);
  assert_true(again.ok() && !*again);
  auto s = state_of(f);
  assert_int_equal(s.live, 1);
  assert_int_equal(s.deleted, 1);
  std::string body = feed(f, "");
  assert_int_equal(count(body, "BEGIN:VEVENT"), 1);
  assert_null(strstr(body.c_str(), "UID:a\r\n"));
  {
    auto txn = storage::Txn::begin_read(f.store->env());
    auto v = storage::events::get(*txn, f.store->db(), "culture", "a");
    assert_true(v.ok() && v.value() && v.value()->deleted());
    assert_int_equal(v.value()->sequence, 1);
  }
  // A write 91 days later purges it.
  put(f, {parse(event_json("c", "2027-03-01T18:00:00+02:00"))}, kNow + 91ll * 86400 * kSecond);
  auto txn = storage::Txn::begin_read(f.store->env());
  auto v = storage::events::get(*txn, f.store->db(), "culture", "a");
  assert_true(v.ok() && !v.value());
  assert_int_equal(state_of(f).deleted, 0);
}

void windows_find_short_long_and_recurring(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  put(f, {
             parse(event_json("concert", "2026-12-05T18:00:00+02:00", "2026-12-05T20:00:00+02:00")),
             parse(event_json("exhibition", "2026-10-01", "2027-01-31")),
             parse(event_json("later", "2027-02-01T18:00:00+02:00")),
             parse(event_json("choir", "2026-11-03T18:00:00+02:00", "2026-11-03T19:00:00+02:00",
                              R"(,"recurrence":{"rrule":"FREQ=WEEKLY;COUNT=10"})")),
             // Daily since 2010: more than the 5000 occurrences materialized.
             parse(event_json("daily", "2010-01-01T07:00:00+02:00", "", R"(,"recurrence":{"rrule":"FREQ=DAILY"})")),
         });
  std::string week = feed(f, "start=2026-12-01&end=2026-12-07");
  assert_non_null(strstr(week.c_str(), "UID:concert\r\n"));
  assert_non_null(strstr(week.c_str(), "UID:exhibition\r\n"));  // began two months earlier
  assert_non_null(strstr(week.c_str(), "UID:choir\r\n"));       // the 1 December occurrence
  assert_non_null(strstr(week.c_str(), "UID:daily\r\n"));       // found past its materialized part
  assert_null(strstr(week.c_str(), "UID:later\r\n"));
  assert_int_equal(count(week, "BEGIN:VEVENT"), 4);
  // The choir's last occurrence is 5 January: not in February.
  std::string feb = feed(f, "start=2027-02-01&end=2027-02-02");
  assert_null(strstr(feb.c_str(), "UID:choir\r\n"));
  assert_non_null(strstr(feb.c_str(), "UID:later\r\n"));
  assert_non_null(strstr(feb.c_str(), "UID:daily\r\n"));
  // Overlap is strict: an event that ends when the window starts is not in it.
  std::string after = feed(f, "start=2026-12-05T20:00:00%2B02:00&end=2026-12-05T21:00:00%2B02:00");
  assert_null(strstr(after.c_str(), "UID:concert\r\n"));
  // A small budget sends the request to the thread pool.
  FeedQuery q;
  assert_false(parse_feed_query("start=2026-12-01&end=2026-12-07", f.cal, kNow / kSecond, q).has_value());
  auto txn = storage::Txn::begin_read(f.store->env());
  auto small = build_ics_feed(*txn, f.store->db(), f.cal, q, 2);
  assert_true(small.ok() && small->over_budget && small->body.size() == 0);
}

void feeds_are_complete_and_stable(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  put(f, {parse(event_json("a", "2026-12-05T18:00:00+02:00", "", R"(,"keywords":["music"])")),
          parse(event_json("b", "2026-12-24", "", R"(,"keywords":["xmas"],"event_status":"EventCancelled")")),
          parse(event_json("c", "2026-12-06T18:00:00Z", "", R"(,"timezone":"UTC","description":{"fi":"<p>Hei <b>kaikki</b></p>"})"))});
  std::string body = feed(f, "");
  assert_true(body.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
  assert_true(body.ends_with("END:VCALENDAR\r\n"));
  assert_int_equal(count(body, "BEGIN:VTIMEZONE"), 1);  // Helsinki only: UTC and dates need none
  assert_non_null(strstr(body.c_str(), "TZID:Europe/Helsinki\r\n"));
  assert_non_null(strstr(body.c_str(), "DTSTART;TZID=Europe/Helsinki:20261205T180000\r\n"));
  assert_non_null(strstr(body.c_str(), "DTSTART;VALUE=DATE:20261224\r\nDTEND;VALUE=DATE:20261225\r\n"));
  assert_non_null(strstr(body.c_str(), "DTSTART:20261206T180000Z\r\n"));
  assert_non_null(strstr(body.c_str(), "STATUS:CANCELLED\r\n"));
  assert_non_null(strstr(body.c_str(), "DESCRIPTION;LANGUAGE=fi:Hei kaikki\r\n"));
  assert_non_null(strstr(body.c_str(), "REFRESH-INTERVAL;VALUE=DURATION:PT6H\r\nX-PUBLISHED-TTL:PT6H\r\n"));
  assert_int_equal(count(body, "ORGANIZER;CN=Kulttuuri:mailto:noreply@invalid\r\n"), 3);
  assert_string_equal(feed(f, "").c_str(), body.c_str());  // byte-identical
  std::string en = feed(f, "lang=en");
  assert_non_null(strstr(en.c_str(), "SUMMARY;LANGUAGE=en:Event a\r\n"));
  std::string sv = feed(f, "lang=sv");  // no Swedish texts: Finnish, the first fallback
  assert_non_null(strstr(sv.c_str(), "SUMMARY;LANGUAGE=fi:Tapahtuma a\r\n"));
  std::string music = feed(f, "keyword=music");
  assert_int_equal(count(music, "BEGIN:VEVENT"), 1);
  std::string notmusic = feed(f, "keyword!=music&event_status=EventCancelled");
  assert_int_equal(count(notmusic, "BEGIN:VEVENT"), 1);
  assert_non_null(strstr(notmusic.c_str(), "UID:b\r\n"));
  std::string text = feed(f, "text=KAIKKI");
  assert_int_equal(count(text, "BEGIN:VEVENT"), 1);
  // The calendar's languages or organizer change: stored VEVENTs are rendered again on read.
  f.cal.languages = {"en", "fi"};
  f.cal.organizer = "mailto:tapahtumat@example.org";
  std::string changed = feed(f, "");
  assert_non_null(strstr(changed.c_str(), "SUMMARY;LANGUAGE=en:Event a\r\n"));
  assert_int_equal(count(changed, "ORGANIZER;CN=Kulttuuri:mailto:tapahtumat@example.org\r\n"), 3);
}

void validators_change_with_the_store_only(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  put(f, {parse(event_json("a", "2026-12-05T18:00:00+02:00"))});
  FeedQuery q;
  assert_false(parse_feed_query("", f.cal, kNow / kSecond, q).has_value());
  auto v1 = make_validators(f.store->id(), f.cal, state_of(f), "feed", q, "ics");
  auto v2 = make_validators(f.store->id(), f.cal, state_of(f), "feed", q, "ics");
  assert_string_equal(v1.etag.c_str(), v2.etag.c_str());
  assert_int_equal(v1.etag.size(), 18);
  auto other = make_validators(f.store->id(), f.cal, state_of(f), "event:a", q, "ics");
  assert_string_not_equal(v1.etag.c_str(), other.etag.c_str());
  put(f, {parse(event_json("b", "2026-12-05T18:00:00+02:00"))}, kNow + kSecond);
  auto v3 = make_validators(f.store->id(), f.cal, state_of(f), "feed", q, "ics");
  assert_string_not_equal(v1.etag.c_str(), v3.etag.c_str());
  assert_true(v3.last_modified > v1.last_modified);
}

// An import renders its events before it takes the write lock; an event
// written meanwhile must be seen by it (decided again under the lock), not
// overwritten as if it were new: whichever order the two land in, the event
// ends with SEQUENCE 1 (created by one, changed by the other).
void a_write_during_an_import_is_not_lost(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  std::vector<Event> import;
  for (int i = 0; i < 3000; ++i)
    import.push_back(parse(event_json("i" + std::to_string(i), "2026-12-01T18:00:00+02:00")));
  import.push_back(parse(event_json("x", "2026-12-05T18:00:00+02:00")));
  std::atomic<bool> started{false};
  civic::Result<WriteCounts> imported = WriteCounts{};
  std::thread importer([&] {
    started = true;
    imported = upsert_events(*f.store, f.cal, import, kNow);
  });
  while (!started) std::this_thread::yield();
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  std::vector<Event> one{parse(event_json("x", "2026-12-06T18:00:00+02:00"))};
  auto written = upsert_events(*f.store, f.cal, one, kNow + kSecond);
  importer.join();
  assert_true(imported.ok());
  assert_true(written.ok());
  assert_int_equal(imported->created + imported->updated, 3001);
  auto txn = storage::Txn::begin_read(f.store->env());
  auto x = storage::events::get(*txn, f.store->db(), "culture", "x");
  assert_true(x.ok() && x.value().has_value());
  assert_int_equal(x.value()->sequence, 1);
  auto state_after = storage::events::read_state(*txn, f.store->db(), "culture");
  assert_int_equal(state_after.value()->live, 3001);
}

// The keys of `db` that start with the calendar's name.
std::vector<std::string> keys_of(storage::Store& store, storage::Db db) {
  std::vector<std::string> out;
  auto txn = storage::Txn::begin_read(store.env());
  auto st = storage::for_each_with_prefix(*txn, db, storage::event_keys::cal_prefix("culture"),
                                          [&](const storage::Entry& e) {
                                            out.emplace_back(e.key);
                                            return true;
                                          });
  if (!st) fail_msg("%s", st.error().message().c_str());
  return out;
}

std::string problems_of(storage::Store& store) {
  auto report = storage::check_store(store);
  if (!report) fail_msg("%s", report.error().message().c_str());
  std::string all;
  for (const auto& p : report->problems) all += p + "\n";
  return all;
}

void verify_finds_missing_and_stray_index_entries(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  put(f, {parse(event_json("short", "2026-12-05T18:00:00+02:00")),
          parse(event_json("long", "2026-12-01T10:00:00+02:00", "2026-12-20T18:00:00+02:00")),
          parse(event_json("gone", "2026-12-07T18:00:00+02:00"))});
  assert_true(delete_event(*f.store, f.cal, "gone", kNow + kSecond).ok());
  assert_string_equal(problems_of(*f.store).c_str(), "");

  const storage::Databases& db = f.store->db();
  auto long_entries = keys_of(*f.store, db.event_long);
  auto tombstones = keys_of(*f.store, db.event_tombstones);
  assert_true(long_entries.size() >= 3);  // one a week the exhibition spans
  assert_int_equal(tombstones.size(), 1);
  {
    auto txn = storage::Txn::begin_write(f.store->env());
    assert_true(txn->del(db.event_long, long_entries[1]).ok());
    assert_true(txn->del(db.event_tombstones, tombstones[0]).ok());
    assert_true(txn->put(db.event_series, storage::event_keys::event_key("culture", "nosuch"), "x").ok());
    assert_true(txn->commit().ok());
  }
  std::string all = problems_of(*f.store);
  print_message("%s", all.c_str());
  assert_non_null(strstr(all.c_str(), "events: culture long: long occurrence at "));
  assert_non_null(strstr(all.c_str(), "is missing from event_long"));
  assert_non_null(strstr(all.c_str(), "events: culture gone: is deleted but has no event_tombstones entry"));
  assert_non_null(strstr(all.c_str(), "event_series: culture\\x00nosuch\\x00 names no event"));
  assert_non_null(strstr(all.c_str(), "calendar \"culture\": 0 event_tombstones entries where the events need 1"));
  assert_non_null(strstr(all.c_str(), "calendar \"culture\": 1 event_series entries where the events need 0"));
}


// Two followers of one replica's source overlapping (a run longer than its
// interval; a server restarting mid-run): the slower one's page, read
// before the primary changed an event, comes after the newer version was
// written. The newer version stays; an older deletion does not remove it.
void an_older_followed_page_does_not_undo_a_newer_one(void** state) {
  Fixture& f = *static_cast<Fixture*>(*state);
  auto version = [&](const std::string& name, std::int64_t modified_us) {
    Event e = parse(event_json("e1", "2026-12-05T18:00:00+02:00", "", ",\"description\":{\"fi\":\"" + name + "\"}"));
    e.created_us = kNow;
    e.modified_us = modified_us;
    e.sequence = 1;
    return e;
  };
  auto write = [&](Event e, std::vector<FollowedDeletion> gone = {}) {
    std::vector<Event> events;
    if (!e.id.empty()) events.push_back(std::move(e));
    auto counts = write_followed(*f.store, f.cal, events, gone, true, nullptr, kNow + 10 * kSecond);
    if (!counts) fail_msg("%s", counts.error().message().c_str());
    return *counts;
  };
  auto stored_name = [&]() {
    auto txn = storage::Txn::begin_read(f.store->env());
    auto e = storage::events::get(*txn, f.store->db(), "culture", "e1");
    assert_true(e.ok() && e.value().has_value());
    std::string buffer;
    auto json = (*e.value()).model_json(buffer);
    return json ? std::string(*json) : std::string();
  };
  write(version("Uusi", kNow + 5 * kSecond));
  WriteCounts older = write(version("Vanha", kNow + 2 * kSecond));
  assert_int_equal(older.updated + older.created, 0);
  assert_non_null(std::strstr(stored_name().c_str(), "Uusi"));
  assert_null(std::strstr(stored_name().c_str(), "Vanha"));
  WriteCounts gone = write(Event{}, {FollowedDeletion{"e1", kNow + 3 * kSecond}});
  assert_int_equal(gone.deleted, 0);
  assert_non_null(std::strstr(stored_name().c_str(), "Uusi"));
  // A newer version and a newer deletion do apply.
  WriteCounts newer = write(version("Uusin", kNow + 6 * kSecond));
  assert_int_equal(newer.updated, 1);
  assert_non_null(std::strstr(stored_name().c_str(), "Uusin"));
  WriteCounts deleted = write(Event{}, {FollowedDeletion{"e1", kNow + 7 * kSecond}});
  assert_int_equal(deleted.deleted, 1);
}

}  // namespace

int main() {
  init_timezones();
  init_html_parser();
  const CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(upsert_keeps_sequence_and_times, setup, test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(an_older_followed_page_does_not_undo_a_newer_one, setup, test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(sequence_stops_at_int32_max, setup, test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(events_without_occurrences_are_not_listed, setup, test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(delete_leaves_a_tombstone_then_purges_it, setup, test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(windows_find_short_long_and_recurring, setup, test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(feeds_are_complete_and_stable, setup, test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(validators_change_with_the_store_only, setup, test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(a_write_during_an_import_is_not_lost, setup, test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(verify_finds_missing_and_stray_index_entries, setup, test::delete_fixture<Fixture>),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
