// A calendar that follows a list: a Linked Events API (`source linkedevents
// URL [query="..."]`) or another civic's JSON list (`source civic URL`, a
// read replica). Both are read the same way, through the sync parameters
// Linked Events defines and civic serves:
//
//   URL?QUERY&sort=last_modified_time&show_deleted=true&page_size=100
//      [&include=location,keywords][&last_modified_since=SINCE]
//
// Every event written or deleted at or after SINCE, oldest change first.
// The first run has no SINCE: a full sync. Each page is written in one
// transaction together with the position after it (SINCE becomes the
// newest last_modified_time of the page), so a run stopped anywhere (a
// kill, a reload, a failed fetch) goes on from the last page committed:
// pages seen again are unchanged events, none is missed, since a change
// made while the follower reads moves an event to the end of the list, past
// the position. Only a page all of one modification time is left by its
// "next" link (asking from the same SINCE would give it again). At the end
// of the list the follower is caught up, and SINCE becomes the newest
// modification time plus a microsecond (a group of one time, such as a bulk
// import at the source, is not read again); the next run asks from there,
// with the ETag of its last answer to that request (If-None-Match): an
// unchanged list is a 304.
//
// A malformed item is skipped (counted, and the last one named in the
// state) and the page goes on; a page that is not a list, or a failed
// fetch, ends the run with the position where it was: the next run asks
// again. Events stay as they were meanwhile.
#pragma once

#include <cstdint>

#include "calendar/model/calendar_config.hpp"
#include "calendar/service/source_sync.hpp"
#include "storage/store.hpp"

namespace civic::calendar {

// Items asked for per page (the most Linked Events and civic give).
inline constexpr int kFollowPageSize = 100;

struct FollowLimits {
  int max_pages = 50;                     // then the run stops with `more` set
  std::int64_t max_micros = 20 * 1000000;  // likewise, after this long
};

// One run: pages until the list's end or a limit. `calendar.source` is a
// linkedevents or civic source.
SourceRun follow_source(storage::Store& store, const CalendarConfig& calendar, const Fetcher& fetch,
                        std::int64_t now_us, const FollowLimits& limits = {});

// The URL of the next request from a state (exposed for tests).
std::string follow_request_url(const EventSource& source, const storage::SourceState& state);

}  // namespace civic::calendar
