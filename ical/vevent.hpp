// Writing iCalendar (RFC 5545, RFC 7986): one event as a VEVENT in one
// language, and the VCALENDAR around a feed's events.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ical/calendar_config.hpp"
#include "ical/event.hpp"

namespace civic::ical {

// The VEVENT of `event` with its texts chosen along `chain` (a language, then
// its fallbacks). CRLF line ends, folded, escaped.
std::string render_vevent(const Event& event, const std::vector<std::string>& chain);

// The zone a rendered VEVENT names in TZID parameters ("" if none): the
// feed must carry a VTIMEZONE for it.
std::string_view tzid_used(const Event& event);

// Identifies how render_vevent chose texts for `chain`: a stored VEVENT whose
// signature differs (the calendar's languages changed) is rendered again.
std::uint64_t render_signature(const std::vector<std::string>& chain);

// From BEGIN:VCALENDAR to the calendar's properties, in `lang`.
std::string render_calendar_head(const CalendarConfig& calendar, std::string_view lang);

inline constexpr std::string_view kCalendarTail = "END:VCALENDAR\r\n";

inline constexpr std::string_view kProductId = "-//civic//civic calendar feeds 0.1//EN";

}  // namespace civic::ical
