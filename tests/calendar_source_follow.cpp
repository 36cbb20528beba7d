// A calendar that follows a list (calendar/service/source_follow.hpp): how
// Linked Events items map to events, and how the follower pages through a
// source, stops and resumes without duplicates or gaps, keeps a replica's
// server fields, and says what went wrong. The source here is a list held
// in the test and answered as Linked Events answers (sort, since, paging,
// ETag); t/calendar_linkedevents.t does the same over real HTTP.
#include <algorithm>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "calendar/formats/followed_page.hpp"
#include "calendar/model/civil_time.hpp"
#include "calendar/service/source_follow.hpp"
#include "calendar/stored/event_record.hpp"
#include "storage/event_store.hpp"
#include "storage/source_state.hpp"
#include "storage/store_check.hpp"
#include "tests/support/calendar_store.hpp"
#include "tests/support/cmocka.hpp"  // last

using namespace civic;
using namespace civic::calendar;

namespace {

constexpr std::int64_t kSecond = 1000000;
const std::int64_t kNow = seconds_from_civil({2026, 11, 29, 12, 0, 0}) * kSecond;
const std::vector<std::string> kLanguages = {"fi", "en"};
const EventDefaults kDefaults{"fi", "Europe/Helsinki"};

FollowedPage page_of(std::string_view json, SourceKind kind = SourceKind::linkedevents) {
  std::string error;
  auto page = read_followed_page(json, kind, kDefaults, kLanguages, error);
  if (!page) fail_msg("%s", error.c_str());
  return std::move(*page);
}

const char* const kMapped = R"({"meta": {"count": 9, "next": "http://x/v1/event/?page=2", "previous": null}, "data": [
 {"id": "helsinki:full", "@type": "Event/LinkedEvent", "publisher": "ahjo:00001",
  "name": {"fi": "Konsertti", "sv": null, "en": "Concert", "zh_hans": "音乐会"},
  "short_description": {"fi": ""}, "description": {"fi": "<p>Soittoa</p>"},
  "info_url": {"fi": "https://example.fi/k", "sv": null},
  "start_time": "2027-03-01T16:00:00Z", "end_time": "2027-03-01T18:00:00Z",
  "location": {"@id": "http://x/v1/place/tprek:7254/", "id": "tprek:7254", "name": {"fi": "Musiikkitalo", "sv": "Musikhuset"},
               "street_address": {"fi": "Mannerheimintie 13a"}, "address_locality": {"fi": "Helsinki"},
               "postal_code": "00100", "position": {"type": "Point", "coordinates": [24.9360, 60.1725]}, "divisions": []},
  "keywords": [{"@id": "http://x/v1/keyword/yso:p1808/", "id": "yso:p1808", "name": {"fi": "musiikki", "en": "music"}},
               {"@id": "http://x/v1/keyword/yso:p4354/"},
               {"@id": "http://x/v1/keyword/yso:p1.2/", "id": "yso:p1.2", "name": {"en": "concerts"}}],
  "offers": [{"is_free": false, "price": {"fi": "10 €", "en": null}, "info_url": null, "description": null}],
  "images": [{"@id": "http://x/v1/image/1/"}, {"url": "https://example.fi/a.jpg", "name": "", "alt_text": "Sali"}],
  "event_status": "EventRescheduled", "super_event": null, "super_event_type": null, "sub_events": [],
  "last_modified_time": "2026-11-20T10:11:12.123456Z", "created_time": "2026-11-01T08:00:00Z", "deleted": false},
 {"id": "helsinki:day", "name": {"fi": "Päivä"}, "start_time": "2027-03-02", "end_time": null,
  "location": {"@id": "http://x/v1/place/tprek:1/"}, "keywords": [], "last_modified_time": "2026-11-20T10:11:13Z"},
 {"id": "helsinki:days", "name": {"fi": "Päivät"}, "start_time": "2027-03-02", "end_time": "2027-03-04",
  "last_modified_time": "2026-11-20T10:11:14Z"},
 {"id": "helsinki:mixed", "name": {"fi": "Sekaisin"}, "start_time": "2027-03-02", "end_time": "2027-03-02T20:00:00Z",
  "last_modified_time": "2026-11-20T10:11:15Z"},
 {"id": "helsinki:gone", "name": {"fi": "POISTETTU", "sv": "RADERAD", "en": "DELETED"},
  "last_modified_time": "2026-11-21T00:00:00Z", "deleted": true, "replaced_by": null},
 {"id": "helsinki:series", "name": {"fi": "Sarja"}, "start_time": "2027-03-01T16:00:00Z",
  "end_time": "2027-06-01T16:00:00Z", "super_event_type": "recurring",
  "sub_events": [{"@id": "http://x/v1/event/helsinki:s1/"}], "last_modified_time": "2026-11-20T10:11:16Z"},
 {"id": "helsinki:later", "name": {"fi": "Siirretty"}, "start_time": null, "event_status": "EventPostponed",
  "last_modified_time": "2026-11-20T10:11:17Z"},
 {"id": "helsinki:nameless", "name": {"fi": null}, "start_time": "2027-03-01T16:00:00Z",
  "last_modified_time": "2026-11-20T10:11:18Z"},
 "not an object",
 {"id": "bad/id", "name": {"fi": "x"}, "start_time": "2027-03-01T16:00:00Z"}
]})";

