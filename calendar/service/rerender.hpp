// After a calendar's languages, title or organizer change, its stored
// renditions (VEVENT, jCal, xCal per language, the name keys of sort=name)
// are another style's: feeds render those events when read, and sort=name
// reads every record. rerender_step writes such events again, a slice at a
// time, from where the last step stopped (kept in the store with the style
// it works towards), so that nginx's workers can do it in the background
// (module/rerender_timer.cpp) and a restart goes on where it was. An
// event's content, SEQUENCE and last-modified time stay as they are.
//
//   meta "rerender\0" cal -> u64 style signature, u8 done, the last id checked
#pragma once

#include <cstddef>
#include <cstdint>

#include "calendar/model/calendar_config.hpp"
#include "common/result.hpp"
#include "storage/store.hpp"

namespace civic::calendar {

struct RerenderStep {
  std::size_t checked = 0;    // live events looked at
  std::size_t rewritten = 0;  // of them, written again
  bool done = false;          // every event has the calendar's style now
};

// Whether rerender_step has work for the calendar (a read, no write).
Result<bool> rerender_pending(storage::Store& store, const CalendarConfig& calendar);

// Looks at up to `max_checked` events after the last step's and writes
// those of another style again, in one transaction.
Result<RerenderStep> rerender_step(storage::Store& store, const CalendarConfig& calendar, std::int64_t now_us,
                                   std::size_t max_checked);

}  // namespace civic::calendar
