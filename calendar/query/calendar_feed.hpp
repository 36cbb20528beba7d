// Answering feed requests: validators first (from the calendar's small state
// record, no event read), then the body: the events the planner selects
// (calendar/query/plan.hpp, select.hpp), their stored VEVENTs copied between
// the calendar's header, the VTIMEZONEs they need and the END:VCALENDAR line.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "calendar/formats/format.hpp"
#include "calendar/model/calendar_config.hpp"
#include "common/body.hpp"
#include "calendar/query/feed_query.hpp"
#include "common/field_error.hpp"
#include "calendar/query/select.hpp"
#include "storage/lmdb.hpp"
#include "common/result.hpp"
#include "storage/store.hpp"

namespace civic::calendar {

struct Validators {
  std::string etag;               // strong: "\"0123456789abcdef\""
  std::int64_t last_modified = 0;  // seconds
};

// What a resource's validators are made of: the store, the calendar's state
// and definition, the resource ("feed" or an event id), the query.
Validators make_validators(std::string_view store_id, const CalendarConfig& calendar,
                           const std::optional<storage::CalendarState>& state, std::string_view resource,
                           const FeedQuery& query, std::string_view variant);

struct FeedAnswer {
  bool over_budget = false;  // nothing built: run it again with a larger budget
  bool found = true;         // false: no such event (404)
  // Nothing built: the query needs more expansion than any request may do
  // (a 400 naming the parameter to change).
  std::optional<FieldError> refused;
  Body body;

  static FeedAnswer not_found() {
    FeedAnswer answer;
    answer.found = false;
    return answer;
  }
};

// The iCalendar forms (Format::ics, jcal, xcal; calendar/formats/format.hpp)
// copy the stored component of each event (render on write) into the
// calendar's frame. Format::json is the list of calendar/query/event_list.hpp.

// The whole feed for `query`, read in `txn`.
Result<FeedAnswer> build_ics_feed(const storage::Txn& txn, const storage::Databases& db,
                                           const CalendarConfig& calendar, const FeedQuery& query,
                                           std::size_t budget, Format format = Format::ics);

// One event as a VCALENDAR (not found: deleted or never there).
Result<FeedAnswer> build_event_ics(const storage::Txn& txn, const storage::Databases& db,
                                            const CalendarConfig& calendar, std::string_view id,
                                            const FeedQuery& query, Format format = Format::ics);

}  // namespace civic::calendar