void linked_events_items_map_to_events(void**) {
  FollowedPage page = page_of(kMapped);
  assert_string_equal(page.next.c_str(), "http://x/v1/event/?page=2");
  assert_int_equal(page.count, 9);
  assert_int_equal(page.items.size(), 10);
  using K = FollowedItem::Kind;

  const FollowedItem& full = page.items[0];
  assert_int_equal(full.kind, K::event);
  const Event& e = full.event;
  assert_string_equal(e.id.c_str(), "helsinki:full");
  assert_string_equal(e.name.get("fi")->c_str(), "Konsertti");
  assert_string_equal(e.name.get("en")->c_str(), "Concert");
  assert_string_equal(e.name.get("zh-hans")->c_str(), "音乐会");
  assert_null(e.name.get("sv"));
  assert_true(e.short_description.empty());
  assert_string_equal(e.description.get("fi")->c_str(), "<p>Soittoa</p>");
  assert_string_equal(e.info_url.get("fi")->c_str(), "https://example.fi/k");
  // 16:00Z is 18:00 in Helsinki in March.
  assert_string_equal(e.timezone.c_str(), "Europe/Helsinki");
  assert_false(e.all_day());
  assert_int_equal(e.start.local.hour, 18);
  assert_true(e.end && e.end->local.hour == 20);
  assert_true(e.location.has_value());
  assert_string_equal(e.location->id.c_str(), "tprek:7254");
  assert_string_equal(e.location->name.get("sv")->c_str(), "Musikhuset");
  assert_string_equal(e.location->street_address.get("fi")->c_str(), "Mannerheimintie 13a");
  assert_string_equal(e.location->postal_code.c_str(), "00100");
  assert_true(e.location->position && e.location->position->latitude > 60.17);
  // Names in the calendar's first language that has one, else the id.
  assert_int_equal(e.keywords.size(), 3);
  assert_string_equal(e.keywords[0].c_str(), "musiikki");
  assert_string_equal(e.keywords[1].c_str(), "yso:p4354");
  assert_string_equal(e.keywords[2].c_str(), "concerts");
  assert_int_equal(e.offers.size(), 1);
  assert_true(e.offers[0].is_free == false);
  assert_string_equal(e.offers[0].price.get("fi")->c_str(), "10 €");
  assert_int_equal(e.images.size(), 1);
  assert_string_equal(e.images[0].alt_text.c_str(), "Sali");
  assert_int_equal(e.status, EventStatus::rescheduled);
  assert_string_equal(full.modified_text.c_str(), "2026-11-20T10:11:12.123456Z");
  assert_true(full.modified_us == seconds_from_civil({2026, 11, 20, 10, 11, 12}) * kSecond + 123456);

  // Date-only: all day; no end is one day; Linked Events' end date is the last day.
  const Event& day = page.items[1].event;
  assert_int_equal(page.items[1].kind, K::event);
  assert_true(day.all_day() && !day.end);
  assert_string_equal(day.location->id.c_str(), "tprek:1");
  const Event& days = page.items[2].event;
  assert_true(days.all_day() && days.end && days.end->local.day == 5);  // exclusive, as DTEND
  const Event& mixed = page.items[3].event;
  assert_int_equal(page.items[3].kind, K::event);
  assert_true(mixed.all_day() && !mixed.end);

  assert_int_equal(page.items[4].kind, K::deleted);
  assert_string_equal(page.items[4].id.c_str(), "helsinki:gone");
  assert_int_equal(page.items[5].kind, K::deleted);  // a recurring series' parent
  assert_false(e.umbrella);
  FollowedPage festival = page_of(R"({"data": [{"id": "helsinki:fest", "name": {"fi": "Juhlaviikot"},
      "start_time": "2027-08-14T12:00:00Z", "super_event_type": "umbrella", "sub_events": [{"@id": "http://x/e/1/"}]}]})");
  assert_int_equal(festival.items[0].kind, K::event);
  assert_true(festival.items[0].event.umbrella);  // kept, and marked
  assert_int_equal(page.items[6].kind, K::deleted);  // postponed without a date
  assert_int_equal(page.items[7].kind, K::malformed);
  assert_string_equal(page.items[7].id.c_str(), "helsinki:nameless");
  assert_non_null(strstr(page.items[7].problem.c_str(), "name"));
  assert_int_equal(page.items[8].kind, K::malformed);
  assert_int_equal(page.items[9].kind, K::malformed);
  assert_non_null(strstr(page.items[9].problem.c_str(), "id"));
}

