#include "calendar/formats/event_json.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>

#include "calendar/formats/event_json_template.hpp"
#include "calendar/model/recurrence.hpp"
#include "calendar/model/timezone.hpp"
#include "common/url.hpp"

namespace civic::calendar {

namespace {

using rapidjson::Value;

constexpr unsigned kParseFlags = rapidjson::kParseValidateEncodingFlag | rapidjson::kParseStopWhenDoneFlag;

FieldError invalid(std::string field, std::string message) {
  return FieldError{std::move(field), std::move(message), FieldError::Kind::invalid};
}

std::string join(std::string_view path, std::string_view name) {
  if (path.empty()) return std::string(name);
  if (!name.empty() && name.front() == '[') return std::string(path) + std::string(name);
  return std::string(path) + "." + std::string(name);
}

std::string_view view(const Value& v) { return {v.GetString(), v.GetStringLength()}; }

// Text as an event may hold it: no control characters but tab and newlines
// (CRLF becomes LF).
bool clean_text(std::string_view in, std::string& out) {
  out.clear();
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    auto c = static_cast<unsigned char>(in[i]);
    if (c == '\r') {
      if (i + 1 < in.size() && in[i + 1] == '\n') continue;
      out += '\n';
      continue;
    }
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) return false;
    out += static_cast<char>(c);
  }
  return true;
}

// The id a resource's URL ends with: ".../keywords/yso%3Ap1235.json" (civic)
// or ".../keyword/yso:p1235/" (Linked Events) -> "yso:p1235".
bool resource_id(std::string_view url, std::string& id) {
  while (!url.empty() && url.back() == '/') url.remove_suffix(1);
  if (url.ends_with(".json")) url.remove_suffix(5);
  std::size_t slash = url.rfind('/');
  std::string_view last = slash == std::string_view::npos ? url : url.substr(slash + 1);
  // A path keeps "+" as itself (percent_decode reads it as a form's space).
  std::string segment;
  for (char c : last) segment += c == '+' ? std::string("%2B") : std::string(1, c);
  id.clear();
  return !segment.empty() && url::percent_decode(segment, id) && !id.empty() && id.size() <= EventLimits::kUrlBytes;
}

bool is_http_url(std::string_view url) {
  if (!(url.starts_with("https://") || url.starts_with("http://"))) return false;
  for (char c : url)
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f || c == '"' || c == '<' || c == '>') return false;
  return url.size() > 8;
}

// The members of an event object, found by name; field names with the
// object's path ("[3].start_time").
class Members {
 public:
  Members(const Value& v, std::string_view path) : v_(v), path_(path) {}
  const Value* find(const char* name) const {
    auto m = v_.FindMember(name);
    return m == v_.MemberEnd() ? nullptr : &m->value;
  }
  // The member unless absent or null.
  const Value* given(const char* name) const {
    const Value* m = find(name);
    return m && !m->IsNull() ? m : nullptr;
  }
  std::string field(std::string_view name) const { return join(path_, name); }

 private:
  const Value& v_;
  std::string_view path_;
};

// An array of at most `most` elements, each read by `one(element, its field)`.
template <class One>
std::optional<FieldError> array_of(const Value& v, const std::string& field, std::string_view not_array,
                                   std::size_t most, std::string_view what, One one) {
  if (!v.IsArray()) return invalid(field, std::string(not_array));
  if (v.Size() > most) return invalid(field, "has more than " + std::to_string(most) + " " + std::string(what));
  for (rapidjson::SizeType i = 0; i < v.Size(); ++i)
    if (auto err = one(v[i], field + "[" + std::to_string(i) + "]")) return err;
  return std::nullopt;
}

class Reader {
 public:
  // `stored`: the form the store keeps (canonical_json), read back.
  explicit Reader(const EventDefaults& d, bool stored = false) : defaults_(d), stored_(stored) {}

  std::optional<FieldError> event(const Value& v, std::string_view path, Event& e);

 private:
  std::optional<FieldError> identity(const Members& m, Event& e);
  std::optional<FieldError> times(const Members& m, Event& e);
  std::optional<FieldError> texts(const Members& m, Event& e);
  std::optional<FieldError> keywords(const Value& v, const std::string& field, std::vector<std::string>& out);
  std::optional<FieldError> offer(const Value& v, const std::string& field, std::vector<Offer>& out);
  std::optional<FieldError> image(const Value& v, const std::string& field, std::vector<Image>& out);

