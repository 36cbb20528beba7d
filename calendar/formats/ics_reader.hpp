// .ics files to the event model: libical parses (fed one unfolded line at a
// time, so that every component and property is known by its line), and
// each VEVENT becomes an Event.
//
// - TZID: a tz database name, a libical-style "/prefix/Europe/Helsinki", or
//   a zone the file defines in a VTIMEZONE (Outlook's "FLE Standard Time"):
//   times in such a zone are converted to the calendar's zone.
// - A changed occurrence of a series (RECURRENCE-ID) becomes an event of its
//   own, with the id "UID_20261215T180000", and the series gets an EXDATE for
//   it; its series is in the same file, or (an admin import that changes one
//   occurrence) already in the calendar.
// - VTODO, VJOURNAL and the like are skipped.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "calendar/model/event.hpp"
#include "calendar/formats/event_json.hpp"
#include "common/field_error.hpp"

namespace civic::calendar {

// A changed occurrence whose series is not in the file: its id is still
// the series' UID.
struct ChangedOccurrence {
  Event event;
  EventTime recurrence_id;
  int line = 0;  // where its VEVENT begins
};

// With `apart`, changed occurrences whose series is not in the file go there
// (the caller may find the series stored; detach_occurrence joins them);
// without, such a file is refused.
std::optional<FieldError> events_from_ics(std::string_view text, const EventDefaults& defaults,
                                          std::vector<Event>& out, std::size_t max_events,
                                          std::vector<ChangedOccurrence>* apart = nullptr);

// Makes `occurrence` (of `series`, at `recurrence_id`) an event of its own,
// "UID_20261215T180000", and gives the series an EXDATE for it (once). An
// error text, or "".
std::string detach_occurrence(Event& series, Event& occurrence, const EventTime& recurrence_id);

// The first byte that is not valid UTF-8, or npos.
std::size_t invalid_utf8_at(std::string_view text);

}  // namespace civic::calendar