void pages_that_are_not_lists_are_refused(void**) {
  std::string error;
  assert_false(read_followed_page("<html>", SourceKind::linkedevents, kDefaults, kLanguages, error).has_value());
  assert_non_null(strstr(error.c_str(), "not JSON"));
  assert_false(read_followed_page(R"({"detail": "x"})", SourceKind::linkedevents, kDefaults, kLanguages, error).has_value());
  assert_non_null(strstr(error.c_str(), "\"data\""));
}

// ---- a source held in the test

struct SourceEvent {
  std::string id;
  std::string name;
  int day = 1;  // of March 2027
  std::int64_t modified_us = 0;
  bool deleted = false;
};

std::string iso(std::int64_t us) { return format_iso_utc_micros(us); }

std::map<std::string, std::string> query_of(const std::string& url) {
  std::map<std::string, std::string> q;
  std::size_t at = url.find('?');
  while (at != std::string::npos) {
    std::size_t end = url.find('&', at + 1);
    std::string pair = url.substr(at + 1, end == std::string::npos ? std::string::npos : end - at - 1);
    std::size_t eq = pair.find('=');
    std::string value = pair.substr(eq + 1);
    for (std::size_t p; (p = value.find("%2B")) != std::string::npos;) value.replace(p, 3, "+");
    q[pair.substr(0, eq)] = value;
    at = end;
  }
  return q;
}

struct Source {
  std::vector<SourceEvent> events;
  std::vector<std::string> asked;
  int fail_request = -1;  // answer this request (0-based) with an error
  int page_size_seen = 0;