  std::optional<FieldError> string(const Value& v, const std::string& field, std::size_t max, std::string& out,
                                   bool allow_empty = false) {
    if (!v.IsString()) return invalid(field, "must be a string");
    if (v.GetStringLength() > max) return invalid(field, "is longer than " + std::to_string(max) + " bytes");
    if (!clean_text(view(v), out)) return invalid(field, "holds a control character");
    if (!allow_empty && out.empty()) return invalid(field, "is empty");
    return std::nullopt;
  }

  // {"fi": "...", "sv": "..."}, or a plain string in the default language.
  std::optional<FieldError> lang_text(const Value& v, const std::string& field, std::size_t max, LangText& out,
                                      bool urls = false) {
    out = LangText{};
    if (v.IsNull()) return std::nullopt;
    auto one = [&](std::string lang, const Value& text, const std::string& f) -> std::optional<FieldError> {
      if (text.IsNull()) return std::nullopt;
      std::string value;
      if (auto err = string(text, f, max, value, true)) return err;
      if (value.empty()) return std::nullopt;
      if (urls && !is_http_url(value)) return invalid(f, "must be an http or https URL");
      out.set(std::move(lang), std::move(value));
      return std::nullopt;
    };
    if (v.IsString()) return one(defaults_.language, v, field);
    if (!v.IsObject()) return invalid(field, "must be an object of texts by language, e.g. {\"fi\": \"...\"}");
    if (v.MemberCount() > EventLimits::kLanguages) return invalid(field, "has too many languages");
    for (auto m = v.MemberBegin(); m != v.MemberEnd(); ++m) {
      std::string lang(view(m->name));
      std::string f = field + "." + lang;
      if (!is_language_tag(lang)) return invalid(f, "\"" + lang + "\" is not a language tag (such as fi, sv, en)");
      if (auto err = one(lang, m->value, f)) return err;
    }
    return std::nullopt;
  }

  // A date or date-time; one without an offset is wall-clock time in `zone`.
  std::optional<FieldError> time(const Value& v, const std::string& field, std::string_view zone, EventTime& out) {
    if (!v.IsString()) return invalid(field, "must be an ISO 8601 date or date-time string");
    auto iso = parse_iso8601(view(v));
    if (!iso) {
      if (iso8601_year_out_of_range(view(v))) return invalid(field, years_message());
      return invalid(field, "is not an ISO 8601 date (2026-12-24) or date-time (2026-12-05T18:00:00+02:00)");
    }
    out.date_only = iso->date_only;
    if (iso->date_only) {
      out.local = iso->civil;
      return std::nullopt;
    }
    if (!iso->offset_seconds) {
      // RFC 5545 §3.3.5: a time the clocks skip moves forward by the gap;
      // one they show twice is the first.
      out.local = utc_to_local(local_to_utc(iso->civil, zone), zone);
    } else {
      std::int64_t utc = seconds_from_civil(iso->civil) - *iso->offset_seconds;
      std::optional<CivilTime> local = wall_clock_of(utc, zone);
      if (!local) {
        // The event keeps wall-clock times, which name only the first pass
        // through a repeated hour. What the store wrote before that rule
        // was kept is read back as such.
        if (!stored_)
          return invalid(field, "is the second pass through an hour that " + std::string(zone) +
                                    " repeats when clocks go back; a local time there names the first pass "
                                    "(RFC 5545 §3.3.5), so this one cannot be kept in that zone");
        local = utc_to_local(utc, zone);
      }
      out.local = *local;
    }
    if (out.local.year < kMinYear || out.local.year > kMaxYear) return invalid(field, years_message());
    return std::nullopt;
  }

  static std::string years_message() {
    return "must be from " + std::to_string(kMinYear) + "-01-01 to " + std::to_string(kMaxYear) +
           "-12-31, the years civic takes";
  }

  std::optional<FieldError> location(const Value& v, const std::string& field, std::optional<Location>& out);
  std::optional<FieldError> recurrence(const Value& v, const std::string& field, Event& e);

  const EventDefaults& defaults_;
  bool stored_ = false;
};

