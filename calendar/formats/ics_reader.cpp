#include "calendar/formats/ics_reader.hpp"

#include <libical/ical.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <unordered_map>

#include "calendar/formats/ascii_case.hpp"
#include "calendar/formats/html_text.hpp"
#include "calendar/model/libical_zone.hpp"
#include "calendar/model/recurrence.hpp"
#include "calendar/model/timezone.hpp"

namespace civic::calendar {

namespace {

struct LogicalLine {
  std::string text;
  int line = 0;  // where it starts in the file (1-based)
};

// A component as the file lays it out.
struct Span {
  std::string name;  // "VEVENT"
  int begin_line = 0;
  std::size_t first = 0;  // logical lines [first, last]
  std::size_t last = 0;
};

FieldError error_at(std::string component, int line, std::string field, std::string message,
                    FieldError::Kind kind = FieldError::Kind::invalid) {
  FieldError e;
  e.kind = kind;
  e.component = std::move(component);
  e.line = line;
  e.field = std::move(field);
  e.message = std::move(message);
  return e;
}

// RFC 5545 §3.1: a line that starts with a space or tab continues the
// previous one. Accepts LF as well as CRLF line ends.
std::vector<LogicalLine> unfold(std::string_view text) {
  std::vector<LogicalLine> lines;
  int number = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    std::string_view raw = text.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    pos = end == std::string_view::npos ? text.size() : end + 1;
    ++number;
    if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
    if (!raw.empty() && (raw.front() == ' ' || raw.front() == '\t') && !lines.empty()) {
      lines.back().text.append(raw.substr(1));
      continue;
    }
    if (raw.empty()) continue;
    lines.push_back(LogicalLine{std::string(raw), number});
  }
  return lines;
}

// True for a BEGIN or END line that is not written "BEGIN:" / "END:" but
// that libical still reads as one (it trims spaces around the line and the
// name, and takes parameters: "BEGIN;X=1:VEVENT", " END :VEVENT"). The
// nesting check below must see the components libical will build.
bool disguised_begin_or_end(std::string_view line) {
  if (starts_with_nocase(line, "BEGIN:") || starts_with_nocase(line, "END:")) return false;
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r' || c == '\n'; };
  std::string_view name = line;
  while (!name.empty() && space(name.front())) name.remove_prefix(1);
  std::size_t stop = name.find_first_of(";:");
  if (stop == std::string_view::npos) return false;
  name = name.substr(0, stop);
  while (!name.empty() && space(name.back())) name.remove_suffix(1);
  std::string n = upper(name);
  return n == "BEGIN" || n == "END";
}

// A file needs one VTIMEZONE per zone it uses; the tz database has about 600.
constexpr std::size_t kMaxVtimezones = 1000;

// Checks BEGIN/END nesting and finds each VEVENT and VTIMEZONE that sits in
// a VCALENDAR.
std::optional<FieldError> layout(const std::vector<LogicalLine>& lines, std::vector<Span>& vevents,
                                 std::vector<Span>& vtimezones, int& calendars) {
  struct Open {
    std::string name;
    int line;
    std::size_t index;
  };
  std::vector<Open> stack;
  calendars = 0;
  std::size_t vtimezone_count = 0;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto& l = lines[i];
    if (disguised_begin_or_end(l.text))
      return error_at(stack.empty() ? "" : stack.back().name, l.line, "",
                      "BEGIN and END lines are written BEGIN:NAME and END:NAME, with no parameters or spaces");
    if (starts_with_nocase(l.text, "BEGIN:")) {
      std::string name = upper(std::string_view(l.text).substr(6));
      if (stack.empty() && name != "VCALENDAR")
        return error_at(name, l.line, "", "expected BEGIN:VCALENDAR, found BEGIN:" + name);
      if (stack.size() > 8) return error_at(name, l.line, "", "components are nested too deeply");
      if (name == "VCALENDAR") {
        if (!stack.empty()) return error_at(name, l.line, "", "a VCALENDAR inside another component");
        ++calendars;
      }
      // libical frees each VTIMEZONE by a search through all of its
      // parent's: 200,000 of them (10 MB) took two minutes.
      if (name == "VTIMEZONE" && ++vtimezone_count > kMaxVtimezones)
        return error_at(name, l.line, "", "more than " + std::to_string(kMaxVtimezones) + " VTIMEZONEs in one file");
      stack.push_back(Open{name, l.line, i});
    } else if (starts_with_nocase(l.text, "END:")) {
      std::string name = upper(std::string_view(l.text).substr(4));
      if (stack.empty()) return error_at(name, l.line, "", "END:" + name + " without a BEGIN");
      if (stack.back().name != name)
        return error_at(stack.back().name, l.line, "",
                        "END:" + name + " where END:" + stack.back().name + " (of line " +
                            std::to_string(stack.back().line) + ") was expected");
      if (name == "VEVENT" && stack.size() == 2)
        vevents.push_back(Span{name, stack.back().line, stack.back().index, i});
      if (name == "VTIMEZONE" && stack.size() == 2)
        vtimezones.push_back(Span{name, stack.back().line, stack.back().index, i});
      stack.pop_back();
    } else if (stack.empty()) {
      // Before any calendar: not iCalendar at all (400); after one: a file
      // with something wrong in it (422).
      return error_at("", l.line, "", "text outside of BEGIN:VCALENDAR ... END:VCALENDAR",
                      calendars == 0 ? FieldError::Kind::syntax : FieldError::Kind::invalid);
    }
  }
  if (!stack.empty())
    return error_at(stack.back().name, stack.back().line, "", "BEGIN:" + stack.back().name + " has no END");
  if (calendars == 0) return error_at("", 1, "", "not an iCalendar file (no BEGIN:VCALENDAR)", FieldError::Kind::syntax);
  return std::nullopt;
}