  delivery::HttpGot operator()(const delivery::HttpGet& get) {
    asked.push_back(get.url);
    delivery::HttpGot got;
    if (static_cast<int>(asked.size()) - 1 == fail_request) {
      got.error = "HTTP 500";
      return got;
    }
    auto q = query_of(get.url);
    std::int64_t since = INT64_MIN;
    if (q.count("last_modified_since")) {
      auto t = parse_iso8601(q["last_modified_since"]);
      since = (seconds_from_civil(t->civil) - *t->offset_seconds) * kSecond + t->micros;
    }
    std::vector<SourceEvent> list;
    for (const auto& e : events)
      if (e.modified_us >= since && (!e.deleted || q["show_deleted"] == "true")) list.push_back(e);
    std::sort(list.begin(), list.end(), [](const SourceEvent& a, const SourceEvent& b) {
      return a.modified_us != b.modified_us ? a.modified_us < b.modified_us : a.id < b.id;
    });
    int size = std::stoi(q["page_size"]);
    page_size_seen = size;
    int page = q.count("page") ? std::stoi(q["page"]) : 1;
    std::string body = R"({"meta": {"count": )" + std::to_string(list.size()) + R"(, "next": )";
    std::size_t from = static_cast<std::size_t>((page - 1) * size);
    std::size_t to = std::min(list.size(), from + size);
    if (to < list.size()) {
      std::string next = get.url;
      if (std::size_t p = next.find("&page="); p != std::string::npos) next.erase(p);
      body += "\"http://inner.example/v1/event/" + next.substr(next.find('?')) + "&page=" + std::to_string(page + 1) + "\"";
    } else {
      body += "null";
    }
    body += R"(}, "data": [)";
    for (std::size_t i = from; i < to; ++i) {
      const auto& e = list[i];
      if (i > from) body += ",";
      if (e.deleted) {
        body += R"({"id": ")" + e.id + R"(", "deleted": true, "last_modified_time": ")" + iso(e.modified_us) + "\"}";
        continue;
      }
      char day[3];
      std::snprintf(day, sizeof day, "%02d", e.day);
      body += R"({"id": ")" + e.id + R"(", "name": {"fi": ")" + e.name + R"("}, "start_time": "2027-03-)" + day +
              R"(T16:00:00Z", "last_modified_time": ")" + iso(e.modified_us) + "\"}";
    }
    body += "]}";
    got.status = 200;
    got.etag = "\"" + std::to_string(std::hash<std::string>{}(body)) + "\"";
    if (!get.if_none_match.empty() && get.if_none_match == got.etag) {
      got.status = 304;
      return got;
    }
    got.body = std::move(body);
    return got;
  }
};

struct Fixture : test::CalendarStore {
  Source source;
  std::int64_t clock = kNow;
};

int setup(void** state) {
  auto* f = new Fixture;
  if (!f->open_calendar()) return -1;
  f->cal.source = EventSource{SourceKind::linkedevents, "https://api.example.fi/v1/event/", 300, 30, "publisher=ahjo:1"};
  *state = f;
  return 0;
}

SourceRun run(Fixture& f, int max_pages = 50) {
  f.clock += kSecond;
  Fetcher fetch = [&f](const delivery::HttpGet& get) { return f.source(get); };
  return follow_source(*f.store, f.cal, fetch, f.clock, FollowLimits{max_pages, 600 * kSecond});
}

// Live events and their names, as stored.
std::map<std::string, std::string> stored(Fixture& f) {
  std::map<std::string, std::string> out;
  auto txn = storage::Txn::begin_read(f.store->env());
  for (const auto& e : f.source.events) {
    auto v = storage::events::get(*txn, f.store->db(), "culture", e.id);
    assert_true(v.ok());
    if (!v.value() || v.value()->deleted()) continue;
    Event read;
    assert_true(event_from_view(**v, read));
    out[read.id] = *read.name.get("fi");
  }
  return out;
}

std::map<std::string, std::string> expected(const Fixture& f) {
  std::map<std::string, std::string> out;
  for (const auto& e : f.source.events)
    if (!e.deleted) out[e.id] = e.name;
  return out;
}

void add_events(Fixture& f, int count, std::int64_t first_us, bool same_time = false) {
  for (int i = 0; i < count; ++i) {
    SourceEvent e;
    e.id = "le:" + std::to_string(f.source.events.size());
    e.name = "Tapahtuma " + std::to_string(f.source.events.size());
    e.day = 1 + i % 28;
    e.modified_us = same_time ? first_us : first_us + i * 1000;
    f.source.events.push_back(e);
  }
}