std::optional<FieldError> Reader::location(const Value& v, const std::string& field, std::optional<Location>& out) {
  out.reset();
  if (v.IsNull()) return std::nullopt;
  if (!v.IsObject()) return invalid(field, "must be an object");
  Location loc;
  for (auto m = v.MemberBegin(); m != v.MemberEnd(); ++m) {
    std::string_view name = view(m->name);
    std::string f = field + "." + std::string(name);
    const Value& x = m->value;
    if (name == "id") {
      if (x.IsNull()) continue;
      if (auto err = string(x, f, EventLimits::kUrlBytes, loc.id)) return err;
    } else if (name == "@id") {
      // A place's URL (Linked Events' reference): its id, unless "id" says it.
      if (x.IsNull() || v.HasMember("id")) continue;
      if (!x.IsString() || !resource_id(view(x), loc.id)) return invalid(f, "must be a place's URL (.../places/ID.json)");
    } else if (name == "name") {
      if (auto err = lang_text(x, f, EventLimits::kNameBytes, loc.name)) return err;
    } else if (name == "street_address") {
      if (auto err = lang_text(x, f, EventLimits::kNameBytes, loc.street_address)) return err;
    } else if (name == "address_locality") {
      if (auto err = lang_text(x, f, EventLimits::kNameBytes, loc.address_locality)) return err;
    } else if (name == "postal_code") {
      if (x.IsNull()) continue;
      if (auto err = string(x, f, 32, loc.postal_code, true)) return err;
    } else if (name == "position") {
      if (x.IsNull()) continue;
      if (!x.IsObject()) return invalid(f, "must be a GeoJSON Point: {\"type\": \"Point\", \"coordinates\": [lon, lat]}");
      auto type = x.FindMember("type");
      if (type != x.MemberEnd() && !(type->value.IsString() && view(type->value) == "Point"))
        return invalid(f + ".type", "must be \"Point\"");
      auto c = x.FindMember("coordinates");
      if (c == x.MemberEnd() || !c->value.IsArray() || c->value.Size() != 2 || !c->value[0].IsNumber() ||
          !c->value[1].IsNumber())
        return invalid(f + ".coordinates", "must be [longitude, latitude]");
      double lon = c->value[0].GetDouble();
      double lat = c->value[1].GetDouble();
      if (!std::isfinite(lon) || lon < -180 || lon > 180) return invalid(f + ".coordinates", "longitude must be -180 to 180");
      if (!std::isfinite(lat) || lat < -90 || lat > 90) return invalid(f + ".coordinates", "latitude must be -90 to 90");
      loc.position = Position{lon, lat};
    }
  }
  if (loc == Location{}) return std::nullopt;
  out = std::move(loc);
  return std::nullopt;
}

std::optional<FieldError> Reader::recurrence(const Value& v, const std::string& field, Event& e) {
  e.recurrence.reset();
  if (v.IsNull()) return std::nullopt;
  if (!v.IsObject()) return invalid(field, "must be an object: {\"rrule\": \"FREQ=WEEKLY;COUNT=10\"}");
  Recurrence r;
  auto rule = v.FindMember("rrule");
  if (rule != v.MemberEnd() && !rule->value.IsNull()) {
    if (!rule->value.IsString()) return invalid(field + ".rrule", "must be a string");
    std::string error;
    auto normalized = normalize_rrule(view(rule->value), e.start, e.timezone, error);
    if (!normalized) return invalid(field + ".rrule", error);
    r.rrule = std::move(*normalized);
  }
  for (const char* key : {"exdate", "rdate"}) {
    auto list = v.FindMember(key);
    if (list == v.MemberEnd() || list->value.IsNull()) continue;
    std::string f = field + "." + key;
    if (!list->value.IsArray()) return invalid(f, "must be an array of dates or date-times");
    if (list->value.Size() > EventLimits::kRecurrenceDates)
      return invalid(f, "has more than " + std::to_string(EventLimits::kRecurrenceDates) + " dates");
    auto& target = std::string_view(key) == "exdate" ? r.exdates : r.rdates;
    for (rapidjson::SizeType i = 0; i < list->value.Size(); ++i) {
      std::string fi = f + "[" + std::to_string(i) + "]";
      EventTime t;
      if (auto err = time(list->value[i], fi, e.timezone, t)) return err;
      if (t.date_only != e.start.date_only)
        return invalid(fi, e.start.date_only ? "must be a date, as start_time is" : "must be a date-time, as start_time is");
      target.push_back(t);
    }
    std::sort(target.begin(), target.end(), [](const EventTime& a, const EventTime& b) { return a.local < b.local; });
    target.erase(std::unique(target.begin(), target.end()), target.end());
  }
  if (r.rrule.empty() && r.rdates.empty() && r.exdates.empty()) return std::nullopt;
  if (r.rrule.empty() && r.rdates.empty()) return invalid(field, "has exdate but neither rrule nor rdate");
  e.recurrence = std::move(r);
  return std::nullopt;
}

