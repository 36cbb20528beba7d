#include "calendar/formats/vevent.hpp"

#include <array>
#include <cstdio>

#include "common/hash.hpp"
#include "calendar/formats/content_line.hpp"
#include "calendar/formats/html_text.hpp"
#include "calendar/model/timezone.hpp"

namespace civic::calendar {

namespace {

// Bumped whenever render_vevent writes something differently, so that
// stored VEVENTs of an older civic are rendered again.
constexpr std::string_view kRenderVersion = "vevent-1";

// The parameters of a property as civic writes them: upper-case names, the
// values as given (param_value quotes them).
class Params {
 public:
  struct Param {
    std::string_view name;
    std::string_view value;
  };
  Params() = default;
  Params(std::string_view name, std::string_view value) { add(name, value); }
  Params& add(std::string_view name, std::string_view value) {
    if (size_ < items_.size()) items_[size_++] = Param{name, value};
    return *this;
  }
  // LANGUAGE of a text chosen in a language ("und" says none).
  Params& language(const LangText::Entry* entry) {
    if (entry != nullptr && entry->first != "und") add("LANGUAGE", entry->first);
    return *this;
  }
  const Param* begin() const { return items_.data(); }
  const Param* end() const { return items_.data() + size_; }

 private:
  std::array<Param, 3> items_{};
  std::size_t size_ = 0;
};

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// 20261205T180000Z -> 2026-12-05T18:00:00Z, 20261224 -> 2026-12-24: the
// extended form of jCal and xCal (RFC 7265 §3.6.4, RFC 6321 §3.6.4).
std::string extended_time(std::string_view basic) {
  if (basic.size() < 8) return std::string(basic);
  std::string out;
  out.reserve(basic.size() + 5);
  out.append(basic.substr(0, 4)).append(1, '-').append(basic.substr(4, 2)).append(1, '-').append(basic.substr(6, 2));
  if (basic.size() >= 15) {
    out.append(1, 'T').append(basic.substr(9, 2)).append(1, ':').append(basic.substr(11, 2)).append(1, ':');
    out.append(basic.substr(13));
  }
  return out;
}

// Writes a component's content lines and, when asked, the same properties
// as a tree for the jCal and xCal writers, with the values a reader of the
// text gets back (unescaped, times in the extended form, a list as one
// property, VALUE as the type): the three formats say the same without the
// text being parsed again (tests/calendar_writers.cpp compares the tree
// with libical's reading of the text).
class ComponentWriter {
 public:
  ComponentWriter(std::string& out, ComponentTree* tree) : out_(out), tree_(tree) {}

  // TEXT; nothing if it has nothing but spaces (a reader takes such a
  // value for none, and the property as an error).
  void text(std::string_view name, const Params& params, std::string_view text) {
    std::string escaped = escape_text(text);
    if (escaped.find_first_not_of(' ') == std::string::npos) return;
    append_line(out_, head(name, params), escaped);
    if (tree_) property(name, params, "text").values.push_back(text_read_back(text));
  }
  // A list of TEXT in one property (CATEGORIES).
  void texts(std::string_view name, const std::vector<std::string>& items) {
    std::string list;
    for (const auto& item : items) {
      if (!list.empty()) list += ',';
      list += escape_text(item);
    }
    append_line(out_, name, list);
    if (!tree_) return;
    PropertyTree& p = property(name, {}, "text");
    for (const auto& item : items) p.values.push_back(text_read_back(item));
  }
  // Values written as they are, separated by commas; `type` is their jCal
  // and xCal type. Times go in the basic form and enter the tree in the
  // extended one.
  void values(std::string_view name, const Params& params, std::string_view type,
              const std::vector<std::string>& values) {
    std::string list;
    for (const auto& v : values) {
      if (!list.empty()) list += ',';
      list += v;
    }
    append_line(out_, head(name, params), list);
    if (!tree_) return;
    PropertyTree& p = property(name, params, type);
    bool time = type == "date" || type == "date-time";
    for (const auto& v : values) p.values.push_back(time ? extended_time(v) : v);
    p.numeric = type == "integer";
  }
  void value(std::string_view name, const Params& params, std::string_view type, std::string value) {
    values(name, params, type, {std::move(value)});
  }
  void recur(std::string_view name, std::string_view rule) {
    append_line(out_, name, rule);
    if (tree_) property(name, {}, "recur").recur = read_recur(rule);
  }
  // GEO (RFC 5545 §3.8.1.6): latitude;longitude, a structured value.
  void geo(const std::string& latitude, const std::string& longitude) {
    append_line(out_, "GEO", latitude + ";" + longitude);
    if (!tree_) return;
    PropertyTree& p = property("GEO", {}, "float");
    p.values = {latitude, longitude};
    p.numeric = true;
    p.geo = true;
  }

