#include "calendar/formats/vevent.hpp"

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

std::string with_language(std::string_view name, const LangText::Entry* entry) {
  std::string out(name);
  if (entry != nullptr && entry->first != "und") out.append(";LANGUAGE=").append(param_value(entry->first));
  return out;
}

// DTSTART / DTEND / EXDATE / RDATE: "NAME;TZID=Europe/Helsinki", "NAME;VALUE=DATE"
// or "NAME" with a UTC value.
std::string time_name(std::string_view name, const Event& e) {
  std::string out(name);
  if (e.all_day()) return out.append(";VALUE=DATE");
  if (e.timezone != kUtc) out.append(";TZID=").append(param_value(e.timezone));
  return out;
}

std::string time_value(const EventTime& t, const Event& e) {
  if (e.all_day()) return format_ical_date(t.local);
  if (e.timezone == kUtc) return format_ical_datetime(t.local) + 'Z';
  return format_ical_datetime(t.local);
}

std::string time_list(const std::vector<EventTime>& times, const Event& e) {
  std::string out;
  for (const auto& t : times) {
    if (!out.empty()) out += ',';
    out += time_value(t, e);
  }
  return out;
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
  style.organizer_name = "ORGANIZER;CN=" + param_value(title ? title->second : cal.name);
  style.organizer_value = cal.organizer;
  return style;
}

std::uint64_t render_signature(const VeventStyle& style) {
  std::uint64_t h = fnv1a64(kRenderVersion);
  for (const auto& lang : style.chain) h = fnv1a64(lang + ",", h);
  h = fnv1a64(style.organizer_name, fnv1a64("\x1e", h));
  return fnv1a64(style.organizer_value, fnv1a64("\x1e", h));
}

std::string render_vevent(const Event& e, const VeventStyle& style) {
  const std::vector<std::string>& chain = style.chain;
  std::string out;
  out.reserve(1024);
  out.append("BEGIN:VEVENT\r\n");
  append_text_line(out, "UID", e.id);
  // DTSTAMP is the last modification, not the time of the request: the same
  // event gives the same bytes on every fetch.
  std::int64_t modified = e.modified_us / 1000000;
  append_line(out, "DTSTAMP", format_ical_utc(modified));
  append_line(out, "CREATED", format_ical_utc(e.created_us / 1000000));
  append_line(out, "LAST-MODIFIED", format_ical_utc(modified));
  // An event stored before SEQUENCE was bounded may hold more than an INTEGER.
  append_line(out, "SEQUENCE", std::to_string(std::min(e.sequence, kMaxSequence)));
  append_line(out, time_name("DTSTART", e), time_value(e.start, e));
  if (e.all_day()) {
    // RFC 5545 §3.6.1: DTEND of a DATE is exclusive; without one a client
    // may take the event as zero length, so it is always written.
    EventTime end = e.end ? *e.end : EventTime{add_days(e.start.local, 1), true};
    append_line(out, time_name("DTEND", e), time_value(end, e));
  } else if (e.end && !(e.end->local == e.start.local)) {
    append_line(out, time_name("DTEND", e), time_value(*e.end, e));
  }
  if (e.recurrence) {
    if (!e.recurrence->rrule.empty()) append_line(out, "RRULE", e.recurrence->rrule);
    if (!e.recurrence->exdates.empty())
      append_line(out, time_name("EXDATE", e), time_list(e.recurrence->exdates, e));
    if (!e.recurrence->rdates.empty()) append_line(out, time_name("RDATE", e), time_list(e.recurrence->rdates, e));
  }
  if (const auto* name = e.name.pick(chain)) append_text_line(out, with_language("SUMMARY", name), name->second);
  const LangText::Entry* description = e.description.pick(chain);
  if (description != nullptr) {
    std::string text = html_to_text(description->second);
    append_text_line(out, with_language("DESCRIPTION", description), text);
    // Markup the plain text cannot carry goes along as HTML (Outlook shows
    // it, and an export imported again keeps it).
    if (text_to_html(text) != description->second)
      append_text_line(out, with_language("X-ALT-DESC;FMTTYPE=text/html", description), description->second);
  } else if (const auto* s = e.short_description.pick(chain)) {
    append_text_line(out, with_language("DESCRIPTION", s), s->second);
  }
  if (e.location) {
    std::string where = location_text(*e.location, chain);
    append_text_line(out, with_language("LOCATION", e.location->name.pick(chain)), where);
    if (e.location->position) {
      // RFC 5545 §3.8.1.6: latitude first (GeoJSON has longitude first).
      append_line(out, "GEO", coordinate(e.location->position->latitude) + ";" +
                                  coordinate(e.location->position->longitude));
    }
  }
  if (!e.keywords.empty()) {
    std::string list;
    for (const auto& k : e.keywords) {
      if (!list.empty()) list += ',';
      list += escape_text(k);
    }
    append_line(out, "CATEGORIES", list);
  }
  if (const auto* url = e.info_url.pick(chain)) append_line(out, "URL", url->second);
  for (const auto& image : e.images) append_line(out, "IMAGE;VALUE=URI", image.url);
  // RFC 5546 §3.2.1: a VEVENT of a PUBLISH calendar has one ORGANIZER.
  append_line(out, style.organizer_name, style.organizer_value);
  append_line(out, "STATUS", status_value(e.status));
  // A city's events should not mark a subscriber as busy.
  append_line(out, "TRANSP", "TRANSPARENT");
  append_line(out, "CLASS", "PUBLIC");
  out.append("END:VEVENT\r\n");
  return out;
}

std::string render_calendar_head(const CalendarConfig& cal, std::string_view lang) {
  std::vector<std::string> chain = cal.fallback_chain(lang);
  std::string out;
  out.append("BEGIN:VCALENDAR\r\n");
  append_line(out, "VERSION", "2.0");
  append_line(out, "PRODID", escape_text(kProductId));
  append_line(out, "CALSCALE", "GREGORIAN");
  append_line(out, "METHOD", "PUBLISH");
  const LangText::Entry* title = cal.title.pick(chain);
  std::string name = title ? title->second : cal.name;
  append_text_line(out, with_language("NAME", title), name);
  append_text_line(out, "X-WR-CALNAME", name);
  if (const auto* d = cal.description.pick(chain)) {
    append_text_line(out, with_language("DESCRIPTION", d), d->second);
    append_text_line(out, "X-WR-CALDESC", d->second);
  }
  append_text_line(out, "X-WR-TIMEZONE", cal.timezone);
  std::string refresh = format_ical_duration(cal.refresh_seconds);
  append_line(out, "REFRESH-INTERVAL;VALUE=DURATION", refresh);
  append_line(out, "X-PUBLISHED-TTL", refresh);
  return out;
}

}  // namespace civic::calendar