// The line of the first property `name` inside the span, or the span's.
int property_line(const std::vector<LogicalLine>& lines, const Span& span, std::string_view name) {
  int depth = 0;
  for (std::size_t i = span.first + 1; i < span.last; ++i) {
    const std::string& t = lines[i].text;
    if (starts_with_nocase(t, "BEGIN:")) ++depth;
    else if (starts_with_nocase(t, "END:")) --depth;
    else if (depth == 0 && starts_with_nocase(t, upper(name)) && t.size() > name.size() &&
             (t[name.size()] == ':' || t[name.size()] == ';'))
      return lines[i].line;
  }
  return span.begin_line;
}

// The value of the first property `name` inside the span, as the file wrote
// it (after the parameters), or nullopt.
std::optional<std::string_view> property_value(const std::vector<LogicalLine>& lines, const Span& span,
                                               std::string_view name) {
  int depth = 0;
  for (std::size_t i = span.first + 1; i < span.last; ++i) {
    std::string_view t = lines[i].text;
    if (starts_with_nocase(t, "BEGIN:")) ++depth;
    else if (starts_with_nocase(t, "END:")) --depth;
    else if (depth == 0 && starts_with_nocase(t, upper(name)) && t.size() > name.size() &&
             (t[name.size()] == ':' || t[name.size()] == ';')) {
      bool quoted = false;
      for (std::size_t k = name.size(); k < t.size(); ++k) {
        if (t[k] == '"') quoted = !quoted;
        else if (t[k] == ':' && !quoted) return t.substr(k + 1);
      }
      return std::nullopt;
    }
  }
  return std::nullopt;
}

// The components directly inside the span, in the order of the file.
std::vector<Span> child_spans(const std::vector<LogicalLine>& lines, const Span& span) {
  std::vector<Span> out;
  int depth = 0;
  for (std::size_t i = span.first + 1; i < span.last; ++i) {
    const std::string& t = lines[i].text;
    if (starts_with_nocase(t, "BEGIN:")) {
      if (depth++ == 0) out.push_back(Span{upper(std::string_view(t).substr(6)), lines[i].line, i, i});
    } else if (starts_with_nocase(t, "END:")) {
      if (--depth == 0 && !out.empty()) out.back().last = i;
    }
  }
  return out;
}

// libical's words for what it then does are beside the point of a refusal.
std::string tidy_libical_error(std::string text) {
  for (std::string_view noise : {". Removing entire property", " Removing entire property"}) {
    if (auto at = text.find(noise); at != std::string::npos) text.erase(at, noise.size());
  }
  return text;
}

// libical's error texts end with the text it could not take; find its line.
int line_of_error(const std::vector<LogicalLine>& lines, std::size_t first, std::size_t last, std::string_view error,
                  int fallback) {
  auto colon = error.rfind(": ");
  if (colon == std::string_view::npos) return fallback;
  std::string_view tail = error.substr(colon + 2);
  if (tail.empty()) return fallback;
  for (std::size_t i = first; i <= last && i < lines.size(); ++i)
    if (lines[i].text.find(tail) != std::string::npos) return lines[i].line;
  return fallback;
}

// The tz database zone a TZID names: the TZID itself, or what follows a
// prefix ("/freeassociation.sourceforge.net/Europe/Helsinki",
// "/mozilla.org/20050126_1/Europe/Helsinki"); empty if none. The caller
// holds libical_mutex().
std::string tz_database_name(std::string_view tzid) {
  if (find_libical_zone(tzid) != nullptr) return std::string(tzid);
  for (std::size_t slash = tzid.find('/'); slash != std::string_view::npos; slash = tzid.find('/', slash + 1)) {
    std::string_view rest = tzid.substr(slash + 1);
    if (rest.find('/') != std::string_view::npos && find_libical_zone(rest) != nullptr) return std::string(rest);
  }
  return {};
}

// A zone that only a VTIMEZONE of the file defines is expanded by libical
// from each STANDARD/DAYLIGHT's DTSTART (often 1601) up to five years past
// the latest time converted, one change per occurrence of its RRULE: an
// hourly rule made a 500-byte file cost a minute of CPU. Such a VTIMEZONE
// is checked before any time is converted in it, and its changes are
// counted up to kZoneLastYear; a tz database zone changes its offset at
// most a few times a year.
constexpr int kZoneLastYear = kMaxYear + 5;
constexpr std::size_t kMaxZoneChanges = 5000;       // one VTIMEZONE
constexpr std::size_t kMaxFileZoneChanges = 20000;  // all of a file's

// RFC 5545 §3.3.14 UTC-OFFSET: ("+" / "-") HHMM [SS]. Offsets in use lie
// between -12:00 and +14:00; ±18:00 (the bound of ISO 8601 libraries) leaves
// room, and keeps a VTIMEZONE from moving an event by days.
bool is_plausible_utc_offset(std::string_view v) {
  if ((v.size() != 5 && v.size() != 7) || (v[0] != '+' && v[0] != '-')) return false;
  int part[3] = {0, 0, 0};
  for (std::size_t i = 1; i < v.size(); ++i) {
    if (v[i] < '0' || v[i] > '9') return false;
    part[(i - 1) / 2] = part[(i - 1) / 2] * 10 + (v[i] - '0');
  }
  return part[1] < 60 && part[2] < 60 && part[0] * 3600 + part[1] * 60 + part[2] <= 18 * 3600;
}

