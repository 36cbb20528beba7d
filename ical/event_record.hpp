// From an event to what the store keeps for it: the VEVENT in each of the
// calendar's languages (render on write), the facts the filters test, and the
// occurrences the time indexes hold.
#pragma once

#include <cstdint>

#include "ical/calendar_config.hpp"
#include "ical/event.hpp"
#include "storage/event_store.hpp"

namespace civic::ical {

// Recurring events are materialized from their start up to this long after
// they were written, and at most kMaxOccurrences; a series that goes on is
// expanded further when a query asks beyond (see storage/event_store.hpp).
inline constexpr std::int64_t kHorizonSeconds = 2 * 366 * 86400;
inline constexpr std::size_t kMaxOccurrences = 5000;

storage::EventRecord make_record(const Event& event, const CalendarConfig& calendar, std::int64_t now_us);

// The event back from a stored record (server fields from the record).
bool event_from_view(const storage::EventView& view, Event& out);

}  // namespace civic::ical
