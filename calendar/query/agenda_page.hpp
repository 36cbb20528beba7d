// The agenda: a calendar as a page for people (issue 19, item 3), in the
// visitor's language, without JavaScript:
//
//   GET /calendars/{cal}.html (or /calendars/{cal} with Accept: text/html)
//       upcoming events (from today, unless start/end/days say otherwise),
//       the days as headings, each event's time, place and price linked to
//       its page; a filter form whose fields are the feeds' own query
//       parameters (text, keyword, location, start, end); paging (page,
//       page_size); links to subscribe to the calendar or to the current
//       filter (webcal://, Google Calendar, Outlook)
//   GET /calendars/{cal}/events/{id}.html
//       one event: its times, place and address, price, description, link,
//       and an "add to calendar" .ics link
//
// Wrapped in the calendar's page_layout (or civic's built-in page). Built
// from the events as the JSON list selects them; ETag, 304 and the feed
// cache as for the feeds.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "calendar/model/calendar_config.hpp"
#include "calendar/query/calendar_feed.hpp"
#include "calendar/query/event_list.hpp"
#include "calendar/query/feed_query.hpp"
#include "common/result.hpp"
#include "storage/lmdb.hpp"
#include "storage/store.hpp"

namespace civic::calendar {

struct AgendaLinks {
  ListLinks list;      // base ("https://host/calendars/"), list_url (".../culture.html"), args as sent
  std::string lang;    // the page's language (one of the calendar's)
};

// The agenda page; `page_missing` as for the JSON list.
Result<ListAnswer> build_agenda(const storage::Txn& txn, const storage::Databases& db, const CalendarConfig& calendar,
                                const FeedQuery& query, const AgendaLinks& links, std::size_t budget);

// One event's page (FeedAnswer::found false: no such event).
Result<FeedAnswer> build_event_page(const storage::Txn& txn, const storage::Databases& db,
                                    const CalendarConfig& calendar, std::string_view id, const AgendaLinks& links);

}  // namespace civic::calendar