 private:
  static std::string head(std::string_view name, const Params& params) {
    std::string out(name);
    for (const auto& p : params) out.append(1, ';').append(p.name).append(1, '=').append(param_value(p.value));
    return out;
  }
  PropertyTree& property(std::string_view name, const Params& params, std::string_view type) {
    PropertyTree& p = tree_->properties.emplace_back();
    p.name = lower(name);
    for (const auto& param : params)
      if (param.name != "VALUE") p.params.emplace_back(lower(param.name), clean_param(param.value));
    p.type = type;
    return p;
  }

  std::string& out_;
  ComponentTree* tree_;
};

// DTSTART / DTEND / EXDATE / RDATE: dates (VALUE=DATE), times in the
// event's zone (TZID=Europe/Helsinki) or in UTC (Z).
void event_times(ComponentWriter& w, std::string_view name, const Event& e, const std::vector<EventTime>& times) {
  std::vector<std::string> values;
  values.reserve(times.size());
  for (const auto& t : times) {
    if (e.all_day()) values.push_back(format_ical_date(t.local));
    else if (e.timezone == kUtc) values.push_back(format_ical_datetime(t.local) + 'Z');
    else values.push_back(format_ical_datetime(t.local));
  }
  if (e.all_day()) w.values(name, Params("VALUE", "DATE"), "date", values);
  else if (e.timezone != kUtc) w.values(name, Params("TZID", e.timezone), "date-time", values);
  else w.values(name, {}, "date-time", values);
}

std::string_view status_value(EventStatus s) {
  switch (s) {
    case EventStatus::cancelled: return "CANCELLED";
    case EventStatus::postponed: return "TENTATIVE";  // a new date is not known yet
    default: return "CONFIRMED";
  }
}

std::string location_text(const Location& l, const std::vector<std::string>& chain) {
  std::string out;
  auto add = [&out](std::string_view part, std::string_view sep) {
    if (part.empty()) return;
    if (!out.empty()) out.append(sep);
    out.append(part);
  };
  if (auto* n = l.name.pick(chain)) add(n->second, ", ");
  if (auto* s = l.street_address.pick(chain)) add(s->second, ", ");
  std::string town = l.postal_code;
  if (auto* t = l.address_locality.pick(chain)) town.append(town.empty() ? "" : " ").append(t->second);
  add(town, ", ");
  return out;
}

std::string coordinate(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6f", v);
  return buf;
}

}  // namespace

std::string_view tzid_used(const Event& e) {
  if (e.all_day() || e.timezone == kUtc) return {};
  return e.timezone;
}

VeventStyle vevent_style(const CalendarConfig& cal, std::string_view lang) {
  VeventStyle style;
  style.chain = cal.fallback_chain(lang);
  const LangText::Entry* title = cal.title.pick(style.chain);
  style.organizer_cn = title ? title->second : cal.name;
  style.organizer = cal.organizer;
  return style;
}

std::uint64_t render_signature(const VeventStyle& style) {
  std::uint64_t h = fnv1a64(kRenderVersion);
  for (const auto& lang : style.chain) h = fnv1a64(lang + ",", h);
  h = fnv1a64("ORGANIZER;CN=" + param_value(style.organizer_cn), fnv1a64("\x1e", h));
  return fnv1a64(style.organizer, fnv1a64("\x1e", h));
}

std::string render_vevent(const Event& e, const VeventStyle& style, ComponentTree* tree,
                          const LangText* plain_descriptions) {
  const std::vector<std::string>& chain = style.chain;
  std::string out;
  out.reserve(1024);
  out.append("BEGIN:VEVENT\r\n");
  if (tree) *tree = ComponentTree{"vevent", {}, {}};
  ComponentWriter w(out, tree);
  w.text("UID", {}, e.id);
  // DTSTAMP is the last modification, not the time of the request: the same
  // event gives the same bytes on every fetch.
  std::int64_t modified = e.modified_us / 1000000;
  w.value("DTSTAMP", {}, "date-time", format_ical_utc(modified));
  w.value("CREATED", {}, "date-time", format_ical_utc(e.created_us / 1000000));
  w.value("LAST-MODIFIED", {}, "date-time", format_ical_utc(modified));
  // An event stored before SEQUENCE was bounded may hold more than an INTEGER.
  w.value("SEQUENCE", {}, "integer", std::to_string(std::min(e.sequence, kMaxSequence)));
  event_times(w, "DTSTART", e, {e.start});
  if (e.all_day()) {
    // RFC 5545 §3.6.1: DTEND of a DATE is exclusive; without one a client
    // may take the event as zero length, so it is always written.
    event_times(w, "DTEND", e, {e.end ? *e.end : EventTime{add_days(e.start.local, 1), true}});
  } else if (e.end && !(e.end->local == e.start.local)) {
    event_times(w, "DTEND", e, {*e.end});
  }
  if (e.recurrence) {
    if (!e.recurrence->rrule.empty()) w.recur("RRULE", e.recurrence->rrule);
    if (!e.recurrence->exdates.empty()) event_times(w, "EXDATE", e, e.recurrence->exdates);
    if (!e.recurrence->rdates.empty()) event_times(w, "RDATE", e, e.recurrence->rdates);
  }
  if (const auto* name = e.name.pick(chain)) w.text("SUMMARY", Params().language(name), name->second);
  const LangText::Entry* description = e.description.pick(chain);
  if (description != nullptr) {
    const LangText::Entry* plain = plain_descriptions ? plain_descriptions->pick(chain) : nullptr;
    std::string text = plain && plain->first == description->first ? plain->second : html_to_text(description->second);
    w.text("DESCRIPTION", Params().language(description), text);
    // Markup the plain text cannot carry goes along as HTML (Outlook shows
    // it, and an export imported again keeps it).
    if (text_to_html(text) != description->second)
      w.text("X-ALT-DESC", Params("FMTTYPE", "text/html").language(description), description->second);
  } else if (const auto* s = e.short_description.pick(chain)) {
    w.text("DESCRIPTION", Params().language(s), s->second);
  }
  if (e.location) {
    w.text("LOCATION", Params().language(e.location->name.pick(chain)), location_text(*e.location, chain));
    // RFC 5545 §3.8.1.6: latitude first (GeoJSON has longitude first).
    if (e.location->position)
      w.geo(coordinate(e.location->position->latitude), coordinate(e.location->position->longitude));
  }
  if (!e.keywords.empty()) w.texts("CATEGORIES", e.keywords);
  if (const auto* url = e.info_url.pick(chain)) w.value("URL", {}, "uri", url->second);
  for (const auto& image : e.images) w.value("IMAGE", Params("VALUE", "URI"), "uri", image.url);
  // RFC 5546 §3.2.1: a VEVENT of a PUBLISH calendar has one ORGANIZER.
  w.value("ORGANIZER", Params("CN", style.organizer_cn), "cal-address", style.organizer);
  w.value("STATUS", {}, "text", std::string(status_value(e.status)));
  // A city's events should not mark a subscriber as busy.
  w.value("TRANSP", {}, "text", "TRANSPARENT");
  w.value("CLASS", {}, "text", "PUBLIC");
  out.append("END:VEVENT\r\n");
  return out;
}

std::string render_calendar_head(const CalendarConfig& cal, std::string_view lang) {
  std::vector<std::string> chain = cal.fallback_chain(lang);
  std::string out;
  out.append("BEGIN:VCALENDAR\r\n");
  ComponentWriter w(out, nullptr);
  w.value("VERSION", {}, "text", "2.0");
  w.text("PRODID", {}, kProductId);
  w.value("CALSCALE", {}, "text", "GREGORIAN");
  w.value("METHOD", {}, "text", "PUBLISH");
  const LangText::Entry* title = cal.title.pick(chain);
  std::string name = title ? title->second : cal.name;
  w.text("NAME", Params().language(title), name);
  w.text("X-WR-CALNAME", {}, name);
  if (const auto* d = cal.description.pick(chain)) {
    w.text("DESCRIPTION", Params().language(d), d->second);
    w.text("X-WR-CALDESC", {}, d->second);
  }
  w.text("X-WR-TIMEZONE", {}, cal.timezone);
  std::string refresh = format_ical_duration(cal.refresh_seconds);
  w.value("REFRESH-INTERVAL", Params("VALUE", "DURATION"), "duration", refresh);
  w.value("X-PUBLISHED-TTL", {}, "duration", refresh);
  return out;
}

}  // namespace civic::calendar