// Checks a VTIMEZONE that civic will read times in (RFC 5545 §3.6.5) and
// takes its changes from `budget`. `span` is where it is in the file, if known.
std::optional<FieldError> check_vtimezone(icalcomponent* vtz, const std::vector<LogicalLine>& lines,
                                          const Span* span, std::size_t& budget) {
  const char* tzid = nullptr;
  if (icalproperty* p = icalcomponent_get_first_property(vtz, ICAL_TZID_PROPERTY)) tzid = icalproperty_get_tzid(p);
  const std::string who = std::string("VTIMEZONE \"") + (tzid ? tzid : "") + "\" ";
  const int vtz_line = span ? span->begin_line : 0;
  std::vector<Span> parts;
  if (span)
    for (Span& child : child_spans(lines, *span))
      if (child.name == "STANDARD" || child.name == "DAYLIGHT") parts.push_back(std::move(child));

  const std::size_t limit = std::min(kMaxZoneChanges, budget);
  std::size_t changes = 0;
  std::size_t seen = 0;
  for (icalcomponent* c = icalcomponent_get_first_component(vtz, ICAL_ANY_COMPONENT); c != nullptr;
       c = icalcomponent_get_next_component(vtz, ICAL_ANY_COMPONENT)) {
    icalcomponent_kind kind = icalcomponent_isa(c);
    if (kind != ICAL_XSTANDARD_COMPONENT && kind != ICAL_XDAYLIGHT_COMPONENT) continue;
    const Span* part = seen < parts.size() ? &parts[seen] : nullptr;
    ++seen;
    const std::string name = kind == ICAL_XSTANDARD_COMPONENT ? "STANDARD" : "DAYLIGHT";
    const int part_line = part ? part->begin_line : vtz_line;
    auto fail = [&](std::string_view property, std::string message) {
      int line = part && !property.empty() ? property_line(lines, *part, property) : part_line;
      return error_at("VTIMEZONE", line, std::string(property), who + message);
    };

    icalproperty* dtstart = icalcomponent_get_first_property(c, ICAL_DTSTART_PROPERTY);
    if (dtstart == nullptr) return fail("", "has a " + name + " without DTSTART (RFC 5545 §3.6.5)");
    icaltimetype start = icalproperty_get_dtstart(dtstart);
    if (icaltime_is_null_time(start) || start.is_date)
      return fail("DTSTART", "has a " + name + " whose DTSTART is not a date-time");
    for (icalproperty_kind offset_kind : {ICAL_TZOFFSETFROM_PROPERTY, ICAL_TZOFFSETTO_PROPERTY}) {
      const bool to = offset_kind == ICAL_TZOFFSETTO_PROPERTY;
      const char* property = to ? "TZOFFSETTO" : "TZOFFSETFROM";
      icalproperty* p = icalcomponent_get_first_property(c, offset_kind);
      if (p == nullptr) {
        // libical takes a missing TZOFFSETFROM as TZOFFSETTO (Outlook for Mac leaves it out).
        if (to) return fail("", "has a " + name + " without TZOFFSETTO (RFC 5545 §3.6.5)");
        continue;
      }
      int seconds = to ? icalproperty_get_tzoffsetto(p) : icalproperty_get_tzoffsetfrom(p);
      std::optional<std::string_view> raw = part ? property_value(lines, *part, property) : std::nullopt;
      if ((raw && !is_plausible_utc_offset(*raw)) || seconds < -18 * 3600 || seconds > 18 * 3600)
        return fail(property, std::string("has ") + property + ":" + (raw ? std::string(*raw) : std::to_string(seconds)) +
                                  ", which is not a UTC offset from -1800 to +1800 (RFC 5545 §3.3.14: "
                                  "a sign, hours and minutes below 60)");
    }

    ++changes;  // DTSTART
    for (icalproperty* p = icalcomponent_get_first_property(c, ICAL_RDATE_PROPERTY); p != nullptr;
         p = icalcomponent_get_next_property(c, ICAL_RDATE_PROPERTY))
      ++changes;
    for (icalproperty* p = icalcomponent_get_first_property(c, ICAL_RRULE_PROPERTY); p != nullptr;
         p = icalcomponent_get_next_property(c, ICAL_RRULE_PROPERTY)) {
      icalrecurrencetype rule = icalproperty_get_rrule(p);
      if (rule.freq != ICAL_YEARLY_RECURRENCE) {
        const char* freq = rule.freq == ICAL_NO_RECURRENCE ? nullptr : icalrecur_freq_to_string(rule.freq);
        return fail("RRULE", "has a " + name + " whose RRULE recurs " + (freq ? "FREQ=" + std::string(freq) : "oddly") +
                                 "; a time zone's changes recur yearly (FREQ=YEARLY)");
      }
      // libical itself reads an UNTIL in UTC as local time (by TZOFFSETFROM).
      if (!icaltime_is_null_time(rule.until)) rule.until.zone = nullptr;
      icaltimetype from = start;
      from.zone = nullptr;
      icalrecur_iterator* it = icalrecur_iterator_new(rule, from);
      if (it == nullptr) return fail("RRULE", "has a " + name + " whose RRULE libical cannot expand (it has no occurrences)");
      for (;;) {
        icaltimetype occurrence = icalrecur_iterator_next(it);
        if (icaltime_is_null_time(occurrence) || occurrence.year > kZoneLastYear || changes > limit) break;
        ++changes;
      }
      icalrecur_iterator_free(it);
    }
    if (changes > limit) {
      if (limit < kMaxZoneChanges)
        return fail("RRULE", "and the VTIMEZONEs before it change their offsets more than " +
                            std::to_string(kMaxFileZoneChanges) + " times up to " + std::to_string(kZoneLastYear) +
                            " together; a time zone changes its offset at most a few times a year");
      return fail("RRULE", "changes its offset more than " + std::to_string(kMaxZoneChanges) + " times up to " +
                          std::to_string(kZoneLastYear) + "; a time zone changes it at most a few times a year");
    }
  }
  if (seen == 0)
    return error_at("VTIMEZONE", vtz_line, "",
                    who + "has no STANDARD or DAYLIGHT part, so it gives no offset from UTC (RFC 5545 §3.6.5)");
  budget -= changes;
  return std::nullopt;
}

// The file's VTIMEZONEs by the TZID they were written with (libical does
// not keep them in the file's order), each list in the file's order.
using ZoneSpans = std::unordered_map<std::string_view, std::deque<const Span*>>;

