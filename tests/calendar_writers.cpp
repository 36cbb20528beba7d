// The writers, each read back by the library of its format: a VEVENT by
// libical (RFC 5545), its jCal by rapidjson (RFC 7265 shape), its xCal by
// libxml2 (RFC 6321 shape) and the stored JSON object of the lists
// (Linked Events shape). Events are built with the model types.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>

#include <libical/ical.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <rapidjson/document.h>
#include <rapidjson/pointer.h>

#include "calendar/formats/event_json.hpp"
#include "calendar/formats/event_json_template.hpp"
#include "calendar/formats/jcal.hpp"
#include "calendar/formats/vevent.hpp"
#include "calendar/formats/xcal.hpp"
#include "calendar/model/calendar_config.hpp"
#include "calendar/model/event.hpp"
#include "calendar/model/recurrence.hpp"
#include "calendar/model/timezone.hpp"
#include "common/body.hpp"
#include "tests/support/cmocka.hpp"  // last

using namespace civic;
using namespace civic::calendar;

namespace {

struct Fixture {
  CalendarConfig cal;
  Event concert;  // Helsinki time, two languages, a location, keywords
  Event choir;    // weekly, three times, all day
  VeventStyle style;
  std::string scratch;  // what a helper returns a view of
  rapidjson::Document json;
  xmlDocPtr xml = nullptr;
  icalcomponent* vevent = nullptr;
  ~Fixture() {
    if (xml) xmlFreeDoc(xml);
    if (vevent) icalcomponent_free(vevent);
  }
};

int setup(void** state) {
  auto* f = new Fixture;
  f->cal.name = "culture";
  f->cal.languages = {"fi", "en"};
  f->cal.timezone = "Europe/Helsinki";
  f->cal.title.set("fi", "Kulttuuri");

  Event& c = f->concert;
  c.id = "turku:12345";
  c.name.set("fi", "Joulukonsertti");
  c.name.set("en", "Christmas concert");
  c.description.set("fi", "Perinteinen konsertti, jossa lauletaan; pitkä kuvaus joka taittuu usealle riville "
                          "koska se on yli seitsemänkymmentäviisi tavua pitkä");
  c.timezone = "Europe/Helsinki";
  c.start = EventTime{CivilTime{2026, 12, 5, 18, 0, 0}, false};
  c.end = EventTime{CivilTime{2026, 12, 5, 20, 0, 0}, false};
  Location place;
  place.id = "tpk:1";
  place.name.set("fi", "Konserttitalo");
  place.position = Position{22.2686, 60.4518};
  c.location = place;
  c.keywords = {"culture", "music"};
  c.status = EventStatus::cancelled;
  c.sequence = 3;
  c.created_us = c.modified_us = seconds_from_civil({2026, 11, 1, 12, 0, 0}) * 1000000;

  Event& w = f->choir;
  w.id = "choir";
  w.name.set("fi", "Kuoro");
  w.timezone = "Europe/Helsinki";
  w.start = EventTime{CivilTime{2026, 12, 1, 0, 0, 0}, true};
  w.end = EventTime{CivilTime{2026, 12, 2, 0, 0, 0}, true};
  w.recurrence = Recurrence{"FREQ=WEEKLY;COUNT=3", {}, {}};
  w.created_us = w.modified_us = c.created_us;

  f->style = vevent_style(f->cal, "fi");
  *state = f;
  return 0;
}

int teardown(void** state) {
  delete static_cast<Fixture*>(*state);
  return 0;
}

// --- VEVENT ---------------------------------------------------------------

// The VEVENT of `e` as libical reads it (kept in the fixture); false if it
// does not parse, or a line is longer than 75 octets or not CRLF-terminated.
bool read_vevent(Fixture& f, const Event& e) {
  f.scratch = render_vevent(e, f.style);
  for (std::size_t at = 0; at < f.scratch.size();) {
    std::size_t end = f.scratch.find("\r\n", at);
    if (end == std::string::npos || end - at > 75) return false;  // RFC 5545 §3.1
    at = end + 2;
  }
  if (f.vevent) icalcomponent_free(f.vevent);
  f.vevent = icalcomponent_new_from_string(f.scratch.c_str());
  return f.vevent && icalcomponent_isa(f.vevent) == ICAL_VEVENT_COMPONENT;
}

// A property's value (its first), "" if absent.
const char* vevent_value(Fixture& f, icalproperty_kind kind) {
  icalproperty* p = icalcomponent_get_first_property(f.vevent, kind);
  f.scratch = p ? icalproperty_get_value_as_string(p) : "";
  return f.scratch.c_str();
}

// DESCRIPTION as text: unfolded and unescaped.
const char* vevent_description(Fixture& f) {
  icalproperty* p = icalcomponent_get_first_property(f.vevent, ICAL_DESCRIPTION_PROPERTY);
  f.scratch = p && icalproperty_get_description(p) ? icalproperty_get_description(p) : "";
  return f.scratch.c_str();
}

const char* vevent_parameter(Fixture& f, icalproperty_kind kind, const char* name) {
  icalproperty* p = icalcomponent_get_first_property(f.vevent, kind);
  const char* value = p ? icalproperty_get_parameter_as_string(p, name) : nullptr;
  f.scratch = value ? value : "";
  return f.scratch.c_str();
}

void vevent_carries_the_event(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  assert_true(read_vevent(f, f.concert));
  assert_string_equal(vevent_value(f, ICAL_UID_PROPERTY), "turku:12345");
  assert_string_equal(vevent_value(f, ICAL_SUMMARY_PROPERTY), "Joulukonsertti");
  assert_string_equal(vevent_parameter(f, ICAL_SUMMARY_PROPERTY, "LANGUAGE"), "fi");
  assert_string_equal(vevent_value(f, ICAL_DTSTART_PROPERTY), "20261205T180000");
  assert_string_equal(vevent_parameter(f, ICAL_DTSTART_PROPERTY, "TZID"), "Europe/Helsinki");
  assert_string_equal(vevent_value(f, ICAL_DTEND_PROPERTY), "20261205T200000");
  assert_string_equal(vevent_value(f, ICAL_STATUS_PROPERTY), "CANCELLED");
  assert_string_equal(vevent_value(f, ICAL_SEQUENCE_PROPERTY), "3");
  assert_string_equal(vevent_value(f, ICAL_CATEGORIES_PROPERTY), "culture");
  // Unfolded and unescaped by libical: the text as given.
  assert_non_null(std::strstr(vevent_description(f), "lauletaan; pitkä kuvaus"));
  assert_string_equal(tzid_used(f.concert).data(), "Europe/Helsinki");
}

void vevent_of_an_all_day_series(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  assert_true(read_vevent(f, f.choir));
  assert_string_equal(vevent_value(f, ICAL_DTSTART_PROPERTY), "20261201");
  assert_string_equal(vevent_parameter(f, ICAL_DTSTART_PROPERTY, "VALUE"), "DATE");
  assert_string_equal(vevent_value(f, ICAL_DTEND_PROPERTY), "20261202");
  assert_string_equal(vevent_value(f, ICAL_RRULE_PROPERTY), "FREQ=WEEKLY;COUNT=3");
  assert_true(tzid_used(f.choir).empty());  // dates need no VTIMEZONE
}

// --- jCal -------------------------------------------------------------------

// The jCal of `e`'s VEVENT, parsed into the fixture; false if it is not JSON.
bool read_jcal(Fixture& f, const Event& e) {
  f.scratch = jcal_of_ical(render_vevent(e, f.style));
  f.json.Parse(f.scratch.c_str());
  return !f.json.HasParseError() && f.json.IsArray();
}

// A property of the component: [name, {params}, type, value...]
const rapidjson::Value* jcal_property(const rapidjson::Value& component, const char* name) {
  for (const auto& p : component[1].GetArray())
    if (p.IsArray() && p.Size() >= 4 && p[0].IsString() && std::strcmp(p[0].GetString(), name) == 0) return &p;
  return nullptr;
}

void jcal_has_the_rfc_7265_shape(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  assert_true(read_jcal(f, f.concert));
  // RFC 7265 §3.1: ["vevent", [properties], [components]]
  assert_int_equal(f.json.Size(), 3);
  assert_string_equal(f.json[0].GetString(), "vevent");
  assert_true(f.json[1].IsArray() && f.json[2].IsArray());
  const rapidjson::Value* start = jcal_property(f.json, "dtstart");
  assert_non_null(start);
  assert_string_equal((*start)[1]["tzid"].GetString(), "Europe/Helsinki");
  assert_string_equal((*start)[2].GetString(), "date-time");
  assert_string_equal((*start)[3].GetString(), "2026-12-05T18:00:00");
  const rapidjson::Value* summary = jcal_property(f.json, "summary");
  assert_non_null(summary);
  assert_string_equal((*summary)[1]["language"].GetString(), "fi");
  assert_string_equal((*summary)[2].GetString(), "text");
  assert_string_equal((*summary)[3].GetString(), "Joulukonsertti");
  const rapidjson::Value* sequence = jcal_property(f.json, "sequence");
  assert_non_null(sequence);
  assert_true((*sequence)[3].IsInt() && (*sequence)[3].GetInt() == 3);  // integers are numbers
  const rapidjson::Value* categories = jcal_property(f.json, "categories");
  assert_non_null(categories);
  assert_int_equal(categories->Size(), 5);  // a list: one value each
}

void jcal_of_a_series(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  assert_true(read_jcal(f, f.choir));
  const rapidjson::Value* start = jcal_property(f.json, "dtstart");
  assert_non_null(start);
  assert_string_equal((*start)[2].GetString(), "date");
  assert_string_equal((*start)[3].GetString(), "2026-12-01");
  // RFC 7265 §3.6.10: a RECUR value is an object.
  const rapidjson::Value* rrule = jcal_property(f.json, "rrule");
  assert_non_null(rrule);
  assert_string_equal((*rrule)[2].GetString(), "recur");
  assert_string_equal((*rrule)[3]["freq"].GetString(), "WEEKLY");
  assert_int_equal((*rrule)[3]["count"].GetInt(), 3);
}

// --- the tree the VEVENT writer gives jCal and xCal ------------------------

// Random text from pieces that TEXT escaping, folding and parameter quoting
// treat specially.
std::string random_text(std::mt19937& rng, std::size_t max_pieces) {
  static const char* const kPieces[] = {"konsertti", " ", "ä", "Å", "—", ",", ";", ":", "\\", "\n", "\r\n",
                                        "\r",        "\t", "\x01", "\x7f", "\"", "^", "<b>", "</b>", "&amp;",
                                        "<p>",       "</p>", "<br>", "x", "🎄", "pitkä teksti joka jatkuu "};
  std::string out;
  std::size_t n = rng() % (max_pieces + 1);
  for (std::size_t i = 0; i < n; ++i) out += kPieces[rng() % std::size(kPieces)];
  return out;
}

Event random_event(std::mt19937& rng, int i) {
  static const char* const kLanguages[] = {"fi", "sv", "en", "und"};
  Event e;
  e.id = "ev" + std::to_string(i) + random_text(rng, 2);
  for (const char* lang : kLanguages) {
    if (rng() % 2) e.name.set(lang, random_text(rng, 12));
    if (rng() % 3 == 0) e.short_description.set(lang, random_text(rng, 20));
    if (rng() % 2) e.description.set(lang, random_text(rng, 60));
    if (rng() % 4 == 0) e.info_url.set(lang, "https://example.fi/e/" + std::to_string(rng() % 1000) + "?a=1,2;b");
  }
  bool all_day = rng() % 4 == 0;
  static const char* const kZones[] = {"Europe/Helsinki", "UTC", "America/New_York"};
  e.timezone = kZones[rng() % std::size(kZones)];
  CivilTime start{2026 + static_cast<int>(rng() % 3), 1 + static_cast<int>(rng() % 12), 1 + static_cast<int>(rng() % 28),
                  all_day ? 0 : static_cast<int>(rng() % 24), all_day ? 0 : static_cast<int>(rng() % 60), 0};
  e.start = EventTime{start, all_day};
  if (rng() % 3) e.end = EventTime{all_day ? add_days(start, 1 + static_cast<int>(rng() % 3)) : start, all_day};
  if (e.end && !all_day) e.end->local.hour = std::min(23, start.hour + static_cast<int>(rng() % 3));
  if (rng() % 3 == 0) {
    static const char* const kRules[] = {"FREQ=WEEKLY;COUNT=3", "FREQ=DAILY;INTERVAL=2;UNTIL=20271231T220000Z",
                                         "FREQ=MONTHLY;BYDAY=1MO,-1FR;COUNT=10", "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=24"};
    Recurrence r{kRules[rng() % std::size(kRules)], {}, {}};
    for (int k = static_cast<int>(rng() % 3); k > 0; --k) r.exdates.push_back(EventTime{add_days(start, 7 * k), all_day});
    for (int k = static_cast<int>(rng() % 3); k > 0; --k) r.rdates.push_back(EventTime{add_days(start, 3 * k), all_day});
    e.recurrence = r;
  }
  if (rng() % 3) {
    Location l;
    l.id = "tpk:" + std::to_string(rng() % 100);
    if (rng() % 2) l.name.set(kLanguages[rng() % 4], random_text(rng, 4));
    if (rng() % 2) l.street_address.set("fi", random_text(rng, 4));
    if (rng() % 2) l.address_locality.set("sv", random_text(rng, 2));
    if (rng() % 2) l.postal_code = "20100";
    if (rng() % 2) l.position = Position{(rng() % 3600000) / 10000.0 - 180, (rng() % 1800000) / 10000.0 - 90};
    e.location = l;
  }
  // Keywords without escapes or quotes: libical splits a CATEGORIES list
  // wrongly around them (keywords_keep_their_escapes tests those).
  for (int k = static_cast<int>(rng() % 4); k > 0; --k) {
    std::string keyword = "k" + random_text(rng, 3);
    std::erase_if(keyword, [](char c) { return c == '\\' || c == ';' || c == ',' || c == '"' || c == '\n' || c == '\r'; });
    e.keywords.push_back(keyword);
  }
  for (int k = static_cast<int>(rng() % 3); k > 0; --k) e.images.push_back(Image{"https://example.fi/i/" + std::to_string(k) + ".jpg", "", ""});
  e.status = static_cast<EventStatus>(rng() % 4);
  e.sequence = rng() % 2 ? static_cast<std::uint32_t>(rng()) : 0;
  e.created_us = seconds_from_civil({2026, 1, 1, 0, 0, 0}) * 1000000 + static_cast<std::int64_t>(rng() % 1000000) * 1000000;
  e.modified_us = e.created_us + static_cast<std::int64_t>(rng() % 1000) * 1000000;
  return e;
}

// jCal and xCal are written from the tree render_vevent gives, not from the
// text read back: the tree must be exactly what libical reads from the text.
void tree_is_what_libical_reads_back(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  std::mt19937 rng(20261129);
  CalendarConfig odd = f.cal;
  odd.title.set("fi", "Kulttuuri; \"musiikki\", teatteri: ^ ja \x01");
  odd.organizer = "mailto:tapahtumat@example.fi";
  std::vector<VeventStyle> styles = {f.style, vevent_style(odd, "fi"), vevent_style(f.cal, "sv")};
  std::vector<Event> events = {f.concert, f.choir};
  for (int i = 0; i < 2000; ++i) events.push_back(random_event(rng, i));
  int compared = 0;
  for (const Event& e : events) {
    for (const VeventStyle& style : styles) {
      ComponentTree tree;
      std::string text = render_vevent(e, style, &tree);
      assert_string_equal(text.c_str(), render_vevent(e, style).c_str());  // the tree changes nothing
      std::string by_libical = jcal_of_ical(text);
      std::string from_tree = component_jcal(tree);
      if (by_libical != from_tree) {
        std::fprintf(stderr, "%s\nlibical: %s\ntree:    %s\n", text.c_str(), by_libical.c_str(), from_tree.c_str());
        fail();
      }
      assert_string_equal(xcal_of_ical(text).c_str(), component_xcal(tree).c_str());
      ++compared;
    }
  }
  assert_int_equal(compared, 3 * 2002);
}

// libical reads "CATEGORIES:k\\;x,y", "k\\nx,y" and 'k"x,y' as one value
// each and "k\\\\,y" as "k\\,y"; the tree has each keyword as it was.
void keywords_keep_their_escapes(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  Event e = f.concert;
  e.keywords = {"rock;pop", "a,b", "back\\", "\"quoted\"", "two\nlines", "plain"};
  ComponentTree tree;
  std::string text = render_vevent(e, f.style, &tree);
  assert_non_null(std::strstr(text.c_str(), "CATEGORIES:rock\\;pop,a\\,b,back\\\\,\"quoted\",two\\nlines,plain\r\n"));
  f.scratch = component_jcal(tree);
  f.json.Parse(f.scratch.c_str());
  const rapidjson::Value* categories = jcal_property(f.json, "categories");
  assert_non_null(categories);
  assert_int_equal(categories->Size(), 9);
  assert_string_equal((*categories)[3].GetString(), "rock;pop");
  assert_string_equal((*categories)[4].GetString(), "a,b");
  assert_string_equal((*categories)[5].GetString(), "back\\");
  assert_string_equal((*categories)[6].GetString(), "\"quoted\"");
  assert_string_equal((*categories)[7].GetString(), "two\nlines");
  assert_string_equal((*categories)[8].GetString(), "plain");
}

// --- xCal -------------------------------------------------------------------

// A whole xCal document for `e` (the calendar's frame around its VEVENT),
// parsed by libxml2 into the fixture.
bool read_xcal(Fixture& f, const Event& e) {
  std::string calendar_text = render_calendar_head(f.cal, "fi");
  calendar_text.append(kCalendarTail);
  XcalFrame frame = xcal_frame(calendar_text);
  f.scratch = frame.head + xcal_of_ical(render_vevent(e, f.style)) + frame.tail;
  if (f.xml) xmlFreeDoc(f.xml);
  f.xml = xmlReadMemory(f.scratch.data(), static_cast<int>(f.scratch.size()), "xcal.xml", nullptr, XML_PARSE_NONET);
  return f.xml != nullptr;
}

// The text of the first node `path` finds (prefix x: the xCal namespace).
const char* xcal_text(Fixture& f, const char* path) {
  f.scratch.clear();
  xmlXPathContextPtr context = xmlXPathNewContext(f.xml);
  xmlXPathRegisterNs(context, BAD_CAST "x", BAD_CAST kXcalNamespace.data());
  xmlXPathObjectPtr found = xmlXPathEvalExpression(BAD_CAST path, context);
  if (found && found->nodesetval && found->nodesetval->nodeNr > 0) {
    xmlChar* text = xmlNodeGetContent(found->nodesetval->nodeTab[0]);
    f.scratch = reinterpret_cast<const char*>(text);
    xmlFree(text);
  } else {
    f.scratch = "(none)";
  }
  xmlXPathFreeObject(found);
  xmlXPathFreeContext(context);
  return f.scratch.c_str();
}

// The text at `path` under the VEVENT's properties.
const char* event_text(Fixture& f, const char* path) {
  std::string full = std::string("/x:icalendar/x:vcalendar/x:components/x:vevent/x:properties/") + path;
  return xcal_text(f, full.c_str());
}

void xcal_has_the_rfc_6321_shape(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  assert_true(read_xcal(f, f.concert));
  // RFC 6321 §3.3: icalendar > vcalendar > components > vevent > properties
  assert_string_equal(event_text(f, "x:uid/x:text"), "turku:12345");
  assert_string_equal(event_text(f, "x:dtstart/x:date-time"), "2026-12-05T18:00:00");
  assert_string_equal(event_text(f, "x:dtstart/x:parameters/x:tzid/x:text"),
                      "Europe/Helsinki");
  assert_string_equal(event_text(f, "x:summary/x:parameters/x:language/x:text"),
                      "fi");
  assert_string_equal(event_text(f, "x:sequence/x:integer"), "3");
  assert_string_equal(xcal_text(f, "/x:icalendar/x:vcalendar/x:properties/x:version/x:text"), "2.0");
}

void xcal_of_a_series(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  assert_true(read_xcal(f, f.choir));
  assert_string_equal(event_text(f, "x:dtstart/x:date"), "2026-12-01");
  assert_string_equal(event_text(f, "x:rrule/x:recur/x:freq"), "WEEKLY");
  assert_string_equal(event_text(f, "x:rrule/x:recur/x:count"), "3");
}

// --- JSON (Linked Events) ---------------------------------------------------

// The list object of `e` as a request gets it (the stored template with the
// request's "@id" base), optionally as one occurrence; parsed into the fixture.
bool read_json(Fixture& f, const Event& e, const OccurrenceTimes* occurrence = nullptr, unsigned include = 0) {
  std::string stored = event_json_template(e, f.cal.name, "fi");
  std::string base = json_string_content("https://host/calendars/");
  Body body;
  std::optional<OccurrenceTimes> o;
  if (occurrence) o = *occurrence;
  if (!append_event_json(body, stored, base, o, EventClock{e.timezone, e.all_day()}, include)) return false;
  f.scratch = body.str();
  f.json.Parse(f.scratch.c_str());
  return !f.json.HasParseError() && f.json.IsObject();
}

const char* json_text(Fixture& f, const char* pointer_text) {
  const rapidjson::Value* v = rapidjson::Pointer(pointer_text).Get(f.json);
  return v && v->IsString() ? v->GetString() : "(none)";
}

void json_has_the_linked_events_shape(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  assert_true(read_json(f, f.concert));
  assert_string_equal(json_text(f, "/id"), "turku:12345");
  assert_string_equal(json_text(f, "/@id"), "https://host/calendars/culture/events/turku:12345.json");
  assert_string_equal(json_text(f, "/@type"), "Event");
  assert_string_equal(json_text(f, "/name/fi"), "Joulukonsertti");
  assert_string_equal(json_text(f, "/name/en"), "Christmas concert");
  assert_string_equal(json_text(f, "/start_time"), "2026-12-05T18:00:00+02:00");
  assert_string_equal(json_text(f, "/end_time"), "2026-12-05T20:00:00+02:00");
  assert_string_equal(json_text(f, "/event_status"), "EventCancelled");
  // Places and keywords as Linked Events gives them: references by default.
  assert_string_equal(json_text(f, "/keywords/1/@id"), "https://host/calendars/culture/keywords/music.json");
  assert_int_equal(f.json["keywords"][1].MemberCount(), 1);
  assert_string_equal(json_text(f, "/location/@id"), "https://host/calendars/culture/places/tpk:1.json");
  assert_int_equal(f.json["location"].MemberCount(), 1);
  assert_string_equal(json_text(f, "/super_event"), "(none)");
  // include=location,keywords: the objects, with their @id.
  assert_true(read_json(f, f.concert, nullptr, kIncludeLocation | kIncludeKeywords));
  assert_string_equal(json_text(f, "/keywords/1/id"), "music");
  assert_string_equal(json_text(f, "/keywords/1/@id"), "https://host/calendars/culture/keywords/music.json");
  assert_string_equal(json_text(f, "/keywords/1/name/fi"), "music");
  assert_string_equal(json_text(f, "/location/id"), "tpk:1");
  assert_string_equal(json_text(f, "/location/@type"), "Place");
  assert_string_equal(json_text(f, "/location/@id"), "https://host/calendars/culture/places/tpk:1.json");
  assert_true(f.json["location"].HasMember("name"));
  assert_true(read_json(f, f.concert, nullptr, kIncludeKeywords));
  assert_int_equal(f.json["location"].MemberCount(), 1);
  assert_string_equal(json_text(f, "/keywords/0/@type"), "Keyword");
  // What the admin API (and a replica) reads back: the same event.
  Event back;
  auto err = event_from_json(f.scratch, EventDefaults{"fi", "Europe/Helsinki"}, back);
  assert_null(err ? err->message.c_str() : nullptr);
  assert_true(back.keywords == f.concert.keywords);
  assert_true(back.location && back.location->id == "tpk:1");
  assert_true(read_json(f, f.concert));
  err = event_from_json(f.scratch, EventDefaults{"fi", "Europe/Helsinki"}, back);
  assert_null(err ? err->message.c_str() : nullptr);
  assert_true(back.keywords == f.concert.keywords);  // from each reference's URL
  assert_true(back.location && back.location->id == "tpk:1" && back.location->name.empty());
}

void json_of_one_occurrence(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  // The second Tuesday of the series: 8 December, all day.
  std::int64_t day = instant_of(EventTime{CivilTime{2026, 12, 8, 0, 0, 0}, true}, "Europe/Helsinki");
  OccurrenceTimes second{day, day + 86400};
  assert_true(read_json(f, f.choir, &second));
  assert_string_equal(json_text(f, "/start_time"), "2026-12-08");
  assert_string_equal(json_text(f, "/end_time"), "2026-12-08");  // the last day itself
  assert_string_equal(json_text(f, "/recurrence_id"), "2026-12-08");
  assert_non_null(std::strstr(json_text(f, "/@id"), "choir.json?recurrence_id=2026-12-08"));
  assert_non_null(std::strstr(json_text(f, "/super_event/@id"), "choir.json"));
}

}  // namespace

int main() {
  init_timezones();
  const CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(vevent_carries_the_event, setup, teardown),
      cmocka_unit_test_setup_teardown(vevent_of_an_all_day_series, setup, teardown),
      cmocka_unit_test_setup_teardown(jcal_has_the_rfc_7265_shape, setup, teardown),
      cmocka_unit_test_setup_teardown(jcal_of_a_series, setup, teardown),
      cmocka_unit_test_setup_teardown(tree_is_what_libical_reads_back, setup, teardown),
      cmocka_unit_test_setup_teardown(keywords_keep_their_escapes, setup, teardown),
      cmocka_unit_test_setup_teardown(xcal_has_the_rfc_6321_shape, setup, teardown),
      cmocka_unit_test_setup_teardown(xcal_of_a_series, setup, teardown),
      cmocka_unit_test_setup_teardown(json_has_the_linked_events_shape, setup, teardown),
      cmocka_unit_test_setup_teardown(json_of_one_occurrence, setup, teardown),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
