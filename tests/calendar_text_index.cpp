// The word index (text=) and the name index (sort=name) against the scan
// they replace: random events with shared words, prefixes and starts, random
// queries in every order and page, before and after updates, deletions and
// a change of the calendar's languages: the same counts and items, in the
// same order. And the words themselves: what a word is, and what matches.
#include <algorithm>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "calendar/formats/event_json.hpp"
#include "calendar/formats/vevent.hpp"
#include "calendar/stored/event_record.hpp"
#include "calendar/model/timezone.hpp"
#include "calendar/query/plan.hpp"
#include "calendar/query/select.hpp"
#include "calendar/service/calendar_writer.hpp"
#include "calendar/service/rerender.hpp"
#include "storage/event_words.hpp"
#include "storage/search_words.hpp"
#include "storage/store_check.hpp"
#include "tests/support/calendar_store.hpp"
#include "tests/support/cmocka.hpp"  // last

using namespace civic;
using namespace civic::calendar;

namespace {

struct Fixture : test::CalendarStore {
  std::mt19937 random{20261129};
  std::vector<std::string> live;     // ids
  std::vector<std::string> deleted;  // ids
  int next_id = 0;
  std::int64_t clock_us = 0;
};

constexpr std::int64_t kSecond = 1000000;
const std::int64_t kNow = seconds_from_civil({2026, 11, 1, 12, 0, 0}) * kSecond;

// Words that begin one another, in three languages and in both cases.
const char* const kWords[] = {"konsertti", "Konserttitalo", "konsert", "joulukonsertti", "kirja", "kirjasto",
                              "KIRJAILIJA", "näyttely", "Näytös", "työpaja", "tyo", "jazz", "Joulu", "Åbo",
                              "ÄÄNI", "Straße", "strasse", "sagostund", "Tanssi", "tanssiesitys", "2026",
                              "20", "x"};
constexpr std::size_t kWordCount = sizeof kWords / sizeof kWords[0];

std::string some_words(Fixture& f, int least, int most) {
  std::uniform_int_distribution<int> count(least, most);
  std::uniform_int_distribution<std::size_t> word(0, kWordCount - 1);
  std::string out;
  for (int i = count(f.random); i > 0; --i) {
    if (!out.empty()) out += (f.random() % 4 == 0) ? ", " : " ";
    out += kWords[word(f.random)];
  }
  return out;
}

// A random event: few starts (many ties), some names far longer than the
// name index keeps (sharing their first 200 characters), some with no
// English name, some with an HTML description.
std::string event_json(Fixture& f, const std::string& id) {
  static const char* const kStarts[] = {"2026-12-01T18:00:00+02:00", "2026-12-01T19:00:00+02:00",
                                        "2026-12-02T18:00:00+02:00", "2026-12-05T10:00:00+02:00",
                                        "2027-01-10T12:00:00+02:00"};
  std::string name = some_words(f, 1, 3);
  if (f.random() % 10 == 0) name = std::string(200, 'a') + " " + name;
  std::string json = "{\"id\":\"" + id + "\",\"name\":{\"fi\":\"" + name + "\"";
  if (f.random() % 3 != 0) json += ",\"en\":\"" + some_words(f, 1, 2) + "\"";
  json += "},\"short_description\":{\"fi\":\"" + some_words(f, 0, 4) + "\"}";
  json += ",\"description\":{\"en\":\"<p>" + some_words(f, 0, 6) + "</p>\"}";
  json += ",\"start_time\":\"" + std::string(kStarts[f.random() % 5]) + "\"";
  json += ",\"keywords\":[\"" + std::string(f.random() % 2 ? "odd" : "even") + "\"]}";
  return json;
}

void write(Fixture& f, const std::vector<std::string>& ids) {
  std::vector<Event> events;
  for (const auto& id : ids) {
    Event e;
    auto err = event_from_json(event_json(f, id), EventDefaults{"fi", "Europe/Helsinki"}, e);
    if (err) fail_msg("%s: %s", err->field.c_str(), err->message.c_str());
    events.push_back(std::move(e));
  }
  f.clock_us += kSecond;
  auto written = upsert_events(*f.store, f.cal, events, kNow + f.clock_us);
  if (!written) fail_msg("%s", written.error().message().c_str());
}

int setup(void** state) {
  auto* f = new Fixture;
  if (!f->open_calendar()) return -1;
  f->cal.refresh_seconds = 3600;
  std::vector<std::string> ids;
  for (int i = 0; i < 300; ++i) ids.push_back("e" + std::to_string(f->next_id++));
  // In batches, as an import writes them.
  for (std::size_t from = 0; from < ids.size(); from += 100) {
    std::vector<std::string> batch(ids.begin() + static_cast<std::ptrdiff_t>(from),
                                   ids.begin() + static_cast<std::ptrdiff_t>(from + 100));
    write(*f, batch);
  }
  f->live = ids;
  *state = f;
  return 0;
}

// "id@start" of each item, and the count.
struct Answer {
  std::uint64_t count = 0;
  std::vector<std::string> items;
  bool operator==(const Answer&) const = default;
};

Answer run(Fixture& f, const FeedQuery& q, const QueryPlan& plan) {
  auto txn = storage::Txn::begin_read(f.store->env());
  if (!txn) fail_msg("%s", txn.error().message().c_str());
  auto s = select(*txn, f.store->db(), f.cal, q, plan, kUnlimited);
  if (!s) fail_msg("%s", s.error().message().c_str());
  Answer a;
  a.count = s->count;
  for (const auto& i : s->items) a.items.push_back(std::string(i.view->id) + "@" + std::to_string(i.start));
  return a;
}

FeedQuery query(Fixture& f, const std::string& args) {
  FeedQuery q;
  auto err = parse_feed_query(args, f.cal, kNow / kSecond, q);
  if (err) fail_msg("%s: %s", args.c_str(), err->message.c_str());
  return q;
}

// A query's word: a vocabulary word or its beginning, in either case.
std::string query_word(Fixture& f) {
  std::string w = kWords[f.random() % kWordCount];
  if (f.random() % 2) {
    // A beginning of at least one character (whole characters: cut at a byte
    // that starts one).
    std::size_t cut = 1 + f.random() % w.size();
    while (cut < w.size() && (static_cast<unsigned char>(w[cut]) & 0xc0) == 0x80) ++cut;
    w = w.substr(0, cut);
  }
  if (f.random() % 5 == 0) w = "zz" + w;  // matches nothing
  if (f.random() % 3 == 0)
    for (auto& c : w) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return w;
}

std::string url_encoded(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c)) {
      out.push_back(static_cast<char>(c));
    } else {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", c);
      out += hex;
    }
  }
  return out;
}