void follows_a_source_through_stops(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  add_events(f, 250, kNow - 3600 * kSecond);
  // A page at a time, as a run stopped by a kill would leave it.
  SourceRun r = run(f, 1);
  assert_false(r.failed);
  assert_true(r.more);
  assert_int_equal(r.state.last_run.created, 100);
  assert_int_equal(f.source.page_size_seen, kFollowPageSize);
  assert_non_null(strstr(f.source.asked[0].c_str(), "?publisher=ahjo:1&sort=last_modified_time&show_deleted=true"));
  assert_non_null(strstr(f.source.asked[0].c_str(), "include=location,keywords"));
  assert_null(strstr(f.source.asked[0].c_str(), "last_modified_since"));
  // Changes while the follower reads: an early event edited (it moves to
  // the end of the list), one deleted, one added.
  f.source.events[5].name = "Muutettu";
  f.source.events[5].modified_us = kNow;
  f.source.events[150].deleted = true;
  f.source.events[150].modified_us = kNow + 1;
  add_events(f, 1, kNow + 2);
  r = run(f, 1);
  assert_true(r.more);
  assert_non_null(strstr(f.source.asked[1].c_str(), "last_modified_since="));
  r = run(f);
  assert_false(r.failed);
  assert_false(r.more);
  assert_true(r.state.caught_up);
  assert_true(stored(f) == expected(f));
  // 150 was deleted before the follower came to it: never created here.
  assert_int_equal(r.state.total.created, 250);
  assert_int_equal(r.state.total.updated, 1);
  assert_int_equal(r.state.total.deleted, 0);
  assert_int_equal(r.state.newest_modified_us, kNow + 2);

  // Caught up: asked from just after the newest change (an empty page),
  // then the same request is a 304.
  r = run(f);
  assert_false(r.failed);
  assert_false(r.changed);
  r = run(f);
  assert_true(r.not_modified);
  assert_string_equal(f.source.asked.back().c_str(), f.source.asked[f.source.asked.size() - 2].c_str());

  // Incremental: three changed, two deleted.
  for (int i : {10, 20, 30}) f.source.events[i].name += " (muutettu)", f.source.events[i].modified_us = kNow + 100 + i;
  for (int i : {40, 50}) f.source.events[i].deleted = true, f.source.events[i].modified_us = kNow + 200 + i;
  std::size_t before = f.source.asked.size();
  r = run(f);
  assert_int_equal(r.state.last_run.updated, 3);
  assert_int_equal(r.state.last_run.deleted, 2);
  assert_int_equal(f.source.asked.size(), before + 1);  // one page held them
  assert_true(stored(f) == expected(f));
  auto report = storage::check_store(*f.store);
  assert_true(report.ok() && report->ok());
}

void a_page_of_one_time_is_left_by_its_link(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  add_events(f, 230, kNow - 60 * kSecond, true);  // an import on the source: one time for all
  SourceRun r = run(f);
  assert_false(r.failed);
  assert_true(stored(f) == expected(f));
  // From the same time again, then by the source's next links, on the configured host.
  assert_int_equal(f.source.asked.size(), 4);
  assert_non_null(strstr(f.source.asked[1].c_str(), "last_modified_since="));
  assert_null(strstr(f.source.asked[1].c_str(), "page=2"));
  assert_true(f.source.asked[2].starts_with("https://api.example.fi/v1/event/?"));
  assert_non_null(strstr(f.source.asked[2].c_str(), "&page=2"));
  assert_non_null(strstr(f.source.asked[3].c_str(), "&page=3"));
  // A change after the bulk: one request, not the bulk again.
  f.source.events[7].name = "Muutettu";
  f.source.events[7].modified_us = kNow;
  r = run(f);
  assert_int_equal(r.state.last_run.updated, 1);
  assert_int_equal(f.source.asked.size(), 5);
  assert_true(stored(f) == expected(f));
}