ZoneSpans zone_spans_by_tzid(const std::vector<LogicalLine>& lines, const std::vector<Span>& spans) {
  ZoneSpans out;
  for (const Span& span : spans)
    if (auto tzid = property_value(lines, span, "TZID")) out[*tzid].push_back(&span);
  return out;
}

// Checks every VTIMEZONE of the calendar that defines a zone of its own (not
// one of the tz database, which civic uses instead), then has libical expand
// it once, up to kZoneLastYear, rather than again for each later year a time
// asks for. `spans` gives their lines; each one found is taken from it.
std::optional<FieldError> check_file_zones(icalcomponent* calendar, const std::vector<LogicalLine>& lines,
                                           ZoneSpans& spans, std::size_t& budget) {
  for (icalcomponent* vtz = icalcomponent_get_first_component(calendar, ICAL_VTIMEZONE_COMPONENT); vtz != nullptr;
       vtz = icalcomponent_get_next_component(calendar, ICAL_VTIMEZONE_COMPONENT)) {
    icalproperty* p = icalcomponent_get_first_property(vtz, ICAL_TZID_PROPERTY);
    const char* tzid = p ? icalproperty_get_tzid(p) : nullptr;
    if (tzid == nullptr) continue;  // no event can name it
    {
      std::lock_guard lock(libical_mutex());
      if (!tz_database_name(tzid).empty()) continue;
      char* location = icaltimezone_get_location_from_vtimezone(vtz);
      bool known = location != nullptr && find_libical_zone(location) != nullptr;
      icalmemory_free_buffer(location);
      if (known) continue;
    }
    const Span* span = nullptr;
    if (auto it = spans.find(tzid); it != spans.end() && !it->second.empty()) {
      span = it->second.front();
      it->second.pop_front();
    }
    if (auto err = check_vtimezone(vtz, lines, span, budget)) return err;
    std::lock_guard lock(libical_mutex());
    if (icaltimezone* zone = icalcomponent_get_timezone(calendar, tzid))
      (void)libical_utc_offset(zone, seconds_from_civil(CivilTime{kMaxYear, 12, 31, 0, 0, 0}));
  }
  return std::nullopt;
}

// RFC 5545 §3.8.7.4: SEQUENCE is an INTEGER (§3.3.8: optional sign, digits,
// 32-bit signed), and never negative.
std::optional<std::uint32_t> sequence_number(std::string_view text) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty() || text.size() > 10) return std::nullopt;
  std::uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (value > kMaxSequence) return std::nullopt;
  return static_cast<std::uint32_t>(value);
}

std::string years_message() {
  return "has a date outside " + std::to_string(kMinYear) + "-01-01 to " + std::to_string(kMaxYear) +
         "-12-31, the years civic takes";
}

class VeventReader {
 public:
  VeventReader(const EventDefaults& defaults, icalcomponent* calendar, const std::vector<LogicalLine>& lines,
               const Span& span)
      : defaults_(defaults), calendar_(calendar), lines_(lines), span_(span) {}

  std::optional<FieldError> read(icalcomponent* c, Event& e, std::optional<EventTime>& recurrence_id);

 private:
  // The parts of read, each taking its properties from `c` into `e`.
  std::optional<FieldError> parse_error(icalcomponent* c);
  std::optional<FieldError> identity(icalcomponent* c, Event& e);
  std::optional<FieldError> times(icalcomponent* c, Event& e);
  std::optional<FieldError> texts(icalcomponent* c, Event& e);
  std::optional<FieldError> location(icalcomponent* c, Event& e);
  std::optional<FieldError> categories(icalcomponent* c, Event& e);
  std::optional<FieldError> links(icalcomponent* c, Event& e);
  std::optional<FieldError> status_and_sequence(icalcomponent* c, Event& e);
  std::optional<FieldError> recurrence(icalcomponent* c, Event& e);

  FieldError fail(std::string_view property, std::string message) {
    return error_at("VEVENT", property_line(lines_, span_, property), std::string(property), std::move(message));
  }

  // How a time's zone was named.
  struct Zone {
    std::string iana;             // a tz database name or "UTC"; empty: floating
    icaltimezone* file = nullptr;  // else a VTIMEZONE of the file
    bool bad = false;
  };

  Zone zone_of(icalproperty* p, const icaltimetype& tt);
  std::optional<FieldError> time_in_event_zone(icalproperty* p, std::string_view name, const icaltimetype& tt,
                                               const Event& e, EventTime& out);
  std::optional<FieldError> text(icalproperty* p, std::string_view name, const char* value, std::size_t max,
                                 LangText& target, bool html);

  const EventDefaults& defaults_;
  icalcomponent* calendar_;
  const std::vector<LogicalLine>& lines_;
  const Span& span_;
};

VeventReader::Zone VeventReader::zone_of(icalproperty* p, const icaltimetype& tt) {
  Zone z;
  if (icaltime_is_utc(tt)) {
    z.iana = kUtc;
    return z;
  }
  icalparameter* param = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER);
  if (param == nullptr) return z;  // floating
  std::string tzid = icalparameter_get_tzid(param) ? icalparameter_get_tzid(param) : "";
  z.iana = tz_database_name(tzid);
  if (!z.iana.empty()) return z;
  icaltimezone* file_zone = calendar_ ? icalcomponent_get_timezone(calendar_, tzid.c_str()) : nullptr;
  if (file_zone != nullptr) {
    const char* location = icaltimezone_get_location(file_zone);
    if (location != nullptr && find_libical_zone(location) != nullptr) {
      z.iana = location;
      return z;
    }
    z.file = file_zone;
    return z;
  }
  z.bad = true;
  return z;
}