// Random text queries: the word index's answer and the scan's agree.
void compare_text_queries(Fixture& f, int rounds) {
  static const char* const kSorts[] = {"start_time", "-start_time", "end_time", "name", "-last_modified_time"};
  static const char* const kSizes[] = {"1", "3", "20", "100"};
  int indexed = 0, paged = 0, nonempty = 0;
  for (int round = 0; round < rounds; ++round) {
    std::string text = query_word(f);
    for (int more = static_cast<int>(f.random() % 3); more > 0; --more)
      text += (f.random() % 2 ? " " : "-") + query_word(f);
    std::string args = "text=" + url_encoded(text) + "&sort=" + kSorts[f.random() % 5] +
                       "&page_size=" + kSizes[f.random() % 4] + "&page=" + std::to_string(1 + f.random() % 3);
    if (f.random() % 4 == 0) args += "&keyword=odd";
    FeedQuery q = query(f, args);
    for (QueryPlan plan : {plan_list(q), plan_feed(q)}) {
      assert_int_equal(static_cast<int>(plan.walk), static_cast<int>(Walk::words));
      QueryPlan scan = plan;
      scan.walk = Walk::every_event;
      Answer by_index = run(f, q, plan);
      Answer by_scan = run(f, q, scan);
      if (!(by_index == by_scan))
        fail_msg("%s: the index found %llu (%zu on the page), the scan %llu (%zu)", args.c_str(),
                 static_cast<unsigned long long>(by_index.count), by_index.items.size(),
                 static_cast<unsigned long long>(by_scan.count), by_scan.items.size());
      ++indexed;
      paged += plan.text_only;
      nonempty += by_index.count > 0;
    }
  }
  // The test tested something: paged and filtered plans, and matches.
  assert_true(paged > indexed / 4);
  assert_true(paged < indexed);
  assert_true(nonempty > indexed / 3);
}