void a_failed_page_keeps_the_position(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  add_events(f, 250, kNow - 3600 * kSecond);
  f.source.fail_request = 1;
  SourceRun r = run(f);
  assert_true(r.failed);
  assert_false(r.more);
  assert_non_null(strstr(r.state.last_error.c_str(), "HTTP 500"));
  assert_int_equal(stored(f).size(), 100);  // the first page is in
  {
    auto txn = storage::Txn::begin_read(f.store->env());
    auto s = storage::read_source_state(*txn, f.store->db(), "culture");
    assert_true(s.ok() && s.value());
    assert_false(s.value()->since.empty());
    assert_string_equal(s.value()->last_error.c_str(), r.state.last_error.c_str());
  }
  std::size_t asked = f.source.asked.size();
  r = run(f);
  assert_false(r.failed);
  assert_true(stored(f) == expected(f));
  assert_non_null(strstr(f.source.asked[asked].c_str(), "last_modified_since="));
  assert_int_equal(r.state.total.created, 250);
}

// The server stops mid-run (an Apache child exiting on a graceful restart):
// its fetcher asks nothing more. The run ends where it is, not failed, with
// more to do, so that the next process takes the turn at once and goes on.
void a_stopping_server_hands_the_run_on(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  add_events(f, 250, kNow - 3600 * kSecond);
  int answered = 0;  // pages answered before the server stops
  Fetcher stopping = [&](const delivery::HttpGet& get) {
    if (answered++ >= 1) {
      delivery::HttpGot stopped;
      stopped.stopped = true;
      return stopped;
    }
    return f.source(get);
  };
  f.clock += kSecond;
  SourceRun r = follow_source(*f.store, f.cal, stopping, f.clock, FollowLimits{50, 600 * kSecond});
  assert_false(r.failed);
  assert_true(r.more);
  assert_true(r.state.last_error.empty());
  assert_int_equal(stored(f).size(), 100);  // the page before the stop is in
  // Through sync_source_if_due: the turn is given back at once.
  answered = 0;
  auto first = sync_source_if_due(*f.store, f.cal, stopping, f.clock + kSecond);
  assert_true(first.has_value());
  assert_true(first->more && !first->failed);
  assert_true(stored(f).size() > 100);  // a second page (its first item the first one's last)
  auto next = sync_source_if_due(*f.store, f.cal, [&f](const delivery::HttpGet& get) { return f.source(get); },
                                 f.clock + 2 * kSecond);
  assert_true(next.has_value());  // not another interval later
  assert_false(next->failed);
  assert_true(stored(f) == expected(f));
}

