// An iCalendar component (a VEVENT, a VTIMEZONE, a VCALENDAR's properties)
// read by libical into plain values, for the jCal (RFC 7265) and xCal
// (RFC 6321) writers: both formats describe the same tree, so the two writers
// share one reading of the text, and both carry exactly what the .ics does.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace civic::calendar {

// One part of a RECUR value (RFC 7265 §3.6.10, RFC 6321 §3.6.10): "freq",
// "count", "byday", ... with its values; numeric parts are written as numbers.
struct RecurPart {
  std::string name;  // lower case
  std::vector<std::string> values;
  bool numeric = false;
};

struct PropertyTree {
  std::string name;                                         // lower case
  std::vector<std::pair<std::string, std::string>> params;  // lower-case names; VALUE left out
  std::string type;                                         // "text", "date-time", "recur", ...
  std::vector<std::string> values;  // in the jCal/xCal text form; several for a list (CATEGORIES, EXDATE)
  bool numeric = false;             // integer and float values are JSON numbers
  bool geo = false;                 // GEO: values are latitude and longitude (a structured value)
  std::vector<RecurPart> recur;     // type "recur"
};

struct ComponentTree {
  std::string name;  // lower case: "vevent", "vtimezone", "standard", ...
  std::vector<PropertyTree> properties;
  std::vector<ComponentTree> components;
};

// The first component of `text` (BEGIN:... to END:..., CRLF lines as civic
// writes them); nullopt if libical cannot read it. Properties with the same
// name and parameters that libical splits into one per value (CATEGORIES,
// EXDATE) are joined again into one property with several values.
std::optional<ComponentTree> read_component_tree(std::string_view text);

// The parts of an RRULE value as libical reads and writes it back (its
// order of parts, UNTIL in the extended form).
std::vector<RecurPart> read_recur(std::string_view rule);

}  // namespace civic::calendar
