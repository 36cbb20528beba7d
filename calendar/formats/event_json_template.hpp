// An event's JSON object as stored for the public lists (render on write),
// and its assembly at read time. The object is stored whole, with marks (a
// 0x01 byte and a letter; JSON text never holds a raw control byte) where a
// request puts its own parts:
//
//   B      the "@id" base: "https://host/calendars/" (scheme and host of the request)
//   T / N  the event's own `,"start_time":...,"end_time":...` up to t (N: it has no end)
//   t      the end of those times
//   O      after the "@id" path: "?recurrence_id=..." for an occurrence
//   S      before the closing brace: `,"super_event":...,"recurrence_id":...`
//   U      a place's or keyword's "@id" base (as B, without the event's path)
//   L / K  the event's place (L) or keywords (K) in two forms, the reference
//          ({"@id": ...}: Linked Events' default) up to e, then the objects
//          (include=location, include=keywords) up to E
//
// So an occurrence of a recurring event is the stored object with its own
// times, "@id", "super_event" and "recurrence_id" spliced in: nothing is
// rendered again but those few texts.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/body.hpp"

namespace civic::calendar {

inline constexpr char kJsonMark = '\x01';
inline constexpr char kJsonBase = 'B';
inline constexpr char kJsonTimes = 'T';
inline constexpr char kJsonTimesNoEnd = 'N';
inline constexpr char kJsonTimesEnd = 't';
inline constexpr char kJsonIdQuery = 'O';
inline constexpr char kJsonSuper = 'S';
inline constexpr char kJsonResourceBase = 'U';
inline constexpr char kJsonLocation = 'L';
inline constexpr char kJsonKeywords = 'K';
inline constexpr char kJsonVariantElse = 'e';
inline constexpr char kJsonVariantEnd = 'E';

// include= (Linked Events): which references are given as whole objects.
enum JsonInclude : unsigned { kIncludeLocation = 1, kIncludeKeywords = 2 };

// One occurrence of a recurring event: UTC seconds, end exclusive.
struct OccurrenceTimes {
  std::int64_t start = 0;
  std::int64_t end = 0;
};

// How an event's times are written: its zone, and whether it is all-day.
struct EventClock {
  std::string_view zone;
  bool all_day = false;
};

// Appends the object of `stored` (a template) to `body`: `base` is the "@id"
// base, already JSON-escaped; with `occurrence`, the object is that
// occurrence of the series (its own start_time, end_time, "@id",
// "super_event" and "recurrence_id"). `include`: JsonInclude bits. The body
// keeps views of `stored` and `base`: both must outlive it. False if the
// template is damaged.
bool append_event_json(Body& body, std::string_view stored, std::string_view base,
                       const std::optional<OccurrenceTimes>& occurrence, const EventClock& clock,
                       unsigned include = 0);

// start_time / recurrence_id of an occurrence: "2026-12-05T18:00:00+02:00",
// or "2026-12-05" for an all-day event.
std::string occurrence_time_text(std::int64_t utc, const EventClock& clock);

// A text as the content of a JSON string (escaped, without the quotes).
std::string json_string_content(std::string_view text);

// A query component, percent-encoded (RFC 3986 §3.4).
std::string query_component(std::string_view text);

}  // namespace civic::calendar