// A replica of another civic keeps the primary's SEQUENCE and times.
void a_replica_keeps_the_primary_fields(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  f.cal.source = EventSource{SourceKind::civic, "https://primary.example.fi/calendars/culture.json", 30, 30, {}};
  const char* page = R"({"meta": {"count": 2, "next": null, "previous": null}, "data": [
    {"id": "a", "name": {"fi": "A"}, "start_time": "2027-03-01T18:00:00+02:00", "timezone": "Europe/Helsinki",
     "keywords": ["musiikki"], "sequence": 7, "created_time": "2026-01-02T03:04:05.000006Z",
     "last_modified_time": "2026-11-20T10:11:12.123456Z", "deleted": false, "@id": "https://primary/x",
     "super_event": null, "recurrence_id": null,
     "recurrence": {"rrule": "FREQ=WEEKLY;COUNT=3", "exdate": [], "rdate": []}},
    {"id": "b", "name": {"fi": "B"}, "start_time": "2027-03-02", "sequence": 0,
     "created_time": "2026-01-02T03:04:05Z", "last_modified_time": "2026-11-21T00:00:00Z"}]})";
  Fetcher fetch = [&](const delivery::HttpGet& get) {
    f.source.asked.push_back(get.url);
    delivery::HttpGot got;
    got.status = 200;
    got.body = page;
    return got;
  };
  SourceRun r = follow_source(*f.store, f.cal, fetch, kNow);
  assert_false(r.failed);
  assert_int_equal(r.state.last_run.created, 2);
  assert_non_null(strstr(f.source.asked[0].c_str(), "include=location,keywords"));  // objects, not references
  {
    auto txn = storage::Txn::begin_read(f.store->env());
    auto v = storage::events::get(*txn, f.store->db(), "culture", "a");
    assert_true(v.ok() && v.value());
    assert_int_equal(v.value()->sequence, 7);
    assert_true(v.value()->created_us == seconds_from_civil({2026, 1, 2, 3, 4, 5}) * kSecond + 6);
    assert_true(v.value()->modified_us == seconds_from_civil({2026, 11, 20, 10, 11, 12}) * kSecond + 123456);
    Event a;
    assert_true(event_from_view(**v, a));
    assert_true(a.recurrence && a.recurrence->rrule.find("COUNT=3") != std::string::npos);
  }
  // The same page again: nothing written.
  r = follow_source(*f.store, f.cal, fetch, kNow + kSecond);
  assert_false(r.changed);
  // A deletion keeps the primary's time.
  page = R"({"meta": {"next": null}, "data": [{"id": "b", "deleted": true, "last_modified_time": "2026-11-22T00:00:00Z"}]})";
  r = follow_source(*f.store, f.cal, fetch, kNow + 2 * kSecond);
  assert_int_equal(r.state.last_run.deleted, 1);
  auto txn = storage::Txn::begin_read(f.store->env());
  auto v = storage::events::get(*txn, f.store->db(), "culture", "b");
  assert_true(v.ok() && v.value() && v.value()->deleted());
  assert_true(v.value()->modified_us == seconds_from_civil({2026, 11, 22, 0, 0, 0}) * kSecond);
  assert_int_equal(v.value()->sequence, 1);
}

void malformed_items_are_skipped_and_named(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  const char* page = R"({"meta": {"next": null}, "data": [
    {"id": "ok", "name": {"fi": "Hyvä"}, "start_time": "2027-03-01T16:00:00Z", "last_modified_time": "2026-11-20T00:00:00Z"},
    {"id": "bad", "name": {"fi": "Huono"}, "start_time": "not a time", "last_modified_time": "2026-11-20T00:00:01Z"}]})";
  Fetcher fetch = [&](const delivery::HttpGet&) {
    delivery::HttpGot got;
    got.status = 200;
    got.body = page;
    return got;
  };
  SourceRun r = follow_source(*f.store, f.cal, fetch, kNow);
  assert_false(r.failed);
  assert_int_equal(r.state.last_run.created, 1);
  assert_int_equal(r.state.last_run.skipped, 1);
  assert_non_null(strstr(r.state.last_skip.c_str(), "bad: start_time"));
  assert_string_equal(r.state.since.c_str(), "2026-11-20T00:00:01.000001Z");  // just after the newest
  page = "<html>Bad gateway</html>";
  r = follow_source(*f.store, f.cal, fetch, kNow + kSecond);
  assert_true(r.failed);
  assert_non_null(strstr(r.state.last_error.c_str(), "not JSON"));
  assert_string_equal(r.state.since.c_str(), "2026-11-20T00:00:01.000001Z");
}

}  // namespace

int main() {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(linked_events_items_map_to_events),
      cmocka_unit_test(pages_that_are_not_lists_are_refused),
      cmocka_unit_test_setup_teardown(follows_a_source_through_stops, setup, test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(a_page_of_one_time_is_left_by_its_link, setup, test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(a_stopping_server_hands_the_run_on, setup, test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(a_failed_page_keeps_the_position, setup, test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(a_replica_keeps_the_primary_fields, setup, test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(malformed_items_are_skipped_and_named, setup, test::delete_fixture<Fixture>),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