std::optional<FieldError> Reader::event(const Value& v, std::string_view path, Event& e) {
  e = Event{};
  if (!v.IsObject()) return invalid(std::string(path), "must be an event object");
  Members m(v, path);
  if (auto err = identity(m, e)) return err;
  if (auto err = times(m, e)) return err;
  if (auto err = texts(m, e)) return err;
  if (const Value* x = m.find("location"))
    if (auto err = location(*x, m.field("location"), e.location)) return err;
  if (const Value* k = m.given("keywords"))
    if (auto err = keywords(*k, m.field("keywords"), e.keywords)) return err;
  if (const Value* o = m.given("offers")) {
    auto one = [&](const Value& x, const std::string& fi) { return offer(x, fi, e.offers); };
    if (auto err = array_of(*o, m.field("offers"), "must be an array", EventLimits::kOffers, "offers", one)) return err;
  }
  if (const Value* im = m.given("images")) {
    auto one = [&](const Value& x, const std::string& fi) { return image(x, fi, e.images); };
    if (auto err = array_of(*im, m.field("images"), "must be an array", EventLimits::kImages, "images", one)) return err;
  }
  if (const Value* s = m.given("event_status")) {
    auto status = s->IsString() ? status_from_name(view(*s)) : std::nullopt;
    if (!status)
      return invalid(m.field("event_status"),
                     "must be EventScheduled, EventCancelled, EventPostponed or EventRescheduled");
    e.status = *status;
  }
  if (const Value* r = m.find("recurrence"))
    if (auto err = recurrence(*r, m.field("recurrence"), e)) return err;
  if (const Value* t = m.given("super_event_type")) {
    std::string_view type = t->IsString() ? view(*t) : std::string_view("?");
    if (type != "umbrella" && !type.empty())
      return invalid(m.field("super_event_type"),
                     "must be umbrella or null (a recurring event is one event with a recurrence)");
    e.umbrella = type == "umbrella";
  }
  // What the server keeps is read only as a floor for SEQUENCE (see upsert).
  // RFC 5545 §3.8.7.4: SEQUENCE is an INTEGER (§3.3.8, 32-bit signed), never
  // negative; anything else would be written as a SEQUENCE clients misread.
  if (const Value* s = m.given("sequence")) {
    if (!s->IsInt64() || s->GetInt64() < 0 || s->GetInt64() > kMaxSequence)
      return invalid(m.field("sequence"), "must be a whole number from 0 to " + std::to_string(kMaxSequence));
    e.sequence = static_cast<std::uint32_t>(s->GetInt64());
  }
  return std::nullopt;
}

// id and timezone (the calendar's when not given).
std::optional<FieldError> Reader::identity(const Members& m, Event& e) {
  if (const Value* id = m.given("id")) {
    if (!id->IsString() || !is_valid_event_id(view(*id)))
      return invalid(m.field("id"), "must be 1 to 255 visible ASCII characters without / % ? # or \\");
    e.id.assign(id->GetString(), id->GetStringLength());
  }
  e.timezone = defaults_.timezone;
  if (const Value* tz = m.given("timezone")) {
    if (!tz->IsString() || !zone_exists(view(*tz)))
      return invalid(m.field("timezone"), "must be a time zone of the tz database, such as Europe/Helsinki");
    e.timezone.assign(tz->GetString(), tz->GetStringLength());
  }
  return std::nullopt;
}

// start_time (required) and end_time: both dates or both date-times.
std::optional<FieldError> Reader::times(const Members& m, Event& e) {
  const Value* start = m.given("start_time");
  if (start == nullptr) return invalid(m.field("start_time"), "is required");
  if (auto err = time(*start, m.field("start_time"), e.timezone, e.start)) return err;
  const Value* end = m.given("end_time");
  if (end == nullptr) return std::nullopt;
  std::string field = m.field("end_time");
  EventTime t;
  if (auto err = time(*end, field, e.timezone, t)) return err;
  if (t.date_only != e.start.date_only)
    return invalid(field, "must be a date when start_time is a date, and a date-time when it is one");
  bool before = t.date_only ? t.local < e.start.local : instant_of(t, e.timezone) < instant_of(e.start, e.timezone);
  if (before) return invalid(field, "is before start_time");
  if (t.date_only) t.local = add_days(t.local, 1);  // the JSON names the last day; iCal's DTEND is the day after
  e.end = t;
  return std::nullopt;
}