std::optional<FieldError> VeventReader::time_in_event_zone(icalproperty* p, std::string_view name,
                                                           const icaltimetype& tt, const Event& e,
                                                           EventTime& out) {
  out.date_only = tt.is_date != 0;
  CivilTime civil{tt.year, tt.month, tt.day, tt.is_date ? 0 : tt.hour, tt.is_date ? 0 : tt.minute,
                  tt.is_date ? 0 : tt.second};
  if (!is_valid_date(civil.year, civil.month, civil.day))
    return fail(name, civil.year < kMinYear || civil.year > kMaxYear ? years_message() : "has a date that does not exist");
  if (out.date_only) {
    out.local = civil;
    return std::nullopt;
  }
  Zone z = zone_of(p, tt);
  if (z.bad) {
    icalparameter* param = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER);
    return fail(name, std::string("TZID \"") + (param ? icalparameter_get_tzid(param) : "") +
                          "\" is neither a tz database name nor defined by a VTIMEZONE in the file");
  }
  if (z.iana == e.timezone || (z.iana.empty() && z.file == nullptr)) {
    // Already in the event's zone (or floating: taken as the calendar's).
    // RFC 5545 §3.3.5: a time the clocks skip moves forward by the gap; one
    // they show twice is the first.
    out.local = utc_to_local(local_to_utc(civil, e.timezone), e.timezone);
    return std::nullopt;
  }
  // check_file_zones() has bounded what libical expands for a file's zone.
  std::int64_t utc = z.file != nullptr ? libical_local_to_utc(z.file, civil) : local_to_utc(civil, z.iana);
  std::optional<CivilTime> local = wall_clock_of(utc, e.timezone);
  if (!local)
    return fail(name, "is the second pass through an hour that " + e.timezone +
                          " (the zone of DTSTART) repeats when clocks go back; a local time there names the first "
                          "pass (RFC 5545 §3.3.5), so this one cannot be kept in that zone");
  if (local->year < kMinYear || local->year > kMaxYear) return fail(name, years_message());
  out.local = *local;
  return std::nullopt;
}

std::optional<FieldError> VeventReader::text(icalproperty* p, std::string_view name, const char* value,
                                             std::size_t max, LangText& target, bool html) {
  if (value == nullptr || *value == '\0') return std::nullopt;
  std::string_view v(value);
  if (v.size() > max) return fail(name, "is longer than " + std::to_string(max) + " bytes");
  std::string lang = defaults_.language;
  if (icalparameter* l = icalproperty_get_first_parameter(p, ICAL_LANGUAGE_PARAMETER)) {
    const char* tag = icalparameter_get_language(l);
    std::string lower = tag ? tag : "";
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (is_language_tag(lower)) lang = lower;
  }
  std::string clean;
  for (char c : v) {
    auto u = static_cast<unsigned char>(c);
    if (u == '\r') continue;
    if ((u < 0x20 && u != '\n' && u != '\t') || u == 0x7f) continue;
    clean += c;
  }
  target.set(std::move(lang), html ? text_to_html(clean) : std::move(clean));
  return std::nullopt;
}

std::optional<FieldError> VeventReader::read(icalcomponent* c, Event& e, std::optional<EventTime>& recurrence_id) {
  e = Event{};
  if (auto err = parse_error(c)) return err;
  for (auto part : {&VeventReader::identity, &VeventReader::times, &VeventReader::texts, &VeventReader::location,
                    &VeventReader::categories, &VeventReader::links, &VeventReader::status_and_sequence,
                    &VeventReader::recurrence})
    if (auto err = (this->*part)(c, e)) return err;
  if (icalproperty* rid = icalcomponent_get_first_property(c, ICAL_RECURRENCEID_PROPERTY)) {
    EventTime t;
    if (auto err = time_in_event_zone(rid, "RECURRENCE-ID", icalproperty_get_recurrenceid(rid), e, t)) return err;
    recurrence_id = t;
  }
  return std::nullopt;
}

// A line libical could not parse, as it reported it.
std::optional<FieldError> VeventReader::parse_error(icalcomponent* c) {
  if (icalproperty* p = icalcomponent_get_first_property(c, ICAL_XLICERROR_PROPERTY)) {
    const char* message = icalproperty_get_xlicerror(p);
    std::string text = tidy_libical_error(message ? message : "a line libical could not parse");
    int line = line_of_error(lines_, span_.first, span_.last, text, span_.begin_line);
    return error_at("VEVENT", line, "", text);
  }
  return std::nullopt;
}

std::optional<FieldError> VeventReader::identity(icalcomponent* c, Event& e) {
  const char* uid = icalcomponent_get_uid(c);
  if (uid == nullptr || *uid == '\0') return fail("UID", "the VEVENT has no UID");
  if (!is_valid_event_id(uid))
    return fail("UID", "must be 1 to 255 visible ASCII characters without / % ? # or \\ to be an event id");
  e.id = uid;
  return std::nullopt;
}

