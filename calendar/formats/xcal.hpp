// xCal (RFC 6321): iCalendar as XML, written with libxml2's xmlTextWriter
// from the tree ical/ical_tree.hpp reads. A VEVENT's xCal element is
// rendered when the event is stored; a feed joins the stored components
// between the document's head and tail, both written by libxml2 too.
//
//   <icalendar xmlns="urn:ietf:params:xml:ns:icalendar-2.0">
//     <vcalendar><properties>...</properties><components>...</components></vcalendar>
//   </icalendar>
#pragma once

#include <string>
#include <string_view>

#include "calendar/formats/ical_tree.hpp"

namespace civic::calendar {

inline constexpr std::string_view kXcalNamespace = "urn:ietf:params:xml:ns:icalendar-2.0";

// <vevent><properties>...</properties><components>...</components></vevent>,
// without a namespace declaration (the document's default namespace applies).
std::string component_xcal(const ComponentTree& component);

// The xCal of one component's iCalendar text; empty if libical cannot read it.
std::string xcal_of_ical(std::string_view text);

// The document around a calendar's components: `head` from the XML
// declaration to <components>, `tail` from </components> to the end.
struct XcalFrame {
  std::string head;
  std::string tail;
};
XcalFrame xcal_frame(std::string_view calendar_text);

}  // namespace civic::calendar