// name (required), short_description, description, info_url.
std::optional<FieldError> Reader::texts(const Members& m, Event& e) {
  const Value* name = m.find("name");
  if (name == nullptr) return invalid(m.field("name"), "is required");
  if (auto err = lang_text(*name, m.field("name"), EventLimits::kNameBytes, e.name)) return err;
  if (e.name.empty()) return invalid(m.field("name"), "needs a text in at least one language");
  if (const Value* x = m.find("short_description"))
    if (auto err = lang_text(*x, m.field("short_description"), EventLimits::kShortBytes, e.short_description))
      return err;
  if (const Value* x = m.find("description"))
    if (auto err = lang_text(*x, m.field("description"), EventLimits::kTextBytes, e.description)) return err;
  if (const Value* x = m.find("info_url"))
    if (auto err = lang_text(*x, m.field("info_url"), EventLimits::kUrlBytes, e.info_url, true)) return err;
  return std::nullopt;
}

// Strings, or Linked Events style {"@id": ...} or {"id": ...}; no commas
// (a keyword filter lists them with commas), each once.
std::optional<FieldError> Reader::keywords(const Value& k, const std::string& field, std::vector<std::string>& out) {
  return array_of(k, field, "must be an array of strings", EventLimits::kKeywords, "keywords",
                  [&](const Value& element, const std::string& fi) -> std::optional<FieldError> {
                    const Value* item = &element;
                    std::string word;
                    if (item->IsObject()) {
                      auto id = item->FindMember("id");
                      if (id != item->MemberEnd()) {
                        item = &id->value;
                      } else if (auto ref = item->FindMember("@id"); ref != item->MemberEnd() && ref->value.IsString()) {
                        if (!resource_id(view(ref->value), word))
                          return invalid(fi + ".@id", "must be a keyword's URL (.../keywords/ID.json)");
                        item = nullptr;
                      } else {
                        return invalid(fi, "must be a string or an object with \"id\"");
                      }
                    }
                    if (item)
                      if (auto err = string(*item, fi, EventLimits::kKeywordBytes, word)) return err;
                    if (word.empty() || word.size() > EventLimits::kKeywordBytes)
                      return invalid(fi, "must be 1 to " + std::to_string(EventLimits::kKeywordBytes) + " bytes");
                    if (word.find(',') != std::string::npos) return invalid(fi, "may not hold a comma");
                    if (std::find(out.begin(), out.end(), word) == out.end()) out.push_back(std::move(word));
                    return std::nullopt;
                  });
}

std::optional<FieldError> Reader::offer(const Value& x, const std::string& fi, std::vector<Offer>& out) {
  if (!x.IsObject()) return invalid(fi, "must be an object");
  Offer offer;
  auto free = x.FindMember("is_free");
  if (free != x.MemberEnd() && !free->value.IsNull()) {
    if (!free->value.IsBool()) return invalid(fi + ".is_free", "must be true or false");
    offer.is_free = free->value.GetBool();
  }
  if (auto m = x.FindMember("price"); m != x.MemberEnd())
    if (auto err = lang_text(m->value, fi + ".price", EventLimits::kNameBytes, offer.price)) return err;
  if (auto m = x.FindMember("info_url"); m != x.MemberEnd())
    if (auto err = lang_text(m->value, fi + ".info_url", EventLimits::kUrlBytes, offer.info_url, true)) return err;
  if (auto m = x.FindMember("description"); m != x.MemberEnd())
    if (auto err = lang_text(m->value, fi + ".description", EventLimits::kShortBytes, offer.description)) return err;
  out.push_back(std::move(offer));
  return std::nullopt;
}

std::optional<FieldError> Reader::image(const Value& x, const std::string& fi, std::vector<Image>& out) {
  if (!x.IsObject()) return invalid(fi, "must be an object with \"url\"");
  Image image;
  auto url = x.FindMember("url");
  if (url == x.MemberEnd()) return invalid(fi + ".url", "is required");
  if (auto err = string(url->value, fi + ".url", EventLimits::kUrlBytes, image.url)) return err;
  if (!is_http_url(image.url)) return invalid(fi + ".url", "must be an http or https URL");
  if (auto m = x.FindMember("name"); m != x.MemberEnd() && !m->value.IsNull())
    if (auto err = string(m->value, fi + ".name", EventLimits::kNameBytes, image.name, true)) return err;
  if (auto m = x.FindMember("alt_text"); m != x.MemberEnd() && !m->value.IsNull())
    if (auto err = string(m->value, fi + ".alt_text", EventLimits::kNameBytes, image.alt_text, true)) return err;
  out.push_back(std::move(image));
  return std::nullopt;
}

