// jCal (RFC 7265): iCalendar as JSON, written with rapidjson from the tree
// ical/ical_tree.hpp reads. A VEVENT's jCal is rendered when the event is
// stored (from its VEVENT text, so both carry the same); a feed joins the
// stored components between the calendar's head and tail.
//
//   ["vcalendar", [properties...], [components...]]       RFC 7265 §3.1
//   ["dtstart", {"tzid": "Europe/Helsinki"}, "date-time", "2026-12-05T18:00:00"]
#pragma once

#include <string>
#include <string_view>

#include "calendar/formats/ical_tree.hpp"

namespace civic::calendar {

// ["vevent", [...], [...]]
std::string component_jcal(const ComponentTree& component);

// The jCal of one component's iCalendar text ("BEGIN:VEVENT..."); empty if
// libical cannot read it.
std::string jcal_of_ical(std::string_view text);

// A VCALENDAR in two parts around its components: `head` is
// `["vcalendar",[properties...],[` and `tail` `]]`; components are joined
// with kJcalSeparator. `calendar_text` is a VCALENDAR with properties only.
struct JcalFrame {
  std::string head;
  std::string tail;
};
JcalFrame jcal_frame(std::string_view calendar_text);

inline constexpr std::string_view kJcalSeparator = ",";

}  // namespace civic::calendar