// DTSTART, and DTEND or DURATION: the event's zone and times.
std::optional<FieldError> VeventReader::times(icalcomponent* c, Event& e) {
  icalproperty* dtstart = icalcomponent_get_first_property(c, ICAL_DTSTART_PROPERTY);
  if (dtstart == nullptr) return fail("DTSTART", "the VEVENT has no DTSTART");
  icaltimetype start = icalproperty_get_dtstart(dtstart);
  if (icaltime_is_null_time(start)) return fail("DTSTART", "is not a date or date-time");
  // The event's zone: where DTSTART is, unless it is floating, a date, or a
  // zone known only from the file's VTIMEZONE (then the calendar's zone).
  e.timezone = defaults_.timezone;
  if (!start.is_date) {
    Zone z = zone_of(dtstart, start);
    if (!z.iana.empty()) e.timezone = z.iana;
  }
  if (auto err = time_in_event_zone(dtstart, "DTSTART", start, e, e.start)) return err;

  if (icalproperty* dtend = icalcomponent_get_first_property(c, ICAL_DTEND_PROPERTY)) {
    icaltimetype end = icalproperty_get_dtend(dtend);
    EventTime t;
    if (auto err = time_in_event_zone(dtend, "DTEND", end, e, t)) return err;
    if (t.date_only != e.start.date_only) return fail("DTEND", "must be a DATE when DTSTART is one, else a DATE-TIME");
    std::int64_t s = instant_of(e.start, e.timezone);
    std::int64_t en = instant_of(t, e.timezone);
    if (en < s) return fail("DTEND", "is before DTSTART");
    if (en > s) e.end = t;
  } else if (icalproperty* dur = icalcomponent_get_first_property(c, ICAL_DURATION_PROPERTY)) {
    icaldurationtype d = icalproperty_get_duration(dur);
    if (d.is_neg) return fail("DURATION", "is negative");
    if (e.start.date_only) {
      int days = static_cast<int>(d.weeks * 7 + d.days);
      if (days > 0) e.end = EventTime{add_days(e.start.local, days), true};
    } else {
      std::int64_t seconds = icaldurationtype_as_int(d);
      if (seconds > 0) e.end = EventTime{utc_to_local(instant_of(e.start, e.timezone) + seconds, e.timezone), false};
    }
  }
  return std::nullopt;
}

// SUMMARY (required), DESCRIPTION and Outlook's X-ALT-DESC.
std::optional<FieldError> VeventReader::texts(icalcomponent* c, Event& e) {
  for (icalproperty* p = icalcomponent_get_first_property(c, ICAL_SUMMARY_PROPERTY); p;
       p = icalcomponent_get_next_property(c, ICAL_SUMMARY_PROPERTY))
    if (auto err = text(p, "SUMMARY", icalproperty_get_summary(p), EventLimits::kNameBytes, e.name, false)) return err;
  if (e.name.empty()) return fail("SUMMARY", "the VEVENT has no SUMMARY");
  for (icalproperty* p = icalcomponent_get_first_property(c, ICAL_DESCRIPTION_PROPERTY); p;
       p = icalcomponent_get_next_property(c, ICAL_DESCRIPTION_PROPERTY))
    if (auto err = text(p, "DESCRIPTION", icalproperty_get_description(p), EventLimits::kTextBytes, e.description, true))
      return err;
  // Outlook's HTML description takes the place of the plain one.
  for (icalproperty* p = icalcomponent_get_first_property(c, ICAL_X_PROPERTY); p;
       p = icalcomponent_get_next_property(c, ICAL_X_PROPERTY)) {
    const char* xname = icalproperty_get_x_name(p);
    icalparameter* fmt = icalproperty_get_first_parameter(p, ICAL_FMTTYPE_PARAMETER);
    if (xname && std::strcmp(xname, "X-ALT-DESC") == 0 && fmt && icalparameter_get_fmttype(fmt) &&
        std::strcmp(icalparameter_get_fmttype(fmt), "text/html") == 0) {
      LangText html;
      if (auto err = text(p, "X-ALT-DESC", icalproperty_get_x(p), EventLimits::kTextBytes, html, false)) return err;
      for (const auto& [lang, value] : html.entries()) e.description.set(lang, value);
    }
  }
  return std::nullopt;
}

// LOCATION and GEO.
std::optional<FieldError> VeventReader::location(icalcomponent* c, Event& e) {
  Location loc;
  for (icalproperty* p = icalcomponent_get_first_property(c, ICAL_LOCATION_PROPERTY); p;
       p = icalcomponent_get_next_property(c, ICAL_LOCATION_PROPERTY))
    if (auto err = text(p, "LOCATION", icalproperty_get_location(p), EventLimits::kNameBytes, loc.name, false)) return err;
  if (icalproperty* geo = icalcomponent_get_first_property(c, ICAL_GEO_PROPERTY)) {
    icalgeotype g = icalproperty_get_geo(geo);
    if (g.lat < -90 || g.lat > 90 || g.lon < -180 || g.lon > 180) return fail("GEO", "is out of range");
    loc.position = Position{g.lon, g.lat};
  }
  if (!(loc == Location{})) e.location = std::move(loc);
  return std::nullopt;
}

// CATEGORIES: keywords (no commas, each once).
std::optional<FieldError> VeventReader::categories(icalcomponent* c, Event& e) {
  for (icalproperty* p = icalcomponent_get_first_property(c, ICAL_CATEGORIES_PROPERTY); p;
       p = icalcomponent_get_next_property(c, ICAL_CATEGORIES_PROPERTY)) {
    const char* value = icalproperty_get_categories(p);
    if (value == nullptr) continue;
    std::string word(value);
    while (!word.empty() && word.back() == ' ') word.pop_back();
    while (!word.empty() && word.front() == ' ') word.erase(0, 1);
    if (word.empty() || word.find(',') != std::string::npos) continue;
    if (word.size() > EventLimits::kKeywordBytes) return fail("CATEGORIES", "has a category longer than 200 bytes");
    if (std::find(e.keywords.begin(), e.keywords.end(), word) != e.keywords.end()) continue;
    if (e.keywords.size() >= EventLimits::kKeywords) return fail("CATEGORIES", "has more than 100 categories");
    e.keywords.push_back(std::move(word));
  }
  return std::nullopt;
}