std::optional<FieldError> syntax_error(const rapidjson::Document& doc) {
  FieldError e;
  e.kind = FieldError::Kind::syntax;
  e.message = std::string("the body is not valid JSON: ") + rapidjson::GetParseError_En(doc.GetParseError()) +
              " (at byte " + std::to_string(doc.GetErrorOffset()) + ")";
  return e;
}

// ---- writing

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void str(Writer& w, std::string_view s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); }

// An empty text is null, or (`empty_object`: the public lists, as Linked
// Events' schema has its texts) {}.
void lang_text_out(Writer& w, const LangText& t, bool empty_object = false) {
  if (t.empty() && !empty_object) {
    w.Null();
    return;
  }
  w.StartObject();
  for (const auto& [lang, text] : t.entries()) {
    str(w, lang);
    str(w, text);
  }
  w.EndObject();
}

std::string time_out(const EventTime& t, std::string_view zone) {
  if (t.date_only) return format_iso_date(t.local);
  std::int64_t utc = local_to_utc(t.local, zone);
  return format_iso_datetime(t.local, utc_offset(utc, zone));
}

void number_out(Writer& w, double v) {
  // Six decimals (about 0.1 m) written the same way everywhere.
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6f", v);
  w.RawValue(buf, std::char_traits<char>::length(buf), rapidjson::kNumberType);
}

}  // namespace

std::optional<FieldError> event_from_json(std::string_view json, const EventDefaults& defaults, Event& out) {
  rapidjson::Document doc;
  doc.Parse<kParseFlags>(json.data(), json.size());
  if (doc.HasParseError()) return syntax_error(doc);
  Reader reader(defaults);
  return reader.event(doc, "", out);
}

std::optional<FieldError> event_from_json_element(std::string_view json, const EventDefaults& defaults,
                                                  std::string_view path, std::uint64_t offset, Event& out) {
  rapidjson::Document doc;
  // Without kParseStopWhenDoneFlag: text after the object is refused.
  doc.Parse<rapidjson::kParseValidateEncodingFlag>(json.data(), json.size());
  if (doc.HasParseError())
    return FieldError{std::string(path),
                      std::string("is not valid JSON: ") + rapidjson::GetParseError_En(doc.GetParseError()) +
                          " (at byte " + std::to_string(offset + doc.GetErrorOffset()) + ")",
                      FieldError::Kind::syntax};
  Reader reader(defaults);
  if (auto err = reader.event(doc, path, out)) return err;
  if (out.id.empty()) return invalid(std::string(path) + ".id", "is required");
  return std::nullopt;
}

std::optional<FieldError> events_from_json_array(std::string_view json, const EventDefaults& defaults,
                                                 std::vector<Event>& out, std::size_t max_events) {
  rapidjson::Document doc;
  doc.Parse<kParseFlags>(json.data(), json.size());
  if (doc.HasParseError()) return syntax_error(doc);
  if (!doc.IsArray()) return invalid("", "the body must be a JSON array of events");
  if (doc.Size() > max_events)
    return invalid("", "more than " + std::to_string(max_events) + " events in one request");
  Reader reader(defaults);
  out.clear();
  out.reserve(doc.Size());
  for (rapidjson::SizeType i = 0; i < doc.Size(); ++i) {
    std::string path = "[" + std::to_string(i) + "]";
    Event e;
    if (auto err = reader.event(doc[i], path, e)) return err;
    if (e.id.empty()) return invalid(path + ".id", "is required");
    out.push_back(std::move(e));
  }
  return std::nullopt;
}

bool event_from_canonical_json(std::string_view json, Event& out) {
  rapidjson::Document doc;
  doc.Parse<kParseFlags>(json.data(), json.size());
  if (doc.HasParseError()) return false;
  EventDefaults defaults{"und", std::string(kUtc)};
  if (auto tz = doc.FindMember("timezone"); tz != doc.MemberEnd() && tz->value.IsString())
    defaults.timezone.assign(tz->value.GetString(), tz->value.GetStringLength());
  Reader reader(defaults, true);
  return !reader.event(doc, "", out).has_value();
}

std::string url_path_segment(std::string_view id) { return url::encoded(id, url::Keep::path_segment); }

