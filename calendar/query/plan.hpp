// The plan of a feed query: which index is walked, what one item is, in what
// order and which of them make the answer. Decided from the query alone (no
// store read); calendar/query/select.hpp carries it out.
//
//   window          start/end given: the time indexes from `from` to `to`,
//                   and recurring series expanded past what was materialized
//   modified_since  last_modified_since without a window: event_modified
//   every_event     the calendar's records
//   first_starts    JSON list by start_time, nothing to filter: event_time's
//                   first occurrences, the page's records only
//   modifications   JSON list by last_modified_time, nothing to filter but
//                   last_modified_since: event_modified, the page's records only
//   words           `text` without a window: the word index's events
//                   (storage/event_words.hpp); by start with no other
//                   filter, counted and cut from its postings, the page's
//                   records only
//   names           JSON list by name, nothing to filter: the name index
//                   (storage/event_names.hpp), the page's records only; when
//                   the index does not hold every event under the calendar's
//                   languages as they are now, every event as before
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>

#include "calendar/query/feed_query.hpp"

namespace civic::calendar {

enum class Walk { window, modified_since, every_event, first_starts, modifications, words, names };

// An item is an event (the iCalendar forms: a series once, at its first
// occurrence in the window) or an occurrence (the JSON list).
enum class Unit { event, occurrence };

enum class Order { start, start_desc, end, end_desc, modified, modified_desc, name };

struct QueryPlan {
  Walk walk = Walk::every_event;
  Unit unit = Unit::event;
  Order order = Order::start;
  // The window [from, to); occurrences of recurring events end at series_to.
  std::int64_t from = 0;
  std::int64_t to = 0;
  std::int64_t series_to = 0;
  bool tombstones = false;  // deleted events are items too (show_deleted)
  // The items answered, in order: [offset, offset + limit).
  std::size_t offset = 0;
  std::size_t limit = std::numeric_limits<std::size_t>::max();
  // A window of occurrences by start that tests nothing but time: ordered,
  // counted and cut from the time index alone, reading only the page's
  // events (a week of 2,000 events for a page of 100).
  bool page_from_index = false;
  // Walk::words: the text is all the query filters by (the page by start
  // comes from the postings alone).
  bool text_only = false;
};

// The sort parameter of the JSON list (start_time when absent or unknown).
Order order_of(std::string_view sort);

// The iCalendar forms (.ics, jCal, xCal, civicctl export): every live event
// that passes the query, once, by start.
QueryPlan plan_feed(const FeedQuery& query);

// The JSON list: one page of events or, in a window, of occurrences.
QueryPlan plan_list(const FeedQuery& query);

}  // namespace civic::calendar