// URL and IMAGE: http(s) only; others are passed over.
std::optional<FieldError> VeventReader::links(icalcomponent* c, Event& e) {
  if (icalproperty* url = icalcomponent_get_first_property(c, ICAL_URL_PROPERTY)) {
    const char* value = icalproperty_get_url(url);
    std::string_view v = value ? value : "";
    if ((v.starts_with("http://") || v.starts_with("https://")) && v.size() <= EventLimits::kUrlBytes)
      e.info_url.set(defaults_.language, std::string(v));
  }
  for (icalproperty* p = icalcomponent_get_first_property(c, ICAL_IMAGE_PROPERTY); p;
       p = icalcomponent_get_next_property(c, ICAL_IMAGE_PROPERTY)) {
    // IMAGE;VALUE=URI (RFC 7986 §5.10) comes as a URI value.
    icalvalue* value = icalproperty_get_value(p);
    if (value == nullptr || icalvalue_isa(value) != ICAL_URI_VALUE || icalvalue_get_uri(value) == nullptr) continue;
    std::string_view v = icalvalue_get_uri(value);
    if ((v.starts_with("http://") || v.starts_with("https://")) && v.size() <= EventLimits::kUrlBytes &&
        e.images.size() < EventLimits::kImages)
      e.images.push_back(Image{std::string(v), {}, {}});
  }
  return std::nullopt;
}

std::optional<FieldError> VeventReader::status_and_sequence(icalcomponent* c, Event& e) {
  if (icalproperty* s = icalcomponent_get_first_property(c, ICAL_STATUS_PROPERTY)) {
    switch (icalproperty_get_status(s)) {
      case ICAL_STATUS_CANCELLED: e.status = EventStatus::cancelled; break;
      case ICAL_STATUS_TENTATIVE: e.status = EventStatus::postponed; break;
      default: e.status = EventStatus::scheduled; break;
    }
  }
  if (icalcomponent_get_first_property(c, ICAL_SEQUENCE_PROPERTY) != nullptr) {
    // libical reads past INT_MAX into a negative number: the text decides.
    std::optional<std::uint32_t> seq;
    if (auto text = property_value(lines_, span_, "SEQUENCE")) seq = sequence_number(*text);
    if (!seq) return fail("SEQUENCE", "must be a whole number from 0 to " + std::to_string(kMaxSequence));
    e.sequence = *seq;
  }
  return std::nullopt;
}

// RRULE (one), EXDATE and RDATE, in the event's zone.
std::optional<FieldError> VeventReader::recurrence(icalcomponent* c, Event& e) {
  Recurrence r;
  int rules = 0;
  for (icalproperty* p = icalcomponent_get_first_property(c, ICAL_RRULE_PROPERTY); p;
       p = icalcomponent_get_next_property(c, ICAL_RRULE_PROPERTY)) {
    if (++rules > 1) return fail("RRULE", "more than one RRULE, which civic does not take");
    icalrecurrencetype rule = icalproperty_get_rrule(p);
    char* written = icalrecurrencetype_as_string_r(&rule);
    std::string text = written ? written : "";
    std::free(written);
    std::string error;
    auto normalized = normalize_rrule(text, e.start, e.timezone, error);
    if (!normalized) return fail("RRULE", error);
    r.rrule = std::move(*normalized);
  }
  for (icalproperty* p = icalcomponent_get_first_property(c, ICAL_EXDATE_PROPERTY); p;
       p = icalcomponent_get_next_property(c, ICAL_EXDATE_PROPERTY)) {
    EventTime t;
    if (auto err = time_in_event_zone(p, "EXDATE", icalproperty_get_exdate(p), e, t)) return err;
    r.exdates.push_back(t);
  }
  for (icalproperty* p = icalcomponent_get_first_property(c, ICAL_RDATE_PROPERTY); p;
       p = icalcomponent_get_next_property(c, ICAL_RDATE_PROPERTY)) {
    icaldatetimeperiodtype dp = icalproperty_get_rdate(p);
    icaltimetype tt = icaltime_is_null_time(dp.time) ? dp.period.start : dp.time;
    EventTime t;
    if (auto err = time_in_event_zone(p, "RDATE", tt, e, t)) return err;
    r.rdates.push_back(t);
  }
  for (auto* list : {&r.exdates, &r.rdates}) {
    for (auto& t : *list) {
      if (t.date_only != e.start.date_only) {
        if (e.start.date_only) {
          t = EventTime{CivilTime{t.local.year, t.local.month, t.local.day}, true};
        } else {
          return fail(list == &r.exdates ? "EXDATE" : "RDATE", "is a DATE while DTSTART is a DATE-TIME");
        }
      }
    }
    std::sort(list->begin(), list->end(), [](const EventTime& a, const EventTime& b) { return a.local < b.local; });
    list->erase(std::unique(list->begin(), list->end()), list->end());
    if (list->size() > EventLimits::kRecurrenceDates)
      return fail(list == &r.exdates ? "EXDATE" : "RDATE", "more than 1000 dates");
  }
  if (!r.rrule.empty() || !r.rdates.empty()) e.recurrence = std::move(r);
  return std::nullopt;
}

std::string compact_time(const EventTime& t) {
  return t.date_only ? format_ical_date(t.local) : format_ical_datetime(t.local);
}

}  // namespace