namespace {

// "key": a text in several languages, or a string.
void member(Writer& w, const char* key, const LangText& t, bool empty_object = false) {
  w.Key(key);
  lang_text_out(w, t, empty_object);
}

void member(Writer& w, const char* key, std::string_view s) {
  w.Key(key);
  str(w, s);
}

// An array of objects, one per element, each written by `members`.
template <class T, class Write>
void objects_out(Writer& w, const std::vector<T>& elements, Write members) {
  w.StartArray();
  for (const T& element : elements) {
    w.StartObject();
    members(element);
    w.EndObject();
  }
  w.EndArray();
}

void text_or_null(Writer& w, std::string_view s) {
  if (s.empty()) {
    w.Null();
  } else {
    str(w, s);
  }
}

// start_time and end_time (an all-day event's end is its last day).
void times_out(Writer& w, const Event& e) {
  member(w, "start_time", time_out(e.start, e.timezone));
  w.Key("end_time");
  if (!e.end) {
    w.Null();
  } else if (e.end->date_only) {
    str(w, format_iso_date(add_days(e.end->local, -1)));
  } else {
    str(w, time_out(*e.end, e.timezone));
  }
}

// `members_only`: the members without the braces (inside a resource's object).
void location_out(Writer& w, const std::optional<Location>& location, bool members_only = false) {
  if (!location) {
    w.Null();
    return;
  }
  const Location& l = *location;
  if (!members_only) w.StartObject();
  if (members_only) {
    w.Key("@type");
    w.String("Place");
  }
  w.Key("id");
  text_or_null(w, l.id);
  member(w, "name", l.name);
  member(w, "street_address", l.street_address);
  member(w, "address_locality", l.address_locality);
  w.Key("postal_code");
  text_or_null(w, l.postal_code);
  w.Key("position");
  if (!l.position) {
    w.Null();
  } else {  // GeoJSON
    w.StartObject();
    w.Key("type");
    w.String("Point");
    w.Key("coordinates");
    w.StartArray();
    number_out(w, l.position->longitude);
    number_out(w, l.position->latitude);
    w.EndArray();
    w.EndObject();
  }
  if (!members_only) w.EndObject();
}

// A place or keyword of the template (calendar/formats/event_json_template.hpp):
// {"@id": BASE + cal/places/ID.json}, then, with `members`, its other members.
// With `variants` (a mark letter), both forms: the reference, then (for
// include=) the object.
std::string resource_variants(std::string_view id, std::string_view kind, std::string_view calendar, char variants,
                              const std::function<void(Writer&)>& members) {
  std::string path(calendar);
  path.append("/").append(kind).append("/").append(url_path_segment(id)).append(".json");
  auto one = [&](bool full) {
    rapidjson::StringBuffer buffer;
    Writer x(buffer);
    x.StartObject();
    x.Key("@id");
    std::string raw = "\"";
    raw.append({kJsonMark, kJsonResourceBase}).append(json_string_content(path)).append("\"");
    x.RawValue(raw.data(), raw.size(), rapidjson::kStringType);
    if (full) members(x);
    x.EndObject();
    return std::string(buffer.GetString(), buffer.GetSize());
  };
  if (!variants) return one(static_cast<bool>(members));
  std::string both;
  both.append({kJsonMark, variants}).append(one(false));
  both.append({kJsonMark, kJsonVariantElse}).append(one(true));
  both.append({kJsonMark, kJsonVariantEnd});
  return both;
}

void offers_out(Writer& w, const std::vector<Offer>& offers) {
  objects_out(w, offers, [&](const Offer& o) {
    w.Key("is_free");
    if (o.is_free) w.Bool(*o.is_free); else w.Null();
    member(w, "price", o.price);
    member(w, "info_url", o.info_url);
    member(w, "description", o.description);
  });
}

void images_out(Writer& w, const std::vector<Image>& images) {
  objects_out(w, images, [&](const Image& im) {
    member(w, "url", im.url);
    member(w, "name", im.name);
    member(w, "alt_text", im.alt_text);
  });
}

void recurrence_out(Writer& w, const Event& e) {
  if (!e.recurrence) {
    w.Null();
    return;
  }
  auto times = [&](const std::vector<EventTime>& list) {
    w.StartArray();
    for (const auto& t : list) str(w, time_out(t, e.timezone));
    w.EndArray();
  };
  w.StartObject();
  w.Key("rrule");
  text_or_null(w, e.recurrence->rrule);
  w.Key("exdate");
  times(e.recurrence->exdates);
  w.Key("rdate");
  times(e.recurrence->rdates);
  w.EndObject();
}

void server_fields_out(Writer& w, const Event& e) {
  w.Key("sequence");
  w.Uint(std::min(e.sequence, kMaxSequence));  // a store written before the bound was kept
  member(w, "created_time", format_iso_utc_micros(e.created_us));
  member(w, "last_modified_time", format_iso_utc_micros(e.modified_us));
  w.Key("deleted");
  w.Bool(e.deleted);
}

// "@id", "@context", "@type". In a template, "@id" is the event's path
// between the marks of the request's base and its occurrence query.
void linked_data_out(Writer& w, const Event& e, const JsonWriteOptions& options, bool marks) {
  std::string path(options.calendar);
  path.append("/events/").append(url_path_segment(e.id)).append(".json");
  w.Key("@id");
  if (marks) {
    // The path is plain ASCII (a calendar name, a percent-encoded id).
    std::string raw = "\"";
    raw.append({kJsonMark, kJsonBase}).append(path).append({kJsonMark, kJsonIdQuery}).append("\"");
    w.RawValue(raw.data(), raw.size(), rapidjson::kStringType);
  } else {
    str(w, std::string(options.base_url) + path);
  }
  w.Key("@context");
  w.String("http://schema.org");
  w.Key("@type");
  w.String("Event");
}

// Writes the event object; with `marks`, the template of
// calendar/formats/event_json_template.hpp: mark bytes go straight into the
// buffer between members (rapidjson escapes every control character inside
// strings, so a mark cannot be mistaken for content).
void write_event(Writer& w, rapidjson::StringBuffer& buffer, const Event& e, const JsonWriteOptions& options,
                 bool marks) {
  auto mark = [&](char slot) {
    if (!marks) return;
    buffer.Put(kJsonMark);
    buffer.Put(slot);
  };
  w.StartObject();
  member(w, "id", e.id);
  member(w, "name", e.name);
  member(w, "short_description", e.short_description, marks);
  member(w, "description", e.description, marks);
  mark(e.end ? kJsonTimes : kJsonTimesNoEnd);
  times_out(w, e);
  mark(kJsonTimesEnd);
  member(w, "timezone", e.timezone);
  w.Key("location");
  if (marks && e.location && !e.location->id.empty()) {
    std::string both = resource_variants(e.location->id, "places", options.calendar, kJsonLocation, [&](Writer& x) {
      location_out(x, e.location, true);
    });
    w.RawValue(both.data(), both.size(), rapidjson::kObjectType);
  } else {
    location_out(w, e.location);
  }
  w.Key("keywords");
  if (marks && !e.keywords.empty()) {
    std::string refs, full;
    for (const auto& k : e.keywords) {
      bool first = refs.empty();
      refs.append(first ? "[" : ",");
      full.append(first ? "[" : ",");
      refs += resource_variants(k, "keywords", options.calendar, 0, {});
      full += resource_variants(k, "keywords", options.calendar, 0, [&](Writer& x) {
        x.Key("@type");
        x.String("Keyword");
        member(x, "id", k);
        x.Key("name");
        x.StartObject();
        str(x, options.language);
        str(x, k);
        x.EndObject();
      });
    }
    std::string both;
    both.append({kJsonMark, kJsonKeywords}).append(refs).append("]");
    both.append({kJsonMark, kJsonVariantElse}).append(full).append("]");
    both.append({kJsonMark, kJsonVariantEnd});
    w.RawValue(both.data(), both.size(), rapidjson::kArrayType);
  } else {
    w.StartArray();
    for (const auto& k : e.keywords) str(w, k);
    w.EndArray();
  }
  w.Key("offers");
  offers_out(w, e.offers);
  member(w, "info_url", e.info_url, marks);
  w.Key("images");
  images_out(w, e.images);
  member(w, "event_status", status_name(e.status));
  w.Key("recurrence");
  recurrence_out(w, e);
  if (e.umbrella || marks) {  // the stored form only when set: an event stored before reads the same
    w.Key("super_event_type");
    if (e.umbrella) w.String("umbrella");
    else w.Null();
  }
  if (options.server_fields) server_fields_out(w, e);
  if (!options.base_url.empty() || marks) linked_data_out(w, e, options, marks);
  mark(kJsonSuper);
  w.EndObject();
}

}  // namespace

std::string event_to_json(const Event& e, const JsonWriteOptions& options) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  write_event(w, buffer, e, options, false);
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string event_json_template(const Event& e, std::string_view calendar, std::string_view language) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  write_event(w, buffer, e, JsonWriteOptions{true, {}, calendar, language}, true);
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string deleted_event_json(std::string_view id, std::int64_t modified_us) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  member(w, "id", id);
  w.Key("deleted");
  w.Bool(true);
  member(w, "last_modified_time", format_iso_utc_micros(modified_us));
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace civic::calendar