// Every page by name from the index, against the sort of every event.
void compare_name_pages(Fixture& f, bool expect_index) {
  for (const char* lang : {"fi", "en"}) {
    for (const char* size : {"1", "7", "100"}) {
      for (int page = 1; page <= 4; ++page) {
        FeedQuery q = query(f, std::string("sort=name&lang=") + lang + "&page_size=" + size + "&page=" +
                                   std::to_string(page));
        QueryPlan plan = plan_list(q);
        assert_int_equal(static_cast<int>(plan.walk), static_cast<int>(Walk::names));
        QueryPlan scan = plan;
        scan.walk = Walk::every_event;
        Answer by_index = run(f, q, plan);
        Answer by_scan = run(f, q, scan);
        if (!(by_index == by_scan)) fail_msg("sort=name lang=%s page_size=%s page=%d: the pages differ", lang, size, page);
        assert_int_equal(by_index.count, f.live.size());
      }
    }
  }
  // Whether the index was used: it holds an entry for every live event.
  auto txn = storage::Txn::begin_read(f.store->env());
  VeventStyle style = vevent_style(f.cal, "en");
  auto held = storage::events::count_names(
      *txn, f.store->db(), f.cal.name, "en",
      static_cast<std::uint32_t>(rendition_signature(storage::RenditionKind::name_key, style)));
  assert_true(held.ok());
  assert_int_equal(*held == f.live.size(), expect_index);
}

void verify_store(Fixture& f) {
  auto report = storage::check_store(*f.store);
  if (!report) fail_msg("%s", report.error().message().c_str());
  if (!report->ok()) fail_msg("verify: %s", report->problems.front().c_str());
}

void text_queries_agree_with_the_scan(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  compare_text_queries(f, 150);
  verify_store(f);
}

void name_pages_agree_with_the_sort(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  compare_name_pages(f, true);
}

// Updates (new texts, new starts), deletions and events written again after
// deletion: the indexes follow.
void the_indexes_follow_changes(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  for (int round = 0; round < 3; ++round) {
    std::vector<std::string> changed;
    for (int i = 0; i < 40; ++i) changed.push_back(f.live[f.random() % f.live.size()]);
    std::sort(changed.begin(), changed.end());
    changed.erase(std::unique(changed.begin(), changed.end()), changed.end());
    write(f, changed);
    for (int i = 0; i < 15; ++i) {
      std::size_t at = f.random() % f.live.size();
      f.clock_us += kSecond;
      auto gone = delete_event(*f.store, f.cal, f.live[at], kNow + f.clock_us);
      assert_true(gone.ok() && *gone);
      f.deleted.push_back(f.live[at]);
      f.live.erase(f.live.begin() + static_cast<std::ptrdiff_t>(at));
    }
    std::vector<std::string> back(f.deleted.begin(), f.deleted.begin() + 5);
    f.deleted.erase(f.deleted.begin(), f.deleted.begin() + 5);
    for (int i = 0; i < 5; ++i) back.push_back("e" + std::to_string(f.next_id++));
    write(f, back);
    f.live.insert(f.live.end(), back.begin(), back.end());
    compare_text_queries(f, 60);
    compare_name_pages(f, true);
    verify_store(f);
  }
}

// Another language: the name keys stored are another language chain's
// (a name missing in one language falls back along it), so sort=name sorts
// every event until they are written again.
void a_change_of_languages_falls_back_to_the_sort(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  f.cal.languages = {"fi", "en", "sv"};
  compare_name_pages(f, false);
  write(f, f.live);  // every event again: keys for the new order
  compare_name_pages(f, true);
  f.cal.languages = {"fi", "en"};
}

// The same change, then the background re-rendering (what nginx's workers
// do, a slice at a time): every event in the new style, the name index
// answering again, each event's content, SEQUENCE and last-modified time as
// they were, the store whole.
bool pending(Fixture& f) {
  auto p = rerender_pending(*f.store, f.cal);
  if (!p) fail_msg("%s", p.error().message().c_str());
  return *p;
}