std::size_t invalid_utf8_at(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t n;
    std::uint32_t cp;
    if ((c & 0xE0) == 0xC0) { n = 2; cp = c & 0x1F; }
    else if ((c & 0xF0) == 0xE0) { n = 3; cp = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { n = 4; cp = c & 0x07; }
    else return i;
    if (i + n > s.size()) return i;
    for (std::size_t k = 1; k < n; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return i;
    i += n;
  }
  return std::string_view::npos;
}

std::string detach_occurrence(Event& series, Event& occurrence, const EventTime& recurrence_id) {
  if (!series.recurrence) return "a changed occurrence of " + series.id + ", which is not a series";
  if (recurrence_id.date_only != series.start.date_only) return "does not match the series' DTSTART type";
  auto& exdates = series.recurrence->exdates;
  if (std::find(exdates.begin(), exdates.end(), recurrence_id) == exdates.end()) {
    if (exdates.size() >= EventLimits::kRecurrenceDates) return "the series has 1000 EXDATEs already";
    exdates.push_back(recurrence_id);
    std::sort(exdates.begin(), exdates.end(), [](const EventTime& a, const EventTime& b) { return a.local < b.local; });
  }
  std::string id = series.id + "_" + compact_time(recurrence_id);
  if (!is_valid_event_id(id)) return "the UID is too long to name a changed occurrence";
  occurrence.id = std::move(id);
  occurrence.recurrence.reset();
  return {};
}

std::optional<FieldError> events_from_ics(std::string_view text, const EventDefaults& defaults,
                                          std::vector<Event>& out, std::size_t max_events,
                                          std::vector<ChangedOccurrence>* apart) {
  out.clear();
  if (apart) apart->clear();
  // A byte order mark is no part of the text (RFC 3629 §6); Windows editors
  // write one. The JSON reader skips it too.
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  if (std::size_t bad = invalid_utf8_at(text); bad != std::string_view::npos) {
    int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(bad), '\n'));
    return error_at("", line, "", "the file is not UTF-8 (RFC 5545 §3.1.4)");
  }
  if (text.find('\0') != std::string_view::npos) return error_at("", 1, "", "the file holds a NUL byte", FieldError::Kind::syntax);
  std::vector<LogicalLine> lines = unfold(text);
  std::vector<Span> spans;
  std::vector<Span> zone_spans;
  int calendars = 0;
  if (auto err = layout(lines, spans, zone_spans, calendars)) return err;
  if (spans.size() > max_events)
    return error_at("VEVENT", spans[max_events].begin_line, "",
                    "more than " + std::to_string(max_events) + " events in one import");

  // libical's parser keeps its state in the parser and its error number and
  // scratch buffers per thread: parsing needs no lock. Turning each VEVENT
  // into an event touches shared time zones: that holds libical_mutex(),
  // one VEVENT at a time, so that a feed on the event loop waits at most that.
  std::vector<icalcomponent*> parsed;
  icalparser* parser = icalparser_new();
  if (parser == nullptr) return error_at("", 0, "", "out of memory");
  for (auto& l : lines) {
    std::string copy = l.text;  // libical may write into the line
    if (icalcomponent* c = icalparser_add_line(parser, copy.data())) parsed.push_back(c);
  }
  // A component left open at the end stays the parser's (icalparser_clean
  // closes it but keeps it as the parser's root): icalparser_free frees it,
  // so it must not be freed here too. The layout check above already refused
  // unbalanced BEGIN/END as we read them; this is for what libical reads
  // differently (found by fuzz/ics_import).
  (void)icalparser_clean(parser);
  icalparser_free(parser);
  auto free_all = [&parsed] {
    for (auto* c : parsed) icalcomponent_free(c);
  };

  std::vector<std::optional<EventTime>> recurrence_ids;
  std::vector<int> begin_lines;
  std::size_t span_index = 0;
  ZoneSpans zone_spans_left = zone_spans_by_tzid(lines, zone_spans);
  std::size_t zone_budget = kMaxFileZoneChanges;
  for (icalcomponent* cal : parsed) {
    if (icalcomponent_isa(cal) != ICAL_VCALENDAR_COMPONENT) continue;
    // Errors libical found between the calendar's components.
    if (icalproperty* p = icalcomponent_get_first_property(cal, ICAL_XLICERROR_PROPERTY)) {
      const char* message = icalproperty_get_xlicerror(p);
      std::string m = tidy_libical_error(message ? message : "a line libical could not parse");
      int line = line_of_error(lines, 0, lines.size() - 1, m, 1);
      free_all();
      return error_at("VCALENDAR", line, "", m);
    }
    if (auto err = check_file_zones(cal, lines, zone_spans_left, zone_budget)) {
      free_all();
      return err;
    }
    for (icalcomponent* c = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT); c != nullptr;
         c = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT)) {
      if (span_index >= spans.size()) break;  // cannot happen: layout() saw every VEVENT
      const Span& span = spans[span_index++];
      VeventReader reader(defaults, cal, lines, span);
      Event e;
      std::optional<EventTime> rid;
      std::optional<FieldError> err;
      {
        std::lock_guard lock(libical_mutex());
        err = reader.read(c, e, rid);
      }
      if (err) {
        free_all();
        if (err->line == 0) err->line = span.begin_line;
        if (!e.id.empty() && err->field != "UID") err->message += " (UID " + e.id + ")";
        return err;
      }
      out.push_back(std::move(e));
      recurrence_ids.push_back(rid);
      begin_lines.push_back(span.begin_line);
    }
  }
  free_all();

  // Changed occurrences: their own event, and an EXDATE in their series.
  std::map<std::string, std::size_t> series;
  for (std::size_t i = 0; i < out.size(); ++i)
    if (!recurrence_ids[i]) series.emplace(out[i].id, i);
  std::vector<bool> set_apart(out.size(), false);
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (!recurrence_ids[i]) continue;
    auto it = series.find(out[i].id);
    if (it == series.end() && apart) {
      set_apart[i] = true;  // its series may be stored already: the caller looks
      continue;
    }
    if (it == series.end() || !out[it->second].recurrence)
      return error_at("VEVENT", begin_lines[i], "RECURRENCE-ID",
                      "a changed occurrence of the series " + out[i].id + ", which is not in this file");
    std::string error = detach_occurrence(out[it->second], out[i], *recurrence_ids[i]);
    if (!error.empty())
      return error_at("VEVENT", begin_lines[i], error.starts_with("the UID") ? "UID" : "RECURRENCE-ID", error);
  }
  if (apart) {
    std::size_t kept = 0;
    for (std::size_t i = 0; i < out.size(); ++i) {
      if (set_apart[i]) {
        apart->push_back(ChangedOccurrence{std::move(out[i]), *recurrence_ids[i], begin_lines[i]});
      } else {
        if (kept != i) out[kept] = std::move(out[i]);
        ++kept;
      }
    }
    out.resize(kept);
  }
  return std::nullopt;
}

}  // namespace civic::calendar
