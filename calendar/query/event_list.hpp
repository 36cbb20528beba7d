// The Linked-Events-style JSON list of a calendar and its single events:
//
//   {"meta":{"count":N,"next":URL|null,"previous":URL|null},"data":[...]}
//
// Each item is the event's stored JSON object (ical/event_json_template.hpp)
// with the request's "@id" base spliced in; within a start/end window a
// recurring event gives one item per occurrence, with its own times,
// "super_event" and "recurrence_id". Which events are read depends on the
// sort (see docs/calendars.md, "Cost of a page"; the plan_list of
// calendar/query/plan.hpp decides it, select.hpp carries it out):
//
//   start_time / -start_time without a window or filters
//        walks event_time's first occurrences; reads the page's records only
//   last_modified_time / -last_modified_time without a window or filters
//   (last_modified_since allowed)
//        walks event_modified; reads the page's records only
//   anything else (a window, a filter, end_time, -end_time, name,
//   show_deleted or last_modified_since with a start_time sort)
//        reads every candidate the indexes give (a window: its occurrences,
//        and series expanded past what was materialized, from the window),
//        sorts them and copies one page: bounded by the window or calendar
//        (a window without end: two years of each series) and by the
//        expansion budget (calendar/query/select.hpp)
//
// Ties are broken by id and then by the occurrence's start, so that pages
// joined give every item once.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "calendar/model/calendar_config.hpp"
#include "calendar/query/calendar_feed.hpp"
#include "calendar/query/feed_query.hpp"
#include "calendar/query/select.hpp"
#include "storage/lmdb.hpp"
#include "common/result.hpp"
#include "storage/store.hpp"

namespace civic::calendar {

// What the links of an answer are made of (all from the request).
struct ListLinks {
  std::string base;      // "@id" base: "https://host/calendars/"
  std::string list_url;  // "https://host/calendars/culture.json", no query
  std::string args;      // the query string as sent (kept in next/previous)
};

struct ListAnswer {
  FeedAnswer feed;             // the body; over_budget as for a feed
  bool page_missing = false;   // page beyond the last one (404)
};

Result<ListAnswer> build_json_list(const storage::Txn& txn, const storage::Databases& db,
                                            const CalendarConfig& calendar, const FeedQuery& query,
                                            const ListLinks& links, std::size_t budget);

// One event's JSON object; with query.recurrence_id, that occurrence of it
// (not found: no such event, or no occurrence starts then).
Result<FeedAnswer> build_event_json(const storage::Txn& txn, const storage::Databases& db,
                                             const CalendarConfig& calendar, std::string_view id,
                                             const FeedQuery& query, const ListLinks& links);

// The items of one page of a list (the JSON list, the agenda page), and how
// many pages there are; nullopt when `answer` says it all already (over the
// budget, refused, or a page beyond the last).
struct ListPage {
  Selection selection;
  std::uint64_t pages = 0;
};
Result<std::optional<ListPage>> select_list_page(const storage::Txn& txn, const storage::Databases& db,
                                                 const CalendarConfig& calendar, const FeedQuery& query,
                                                 std::size_t budget, ListAnswer& answer);

// The query string `args` with its `page` parameters replaced by page=N.
std::string page_link(std::string_view list_url, std::string_view args, int page);

}  // namespace civic::calendar
