#include "calendar/formats/ics_stream.hpp"

#include <cctype>
#include <utility>

#include "calendar/formats/ascii_case.hpp"
#include "calendar/formats/ics_reader.hpp"

namespace civic::calendar {

namespace {

// As ics_reader's layout check: deeper nesting is refused.
constexpr std::size_t kMaxDepth = 9;
// A calendar needs one VTIMEZONE per zone it uses; the tz database has about 600.
constexpr std::size_t kMaxZones = 1000;

// The value of a line of property `name` ("UID", "TZID"), as written after
// its parameters; empty if the line is another property.
std::string_view property_value(std::string_view line, std::string_view name) {
  if (!starts_with_nocase(line, name) || line.size() <= name.size()) return {};
  if (line[name.size()] != ':' && line[name.size()] != ';') return {};
  bool quoted = false;
  for (std::size_t k = name.size(); k < line.size(); ++k) {
    if (line[k] == '"') quoted = !quoted;
    else if (line[k] == ':' && !quoted) return line.substr(k + 1);
  }
  return {};
}

}  // namespace

IcsStream::IcsStream(ByteSource source, EventDefaults defaults, std::size_t max_events)
    : bytes_(std::move(source)), defaults_(std::move(defaults)), max_events_(max_events) {}

void IcsStream::fail(std::string component, int line, std::string message, FieldError::Kind kind) {
  if (failed_) return;
  failed_ = true;
  error_ = FieldError{};
  error_.kind = kind;
  error_.component = std::move(component);
  error_.line = line;
  error_.message = std::move(message);
}

bool IcsStream::read_physical(std::string& raw) {
  raw.clear();
  for (;;) {
    std::string_view in_hand = bytes_.available();
    if (in_hand.empty()) break;
    std::size_t nl = in_hand.find('\n');
    std::string_view part = in_hand.substr(0, nl);
    if (raw.size() + part.size() > kMaxIcsLineBytes) {
      fail("", physical_ + 1, "a line longer than " + std::to_string(kMaxIcsLineBytes >> 20) + " MB");
      return false;
    }
    raw.append(part);
    bytes_.consume(part.size());
    if (nl != std::string_view::npos) {
      bytes_.consume(1);
      break;
    }
  }
  ++physical_;
  if (physical_ == 1 && raw.starts_with("\xEF\xBB\xBF")) raw.erase(0, 3);  // a byte order mark (RFC 3629 §6)
  if (!raw.empty() && raw.back() == '\r') raw.pop_back();
  if (std::size_t bad = invalid_utf8_at(raw); bad != std::string_view::npos) {
    fail("", physical_, "the file is not UTF-8 (RFC 5545 §3.1.4)");
    return false;
  }
  if (raw.find('\0') != std::string::npos) {
    fail("", physical_, "the file holds a NUL byte", FieldError::Kind::syntax);
    return false;
  }
  return true;
}

// RFC 5545 §3.1: a line that starts with a space or tab continues the
// previous one. A logical line is complete when the next one starts.
bool IcsStream::next_line(Line& out) {
  std::string raw;
  for (;;) {
    if (failed_) return false;
    bool at_end = bytes_.at_end();
    if (at_end || !read_physical(raw)) {
      if (failed_ || !has_pending_) return false;
      out = std::move(pending_);
      has_pending_ = false;
      return true;
    }
    if (!raw.empty() && (raw.front() == ' ' || raw.front() == '\t') && has_pending_) {
      if (pending_.text.size() + raw.size() > kMaxIcsLineBytes) {
        fail("", pending_.number, "a line longer than " + std::to_string(kMaxIcsLineBytes >> 20) + " MB");
        return false;
      }
      pending_.text.append(raw, 1);
      continue;
    }
    if (raw.empty()) continue;
    if (has_pending_) {
      out = std::move(pending_);
      pending_ = Line{std::move(raw), physical_};
      return true;
    }
    pending_ = Line{std::move(raw), physical_};
    has_pending_ = true;
  }
}

// The VEVENTs of one UID as a calendar of their own: the calendar's
// properties, the VTIMEZONEs they name, the VEVENTs. Each line keeps its
// number in the file, so that a refusal names the file's line.
void IcsStream::flush_group() {
  if (group_.empty() || failed_) return;
  std::vector<const Line*> lines;
  Line begin{"BEGIN:VCALENDAR", calendar_line_};
  Line end{"END:VCALENDAR", calendar_line_};
  lines.push_back(&begin);
  for (const Line& l : header_) lines.push_back(&l);
  for (const Zone& z : zones_) {
    bool named = false;
    for (const Line& l : group_)
      if (l.text.find("TZID") != std::string::npos && l.text.find(z.tzid) != std::string::npos) {
        named = true;
        break;
      }
    if (named)
      for (const Line& l : z.lines) lines.push_back(&l);
  }
  for (const Line& l : group_) lines.push_back(&l);
  lines.push_back(&end);

  std::string text;
  for (const Line* l : lines) {
    text += l->text;
    text += "\r\n";
  }
  std::vector<Event> events;
  if (auto err = events_from_ics(text, defaults_, events, max_events_)) {
    int at = err->line;
    err->line = at >= 1 && static_cast<std::size_t>(at) <= lines.size() ? lines[static_cast<std::size_t>(at) - 1]->number
                                                                           : group_.front().number;
    if (err->field == "RECURRENCE-ID" && err->message.ends_with("which is not in this file")) {
      err->message += " right before it (a streamed import reads a series with the changed occurrences that follow it)";
      series_apart_ = true;
    }
    failed_ = true;
    error_ = std::move(*err);
    return;
  }
  events_ += events.size();
  if (events_ > max_events_) {
    fail("VEVENT", group_.front().number, "more than " + std::to_string(max_events_) + " events in one import");
    return;
  }
  for (Event& e : events) ready_.push_back(std::move(e));
  group_.clear();
  group_bytes_ = 0;
  group_uid_.clear();
}

bool IcsStream::take_line() {
  Line line;
  if (!next_line(line)) {
    if (failed_) return false;
    if (!open_.empty()) {
      fail(open_.back().first, open_.back().second, "BEGIN:" + open_.back().first + " has no END");
      return false;
    }
    if (calendars_ == 0) {
      fail("", 1, "not an iCalendar file (no BEGIN:VCALENDAR)", FieldError::Kind::syntax);
      return false;
    }
    return false;
  }
  const std::string& t = line.text;
  std::size_t depth = open_.size();
  if (starts_with_nocase(t, "BEGIN:")) {
    std::string name = upper(std::string_view(t).substr(6));
    if (depth == 0 && name != "VCALENDAR") {
      fail(name, line.number, "expected BEGIN:VCALENDAR, found BEGIN:" + name);
      return false;
    }
    if (depth > 0 && name == "VCALENDAR") {
      fail(name, line.number, "a VCALENDAR inside another component");
      return false;
    }
    if (depth >= kMaxDepth) {
      fail(name, line.number, "components are nested too deeply");
      return false;
    }
    open_.emplace_back(name, line.number);
    if (depth == 0) {
      ++calendars_;
      calendar_line_ = line.number;
      header_.clear();
      header_bytes_ = 0;
      zones_.clear();
      return true;
    }
    if (depth == 1) {
      component_.clear();
      component_bytes_ = 0;
      if (name == "VTIMEZONE" && zones_.size() >= kMaxZones) {
        fail(name, line.number, "more than " + std::to_string(kMaxZones) + " VTIMEZONEs in one calendar");
        return false;
      }
    }
  } else if (starts_with_nocase(t, "END:")) {
    std::string name = upper(std::string_view(t).substr(4));
    if (open_.empty()) {
      fail(name, line.number, "END:" + name + " without a BEGIN");
      return false;
    }
    if (open_.back().first != name) {
      fail(open_.back().first, line.number,
           "END:" + name + " where END:" + open_.back().first + " (of line " + std::to_string(open_.back().second) +
               ") was expected");
      return false;
    }
    open_.pop_back();
  } else if (depth == 0) {
    // Before any calendar: not iCalendar at all (400); after one: a file
    // with something wrong in it (422).
    fail("", line.number, "text outside of BEGIN:VCALENDAR ... END:VCALENDAR",
         calendars_ == 0 ? FieldError::Kind::syntax : FieldError::Kind::invalid);
    return false;
  }

  // Where the line goes: the calendar's own properties, the component being
  // read (VEVENT, VTIMEZONE), or nowhere (VTODO and the like are skipped).
  if (open_.empty()) {  // END:VCALENDAR
    flush_group();
    return !failed_;
  }
  const std::string& top = open_.size() >= 2 ? open_[1].first : std::string();
  if (open_.size() == 1 && depth == 1) {
    header_bytes_ += t.size();
    if (header_bytes_ > kMaxIcsGroupBytes) {
      fail("VCALENDAR", line.number, "the calendar's own properties take more than 32 MB");
      return false;
    }
    header_.push_back(std::move(line));
    return true;
  }
  bool closing = open_.size() == 1;  // this line ended the calendar's child
  std::string child = closing ? upper(std::string_view(t).substr(4)) : top;
  if (child != "VEVENT" && child != "VTIMEZONE") return true;
  component_bytes_ += t.size();
  if (component_bytes_ + group_bytes_ > kMaxIcsGroupBytes) {
    fail(child, line.number, "the " + child + " takes more than 32 MB");
    return false;
  }
  component_.push_back(std::move(line));
  if (!closing) return true;

  if (child == "VTIMEZONE") {
    Zone z;
    for (std::size_t i = 1; i + 1 < component_.size(); ++i) {
      std::string_view v = property_value(component_[i].text, "TZID");
      if (!v.empty()) {
        z.tzid = v;
        break;
      }
    }
    z.lines = std::move(component_);
    component_.clear();
    if (!z.tzid.empty()) zones_.push_back(std::move(z));
    return true;
  }
  // A VEVENT: with the group of its UID, or it starts a new group.
  std::string uid;
  int nested = 0;
  for (std::size_t i = 1; i + 1 < component_.size(); ++i) {
    const std::string& l = component_[i].text;
    if (starts_with_nocase(l, "BEGIN:")) ++nested;
    else if (starts_with_nocase(l, "END:")) --nested;
    else if (nested == 0) {
      std::string_view v = property_value(l, "UID");
      if (!v.empty()) {
        uid = v;
        break;
      }
    }
  }
  if (!group_.empty() && (uid.empty() || uid != group_uid_)) {
    flush_group();
    if (failed_) return false;
  }
  group_uid_ = uid;
  group_bytes_ += component_bytes_;
  for (Line& l : component_) group_.push_back(std::move(l));
  component_.clear();
  component_bytes_ = 0;
  return true;
}

StreamStep IcsStream::next(Event& out, FieldError& error) {
  for (;;) {
    if (!ready_.empty()) {
      out = std::move(ready_.front());
      ready_.pop_front();
      return StreamStep::event;
    }
    if (failed_) {
      error = error_;
      return StreamStep::refused;
    }
    if (done_) return StreamStep::end;
    if (!take_line()) {
      if (!failed_) flush_group();
      done_ = true;
    }
  }
}

}  // namespace civic::calendar
