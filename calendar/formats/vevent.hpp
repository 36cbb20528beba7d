// Writing iCalendar (RFC 5545, RFC 7986): one event as a VEVENT in one
// language, and the VCALENDAR around a feed's events.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "calendar/model/calendar_config.hpp"
#include "calendar/model/event.hpp"
#include "calendar/formats/ical_tree.hpp"

namespace civic::calendar {

// How a calendar writes its VEVENTs in one language: the texts chosen along
// `chain` (the language, then its fallbacks), and the ORGANIZER line.
struct VeventStyle {
  std::vector<std::string> chain;
  std::string organizer_cn;  // "Kulttuuritapahtumat"
  std::string organizer;     // "mailto:noreply@invalid"
};

VeventStyle vevent_style(const CalendarConfig& calendar, std::string_view lang);

// The VEVENT of `event`: CRLF line ends, folded, escaped. With `tree`, also
// the same component as the jCal and xCal writers take it, as libical would
// read it from the text (tests compare the two). `plain_descriptions`, if
// given, holds html_to_text of each of the event's descriptions (a writer
// of several languages converts each once).
std::string render_vevent(const Event& event, const VeventStyle& style, ComponentTree* tree = nullptr,
                          const LangText* plain_descriptions = nullptr);

// The zone a rendered VEVENT names in TZID parameters ("" if none): the
// feed must carry a VTIMEZONE for it.
std::string_view tzid_used(const Event& event);

// Identifies a style: a stored VEVENT whose signature differs (the calendar's
// languages, title or organizer changed) is rendered again when read.
std::uint64_t render_signature(const VeventStyle& style);

// From BEGIN:VCALENDAR to the calendar's properties, in `lang`.
std::string render_calendar_head(const CalendarConfig& calendar, std::string_view lang);

inline constexpr std::string_view kCalendarTail = "END:VCALENDAR\r\n";

inline constexpr std::string_view kProductId = "-//civic//civic calendar feeds 0.1//EN";

}  // namespace civic::calendar