void re_rendering_after_a_change_of_languages(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  assert_true(pending(f));  // no record of progress yet
  while (true) {
    auto step = rerender_step(*f.store, f.cal, kNow, 1000);
    if (!step) fail_msg("%s", step.error().message().c_str());
    if (step->done) break;
  }
  assert_false(pending(f));
  auto before = [&] {
    auto txn = storage::Txn::begin_read(f.store->env());
    auto v = storage::events::get(*txn, f.store->db(), f.cal.name, f.live.front());
    return std::pair{v.value()->sequence, v.value()->modified_us};
  }();
  f.cal.languages = {"fi", "en", "sv"};
  compare_name_pages(f, false);
  assert_true(pending(f));
  std::size_t rewritten = 0, steps = 0;
  while (true) {
    auto step = rerender_step(*f.store, f.cal, kNow, 70);  // slices of 70: progress kept between steps
    if (!step) fail_msg("%s", step.error().message().c_str());
    rewritten += step->rewritten;
    ++steps;
    if (step->done) break;
  }
  assert_int_equal(rewritten, f.live.size());
  assert_true(steps >= f.live.size() / 70);
  assert_false(pending(f));
  auto again = rerender_step(*f.store, f.cal, kNow, 70);
  assert_true(again.ok() && again->done && again->rewritten == 0);
  compare_name_pages(f, true);
  compare_text_queries(f, 30);
  verify_store(f);
  auto txn = storage::Txn::begin_read(f.store->env());
  auto v = storage::events::get(*txn, f.store->db(), f.cal.name, f.live.front());
  assert_int_equal(v.value()->sequence, before.first);
  assert_true(v.value()->modified_us == before.second);
  f.cal.languages = {"fi", "en"};
}

void words_are_letters_digits_and_marks(void**) {
  using storage::words_of;
  auto words = words_of("tervetuloa! konsertti (jazz)-ilta, 12.5. klo 18–20 e\xcc\x81t\xc3\xa9 straße");
  std::vector<std::string> got(words.begin(), words.end());
  std::vector<std::string> want{"12", "18", "20", "5", "e\xcc\x81t\xc3\xa9", "ilta", "jazz", "klo",
                                "konsertti", "straße", "tervetuloa"};
  assert_true(got == want);
  // A long word keeps its first 64 bytes, at a character boundary.
  std::string long_word;
  for (int i = 0; i < 40; ++i) long_word += "ä";
  auto cut = words_of(long_word);
  assert_int_equal(cut.size(), 1);
  assert_int_equal(cut[0].size(), storage::kMaxWordBytes);
  assert_true(storage::text_matches(long_word + " x", {std::string(cut[0]), "x"}));
  // Each query word begins a word; all of them must.
  assert_true(storage::text_matches("joulukonsertti turussa", {"joulu", "tur"}));
  assert_false(storage::text_matches("joulukonsertti turussa", {"konsertti"}));
  assert_false(storage::text_matches("joulukonsertti turussa", {"joulu", "helsinki"}));
  assert_false(storage::text_matches("anything", {}));
  assert_true(words_of("!!! — …").empty());
}

// A query without a letter or digit is refused, not answered with nothing.
void a_text_without_words_is_refused(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  FeedQuery q;
  auto err = parse_feed_query("text=%21%21%21", f.cal, kNow / kSecond, q);
  assert_true(err.has_value());
  assert_string_equal(err->field.c_str(), "text");
}

// The first entry of database `d`, deleted; its key.
std::string delete_first(Fixture& f, storage::Db d) {
  auto txn = storage::Txn::begin_write(f.store->env());
  std::string key;
  {  // a write transaction's cursor is closed before it commits
    auto cursor = storage::Cursor::open(*txn, d);
    auto first = cursor->first();
    if (!first || !first.value()) fail_msg("the database is empty");
    key = std::string(first.value()->key);
  }
  assert_true(txn->del(d, key).ok());
  assert_true(txn->commit().ok());
  return key;
}

bool verify_says(Fixture& f, const std::string& words) {
  auto report = storage::check_store(*f.store);
  assert_true(report.ok());
  for (const auto& p : report->problems)
    if (p.find(words) != std::string::npos) return true;
  return false;
}

// verify finds what is missing from each of the new indexes.
void verify_finds_a_damaged_index(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  verify_store(f);
  const auto& db = f.store->db();
  delete_first(f, db.event_words);
  assert_true(verify_says(f, "event_words: calendar \"culture\": event number"));
  delete_first(f, db.event_names);  // the first entry under a language: its counter
  assert_true(verify_says(f, "event_names: calendar \"culture\" language"));
  delete_first(f, db.event_ids);
  assert_true(verify_says(f, "event_numbers: "));
  delete_first(f, db.event_numbers);
  assert_true(verify_says(f, "has no event number"));
}

}  // namespace

int main() {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(words_are_letters_digits_and_marks),
      cmocka_unit_test_setup_teardown(text_queries_agree_with_the_scan, setup, test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(name_pages_agree_with_the_sort, setup, test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(the_indexes_follow_changes, setup, test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(re_rendering_after_a_change_of_languages, setup, test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(a_change_of_languages_falls_back_to_the_sort, setup,
                                      test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(a_text_without_words_is_refused, setup, test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(verify_finds_a_damaged_index, setup, test::delete_fixture<Fixture>),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
