// .ics files to the event model: libical parses (fed one unfolded line at a
// time, so that every component and property is known by its line), and
// each VEVENT becomes an Event.
//
// - TZID: a tz database name, a libical-style "/prefix/Europe/Helsinki", or
//   a zone the file defines in a VTIMEZONE (Outlook's "FLE Standard Time"):
//   times in such a zone are converted to the calendar's zone.
// - A changed occurrence of a series (RECURRENCE-ID) becomes an event of its
//   own, with the id "UID_20261215T180000", and the series gets an EXDATE for
//   it; its series must be in the same file.
// - VTODO, VJOURNAL and the like are skipped.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "calendar/model/event.hpp"
#include "calendar/formats/event_json.hpp"
#include "common/field_error.hpp"

namespace civic::calendar {

std::optional<FieldError> events_from_ics(std::string_view text, const EventDefaults& defaults,
                                          std::vector<Event>& out, std::size_t max_events);

// The first byte that is not valid UTF-8, or npos.
std::size_t invalid_utf8_at(std::string_view text);

}  // namespace civic::calendar
