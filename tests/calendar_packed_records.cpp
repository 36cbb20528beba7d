// Packed event records (storage/event_dictionaries.hpp): a calendar gets a
// dictionary at its thousandth event, every record is packed with it from
// then on, and every text reads back exactly as it was rendered; damage and
// a missing dictionary are found by verify.
#include <string>
#include <vector>

#include "calendar/formats/event_json.hpp"
#include "calendar/model/calendar_config.hpp"
#include "calendar/model/timezone.hpp"
#include "calendar/query/calendar_feed.hpp"
#include "calendar/query/feed_query.hpp"
#include "calendar/service/calendar_writer.hpp"
#include "calendar/stored/event_record.hpp"
#include "storage/event_dictionaries.hpp"
#include "storage/event_keys.hpp"
#include "storage/event_store.hpp"
#include "storage/store_check.hpp"
#include "tests/support/temp_store.hpp"
#include "tests/support/cmocka.hpp"  // last

using namespace civic;
using namespace civic::calendar;

namespace {

constexpr std::int64_t kSecond = 1000000;
const std::int64_t kNow = seconds_from_civil({2026, 11, 1, 12, 0, 0}) * kSecond;
const char* const kPlaces[] = {"Turun konserttitalo", "Åbo stadsbibliotek", "Logomo", "Turku Castle"};
const char* const kKinds[] = {"Konsertti", "Näyttely", "Luento", "Satutunti", "Työpaja"};

struct Fixture : test::TempStore {
  CalendarConfig cal;
};

int setup(void** state) {
  auto* f = new Fixture;
  if (!f->open(std::size_t{256} << 20)) return -1;
  f->cal.name = "city";
  f->cal.languages = {"fi", "sv", "en"};
  f->cal.timezone = "Europe/Helsinki";
  f->cal.title.set("fi", "Tapahtumat");
  *state = f;
  return 0;
}

// Event i: texts in three languages, a place, keywords, a price; events 0
// to 998 in 2027, the others in 2028 (so a feed of 2027 is the same before
// and after the thousandth).
Event generated(int i) {
  std::string n = std::to_string(i);
  std::string kind = kKinds[i % 5], place = kPlaces[i % 4];
  int month = 1 + i % 12, day = 1 + i % 28;
  char start[64];
  std::snprintf(start, sizeof start, "%d-%02d-%02dT%02d:%02d:00+02:00", i < 999 ? 2027 : 2028, month, day, 9 + i % 10,
                (i % 4) * 15);
  std::string json = "{\"id\":\"e" + n + "\",\"name\":{\"fi\":\"" + kind + ": " + place + " #" + n +
                     "\",\"sv\":\"Evenemang " + n + "\",\"en\":\"Event " + n + "\"},\"description\":{\"fi\":\"<p>" +
                     kind + " paikassa <b>" + place + "</b>, numero " + n +
                     ".</p>\",\"en\":\"<p>Welcome to event " + n + ".</p>\"},\"start_time\":\"" + start +
                     "\",\"location\":{\"id\":\"p" + std::to_string(i % 4) + "\",\"name\":{\"fi\":\"" + place +
                     "\"}},\"keywords\":[\"k" + std::to_string(i % 7) + "\",\"music\"],\"offers\":[{\"is_free\":" +
                     (i % 3 ? "false" : "true") + ",\"price\":{\"fi\":\"" + std::to_string(i % 20) + " €\"}}]}";
  Event e;
  auto err = event_from_json(json, EventDefaults{"fi", "Europe/Helsinki"}, e);
  if (err) fail_msg("%s: %s", err->field.c_str(), err->message.c_str());
  return e;
}

void put_range(Fixture& f, int from, int to) {
  std::vector<Event> events;
  for (int i = from; i < to; ++i) events.push_back(generated(i));
  auto counts = upsert_events(*f.store, f.cal, events, kNow);
  if (!counts) fail_msg("%s", counts.error().message().c_str());
}

std::string feed(Fixture& f, const std::string& args) {
  FeedQuery q;
  auto err = parse_feed_query(args, f.cal, kNow / kSecond, q);
  if (err) fail_msg("%s", err->message.c_str());
  auto txn = storage::Txn::begin_read(f.store->env());
  auto answer = build_ics_feed(*txn, f.store->db(), f.cal, q, kUnlimited);
  if (!answer) fail_msg("%s", answer.error().message().c_str());
  return answer->body.str();
}

// How many records are packed, and how many dictionaries the calendar has.
struct Packing {
  std::size_t packed = 0, plain = 0, dictionaries = 0;
};

Packing packing(Fixture& f) {
  Packing p;
  auto txn = storage::Txn::begin_read(f.store->env());
  auto st = storage::events::for_each(*txn, f.store->db(), f.cal.name, [&](const storage::EventView& v) {
    (v.packed() ? p.packed : p.plain)++;
    return true;
  });
  if (!st) fail_msg("%s", st.error().message().c_str());
  auto n = storage::event_dictionaries::count(*txn, f.store->db(), f.cal.name);
  if (!n) fail_msg("%s", n.error().message().c_str());
  p.dictionaries = *n;
  return p;
}

// Every stored text of events from..to equals what make_record renders
// for the event now; returns how many texts were compared.
std::size_t compare_texts(Fixture& f, int from, int to) {
  std::size_t compared = 0;
  auto txn = storage::Txn::begin_read(f.store->env());
  for (int i = from; i < to; ++i) {
    Event e = generated(i);
    auto got = storage::events::get(*txn, f.store->db(), f.cal.name, e.id);
    if (!got || !got.value()) fail_msg("event %d not read", i);
    auto stored = storage::events::record_of(**got);
    if (!stored) fail_msg("event %d does not unpack", i);
    e.created_us = e.modified_us = kNow;
    auto fresh = make_record(e, f.cal, kNow);
    if (stored->model_json != fresh.model_json) fail_msg("event %d: the JSON differs", i);
    if (stored->facts.search_text != fresh.facts.search_text) fail_msg("event %d: the search text differs", i);
    if (stored->renditions.size() != fresh.renditions.size()) fail_msg("event %d: renditions differ", i);
    for (std::size_t r = 0; r < fresh.renditions.size(); ++r) {
      const storage::Rendition& want = fresh.renditions[r];
      bool same = false;
      for (const auto& have : stored->renditions)
        if (have.kind == want.kind && have.lang == want.lang) same = have.text == want.text;
      if (!same) fail_msg("event %d: rendition %zu differs", i, r);
      storage::TextArena keep;
      auto one = got.value()->find_rendition(fresh.renditions[r].kind, fresh.renditions[r].lang,
                                             fresh.renditions[r].signature, keep);
      if (!one || *one != fresh.renditions[r].text) fail_msg("event %d: find_rendition %zu differs", i, r);
      ++compared;
    }
  }
  return compared;
}

std::size_t problems(Fixture& f) {
  auto report = storage::check_store(*f.store);
  if (!report) fail_msg("%s", report.error().message().c_str());
  return report->problems.size();
}

void packed_at_the_thousandth_event(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  put_range(f, 0, 999);
  Packing before = packing(f);
  assert_int_equal(before.plain, 999);
  assert_int_equal(before.packed, 0);
  assert_int_equal(before.dictionaries, 0);
  std::string fi_2027 = feed(f, "start=2027-01-01&end=2028-01-01");
  std::string sv_2027 = feed(f, "start=2027-01-01&end=2028-01-01&lang=sv");
  assert_true(fi_2027.size() > 500000);

  put_range(f, 999, 1000);  // the thousandth: a dictionary, and every record packed with it
  Packing at = packing(f);
  assert_int_equal(at.dictionaries, 1);
  assert_int_equal(at.packed, 1000);
  assert_int_equal(at.plain, 0);
  // The same feeds, byte for byte, from packed records.
  assert_true(feed(f, "start=2027-01-01&end=2028-01-01") == fi_2027);
  assert_true(feed(f, "start=2027-01-01&end=2028-01-01&lang=sv") == sv_2027);

  put_range(f, 1000, 1200);  // packed as they are written
  Packing after = packing(f);
  assert_int_equal(after.dictionaries, 1);
  assert_int_equal(after.packed, 1200);
  assert_int_equal(compare_texts(f, 0, 1200), 1200u * 13);
  assert_int_equal(problems(f), 0);
}

void packed_records_are_smaller(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  put_range(f, 0, 1100);
  auto txn = storage::Txn::begin_read(f.store->env());
  std::size_t packed_bytes = 0, plain_bytes = 0;
  for (int i = 0; i < 1100; i += 10) {
    std::string id = "e" + std::to_string(i);
    auto value = txn->get(f.store->db().events, storage::event_keys::event_key(f.cal.name, id));
    assert_true(value.ok() && value->has_value());
    packed_bytes += value->value().size();
    auto got = storage::events::get(*txn, f.store->db(), f.cal.name, id);
    auto plain = storage::events::encode(*storage::events::record_of(**got));
    assert_true(plain.ok());
    plain_bytes += plain->first.size() + plain->details.size();
    auto details = txn->get(f.store->db().event_details, storage::event_keys::event_key(f.cal.name, id));
    assert_true(details.ok() && details->has_value());
    packed_bytes += details->value().size();
  }
  // What the store keeps of an event is a fraction of its plain texts.
  assert_true(packed_bytes * 3 < plain_bytes);
}

// The problems verify finds, each as "events: city ID: what".
std::vector<std::string> problem_list(Fixture& f) {
  auto report = storage::check_store(*f.store);
  if (!report) fail_msg("%s", report.error().message().c_str());
  return report->problems;
}

bool all_about(const std::vector<std::string>& problems, const char* what) {
  for (const auto& p : problems)
    if (p.find(what) == std::string::npos) return false;
  return !problems.empty();
}

void damage(Fixture& f, storage::Db db, const std::string& id, std::size_t from_end) {
  const std::string key = storage::event_keys::event_key(f.cal.name, id);
  auto txn = storage::Txn::begin_write(f.store->env());
  auto value = txn->get(db, key);
  if (!value || !value->has_value()) fail_msg("no record %s", id.c_str());
  std::string damaged(value->value());
  damaged[damaged.size() - from_end] ^= 0x5a;
  if (!txn->put(db, key, damaged).ok() || !txn->commit().ok()) fail_msg("cannot damage %s", id.c_str());
}

void damage_and_a_missing_dictionary_are_found(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  put_range(f, 0, 1000);
  assert_int_equal(problems(f), 0);
  damage(f, f.store->db().events, "e5", 20);  // inside the last packed text of the first record
  auto found = problem_list(f);
  assert_true(all_about(found, "events: city e5: "));
  assert_true(all_about({found.front()}, "checksum does not hold"));
  damage(f, f.store->db().event_details, "e7", 20);  // and of the details
  found = problem_list(f);
  std::size_t about_e7 = 0;
  for (const auto& p : found) about_e7 += p.find("city e7: ") != std::string::npos;
  assert_true(about_e7 >= 1);
  std::size_t before = found.size();
  {
    auto txn = storage::Txn::begin_write(f.store->env());
    assert_true(txn->clear(f.store->db().event_dicts).ok());
    assert_true(txn->commit().ok());
  }
  // Every packed record names a dictionary the store no longer has: said
  // once.
  found = problem_list(f);
  assert_int_equal(found.size(), before + 1);
  std::size_t about_dictionary = 0;
  for (const auto& p : found) about_dictionary += p.find("the store has no such dictionary") != std::string::npos;
  assert_int_equal(about_dictionary, 1);
}

}  // namespace

int main() {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(packed_at_the_thousandth_event, setup, test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(packed_records_are_smaller, setup, test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(damage_and_a_missing_dictionary_are_found, setup, test::delete_fixture<Fixture>),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
