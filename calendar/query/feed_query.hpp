// The query string of a feed request (Linked Events names), parsed and
// resolved against the calendar and the time of the request:
//
//   start, end          ISO 8601 date or date-time, or today / now: events that
//                       overlap [start, end); an end date is inclusive (the end
//                       of that day); times without an offset are the calendar's.
//                       Without end, recurring events are expanded up to
//                       kOpenRangeYears after the later of start and today
//                       Without either, an iCal, jCal or xCal feed is the
//                       calendar's feed_window around today (apply_feed_window)
//   days                N (Linked Events): today and the N-1 days after it, in
//                       the calendar's zone; not with start or end
//   hide_recurring_children  true: the JSON list has a series once, as itself
//   super_event         none (Linked Events): the items without a super event,
//                       so a series once, as itself (as hide_recurring_children)
//   super_event_type    any of recurring (a series as itself), none (single
//                       events, and the occurrences of series), umbrella
//                       (civic keeps none: matches nothing)
//   keyword             any of (comma-separated)    keyword_AND  all of
//   keyword!            none of                     location     any of (place ids)
//   text                case-insensitive, in any language
//   event_status        any of EventScheduled, EventCancelled, ...
//   is_free             true / false
//   last_modified_since date-time; show_deleted true / false
//   sort, page, page_size   checked here, used by the JSON list
//   lang                a language of the calendar
//   include             location, keywords (Linked Events): the JSON gives the
//                       place and keywords as objects, not as {"@id"} references
//   recurrence_id       one occurrence of a recurring event (its own JSON)
//
// Unknown parameters are ignored (clients add cache busters); a known one
// given twice or malformed is a 400 naming it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "calendar/model/calendar_config.hpp"
#include "calendar/model/civil_time.hpp"
#include "common/field_error.hpp"

namespace civic::calendar {

struct FeedQuery {
  std::optional<std::int64_t> start;  // UTC seconds
  std::optional<std::int64_t> end;    // exclusive
  std::vector<std::string> keyword_any;
  std::vector<std::string> keyword_all;
  std::vector<std::string> keyword_none;
  std::vector<std::string> locations;
  std::string text;                   // case-folded
  std::vector<std::string> text_words;  // its words (storage/search_words.hpp): each begins a word of a match
  std::uint8_t statuses = 0;          // bit (1 << EventStatus); 0: any
  std::optional<bool> is_free;
  std::optional<std::int64_t> modified_since_us;
  bool show_deleted = false;
  std::string sort;
  int page = 1;
  int page_size = 20;
  std::string lang;                   // always set: the calendar's first if not asked
  // An occurrence's start as its "recurrence_id" says it (a date or
  // date-time; resolved in the event's own zone when the event is read).
  std::optional<IsoTime> recurrence_id;
  // A range without `end`: the occurrences of recurring events end here
  // (kOpenRangeYears after the later of start and today).
  std::optional<std::int64_t> series_until;
  // The answer depends on when it is asked (today / now): the latest instant
  // the selection could have changed for that reason.
  std::optional<std::int64_t> time_basis;
  // days=N (Linked Events): today and the N-1 days after it, as start and
  // end say (set from it when parsed).
  std::optional<int> days;
  // hide_recurring_children=true (Linked Events): the JSON list has a series
  // once, as the series, not each of its occurrences.
  bool hide_recurring_children = false;
  bool super_event_none = false;         // super_event=none
  std::uint8_t super_event_types = 0;    // bits of SuperEventType; 0: any
  unsigned include = 0;                  // JsonInclude bits (calendar/formats/event_json_template.hpp)

  enum SuperEventType : std::uint8_t { kRecurring = 1, kUmbrella = 2, kNoSuperType = 4 };

  bool has_window() const { return start || end; }
  // The JSON list has each series once, as itself (not its occurrences).
  bool series_as_one() const {
    return hide_recurring_children || super_event_none ||
           ((super_event_types & kRecurring) && !(super_event_types & kNoSuperType));
  }
  // The end of the range for the occurrences of recurring events.
  std::int64_t series_end() const;
  // A canonical text of everything that selects or shapes the answer: two
  // requests with the same text get the same body from the same store.
  std::string normalized() const;
};

inline constexpr int kMaxPageSize = 100;
inline constexpr int kMaxPage = 1000000;

// A range that is open at its end lists the occurrences of a recurring event
// only this many years ahead (as calendar apps do), so that no request
// expands an endless series far; single events are not limited.
inline constexpr int kOpenRangeYears = 2;

std::optional<FieldError> parse_feed_query(std::string_view args, const CalendarConfig& calendar, std::int64_t now,
                                           FeedQuery& out);

// A subscriber's feed that gives neither start nor end: the calendar's
// feed_window around today, exactly as if the request had said those start
// and end (the ETag and the cache follow; the answer changes with the day).
// A query with start or end is left as it is. For the unpaged feeds (iCal,
// jCal, xCal); not for civicctl export, which is the whole calendar.
void apply_feed_window(FeedQuery& query, const CalendarConfig& calendar, std::int64_t now);

}  // namespace civic::calendar
