// Recurrence: checking an RRULE, and the occurrences of an event as UTC
// intervals, expanded by libical's icalrecur_iterator on the event's wall
// clock and converted in its own zone (so that "every Tuesday at 18:00" stays
// at 18:00 across daylight saving).
//
// A query expands a series from its window, not from DTSTART
// (icalrecur_iterator_set_start), so the cost of an expansion depends on the
// window and not on the series' age; every expansion of a request spends
// steps from one ExpansionBudget.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "calendar/model/event.hpp"

namespace civic::calendar {

// COUNT is 1 to this: a counted series is materialized whole when it is
// written (ical/event_record.hpp), since libical cannot start it elsewhere
// than at DTSTART.
inline constexpr int kMaxCount = 5000;

// The steps one request may spend expanding series (and one write
// materializing one): about half a second of a pool thread. A query that
// needs more is refused (docs/limits.md).
inline constexpr std::size_t kMaxExpansionSteps = 200000;

// 2200-01-01T00:00:00Z: no occurrence from then on is listed (civic takes
// the years 1900 to 2199).
inline constexpr std::int64_t kEndOfTime = 7258118400;

// An RRULE as the API or a file gave it, checked and written back the way
// libical writes it. UNTIL is put in the form RFC 5545 §3.3.10 demands for
// the start: UTC for a timed start, a DATE for an all-day one. Returns
// nullopt and sets `error` if the rule is not one civic takes: more often
// than hourly (by FREQ, or by several BYMINUTE or BYSECOND values), COUNT
// outside 1 to kMaxCount, or a monthly or yearly rule that matches no date.
std::optional<std::string> normalize_rrule(std::string_view rule, const EventTime& start, std::string_view zone,
                                           std::string& error);

// Whether the event's RRULE has COUNT.
bool has_count(const Event& event);

// One occurrence, in seconds since the epoch; `end` is exclusive and always
// after `start` (a zero-length event occupies its first second).
struct Occurrence {
  std::int64_t start = 0;
  std::int64_t end = 0;

  bool operator==(const Occurrence&) const = default;
};

inline constexpr std::int64_t kOpenEnded = std::numeric_limits<std::int64_t>::max();

// The work a request may spend expanding series, in steps: one per
// occurrence looked at, and one per period of the rule (INTERVAL hours,
// days, weeks, months or years) that libical passes over without finding
// one, so that a rule that rarely matches costs what it walks. One budget is
// shared by all the expansions of a request; an expansion that would need
// more than is left stops short, and the budget says it ran out.
class ExpansionBudget {
 public:
  explicit ExpansionBudget(std::size_t limit) noexcept : limit_(limit) {}

  std::size_t left() const noexcept { return limit_ - used_; }
  std::size_t used() const noexcept { return used_; }
  bool ran_out() const noexcept { return ran_out_; }

  // False if fewer than `steps` are left: then nothing is spent and the
  // budget has run out.
  bool spend(std::size_t steps) noexcept {
    if (steps > left()) {
      ran_out_ = true;
      return false;
    }
    used_ += steps;
    return true;
  }
  // Work already done: counted, as much as is left.
  void charge(std::size_t steps) noexcept { used_ += std::min(steps, left()); }
  void run_out() noexcept { ran_out_ = true; }

 private:
  std::size_t limit_;
  std::size_t used_ = 0;
  bool ran_out_ = false;
};

struct Expansion {
  std::vector<Occurrence> occurrences;  // sorted by start
  // The series goes on after the last occurrence listed (the horizon, the
  // occurrence limit or kMaxExpansionSteps cut it): later ones start at or
  // after `resume_from`.
  bool truncated = false;
  std::int64_t resume_from = 0;
  std::int64_t first_start = 0;  // of the whole event
  std::int64_t last_end = 0;     // kOpenEnded if truncated
};

// The occurrences that start before `until` (UTC seconds), at most
// `max_occurrences`, walked from DTSTART in at most kMaxExpansionSteps. A
// non-recurring event has exactly one.
Expansion expand_occurrences(const Event& event, std::int64_t until, std::size_t max_occurrences);

// The start of the first occurrence at or after `from` that overlaps [qs, qe)
// (qe may be kOpenEnded); nullopt if none, or if `budget` ran out first.
std::optional<std::int64_t> first_overlap_after(const Event& event, std::int64_t from, std::int64_t qs,
                                                std::int64_t qe, ExpansionBudget& budget);

// The occurrences that start at or after `from` and overlap [qs, qe) (qe
// may be kOpenEnded), in order: at most `max_count`, fewer if `budget` ran
// out.
std::vector<Occurrence> occurrences_between(const Event& event, std::int64_t from, std::int64_t qs, std::int64_t qe,
                                            ExpansionBudget& budget, std::size_t max_count);

// The UTC instant of an event time in `zone` (a date: its midnight there).
std::int64_t instant_of(const EventTime& t, std::string_view zone);

}  // namespace civic::calendar
