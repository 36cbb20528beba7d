// From an event to what the store keeps for it: the VEVENT in each of the
// calendar's languages (render on write), the facts the filters test, and the
// occurrences the time indexes hold.
#pragma once

#include <cstdint>

#include "calendar/formats/format.hpp"
#include "calendar/model/calendar_config.hpp"
#include "calendar/model/event.hpp"
#include "calendar/model/recurrence.hpp"
#include "calendar/formats/vevent.hpp"
#include "storage/event_store.hpp"

namespace civic::calendar {

// Recurring events are materialized from their start up to this long after
// they were written (a series with COUNT: whole), and at most
// kMaxOccurrences; a series that goes on is expanded further, from the
// window, when a query asks beyond (see storage/event_store.hpp).
inline constexpr std::int64_t kHorizonSeconds = 2 * 366 * 86400;
inline constexpr std::size_t kMaxOccurrences = 5000;
static_assert(kMaxCount <= static_cast<int>(kMaxOccurrences), "a counted series fits in what is materialized");

// What the store keeps for an event: its facts and occurrences, and its
// renditions: the VEVENT, jCal and xCal in each of the calendar's languages,
// the JSON object (every language), the name's collation key per language.
// A deleted event keeps its facts and times (for the filters of a sync
// request) and, as JSON, {"id", "deleted", "last_modified_time"}.
storage::EventRecord make_record(const Event& event, const CalendarConfig& calendar, std::int64_t now_us);

// How a stored rendition of `kind` in a language was made: one whose
// signature differs (the calendar's languages, title or organizer changed,
// or a newer civic writes it differently) is rendered again when read.
std::uint64_t rendition_signature(storage::RenditionKind kind, const VeventStyle& style);

// The stored rendition a format copies (calendar/formats/format.hpp): the
// VEVENT, jCal or xCal per language, the JSON object.
storage::RenditionKind rendition_of(Format format);

// The name an event sorts by in `lang` (along the calendar's fallback chain).
std::string name_in(const Event& event, const std::vector<std::string>& chain);

// The event back from a stored record (server fields from the record).
bool event_from_view(const storage::EventView& view, Event& out);

}  // namespace civic::calendar
