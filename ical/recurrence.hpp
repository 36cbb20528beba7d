// Recurrence: checking an RRULE, and the occurrences of an event as UTC
// intervals, expanded by libical's icalrecur_iterator in the event's own zone
// (so that "every Tuesday at 18:00" stays at 18:00 across daylight saving).
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ical/event.hpp"

namespace civic::ical {

// An RRULE as the API or a file gave it, checked and written back the way
// libical writes it. UNTIL is put in the form RFC 5545 §3.3.10 demands for
// the start: UTC for a timed start, a DATE for an all-day one. Returns
// nullopt and sets `error` if the rule is not one civic takes.
std::optional<std::string> normalize_rrule(std::string_view rule, const EventTime& start, std::string_view zone,
                                           std::string& error);

// One occurrence, in seconds since the epoch; `end` is exclusive and always
// after `start` (a zero-length event occupies its first second).
struct Occurrence {
  std::int64_t start = 0;
  std::int64_t end = 0;

  bool operator==(const Occurrence&) const = default;
};

inline constexpr std::int64_t kOpenEnded = std::numeric_limits<std::int64_t>::max();

struct Expansion {
  std::vector<Occurrence> occurrences;  // sorted by start
  // The series goes on after the last occurrence listed (the horizon or the
  // occurrence limit cut it): later ones start at or after `resume_from`.
  bool truncated = false;
  std::int64_t resume_from = 0;
  std::int64_t first_start = 0;  // of the whole event
  std::int64_t last_end = 0;     // kOpenEnded if truncated
};

// The occurrences that start before `until` (UTC seconds), at most
// `max_occurrences`. A non-recurring event has exactly one.
Expansion expand_occurrences(const Event& event, std::int64_t until, std::size_t max_occurrences);

// The start of the first occurrence at or after `from` that overlaps [qs, qe)
// (qe may be kOpenEnded), looking at no more than `max_steps` occurrences;
// nullopt if none.
std::optional<std::int64_t> first_overlap_after(const Event& event, std::int64_t from, std::int64_t qs,
                                                std::int64_t qe, std::size_t max_steps);

// The occurrences that start at or after `from` and overlap [qs, qe) (qe
// may be kOpenEnded), in order: at most `max_count`, looking at no more than
// `max_steps` occurrences of the series.
std::vector<Occurrence> occurrences_between(const Event& event, std::int64_t from, std::int64_t qs, std::int64_t qe,
                                            std::size_t max_steps, std::size_t max_count);

// The UTC instant of an event time in `zone` (a date: its midnight there).
std::int64_t instant_of(const EventTime& t, std::string_view zone);

}  // namespace civic::ical
