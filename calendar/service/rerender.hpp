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
#include <span>
#include <string>
#include <utility>
#include <vector>

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

// One round among nginx's workers: if any calendar has work (one read
// each: the usual answer is no), claims the turn (one a second, one worker
// at a time) and takes a step of `max_checked` events for each.
struct RerenderRound {
  bool pending = false;   // some calendar had work before the round
  bool took_turn = false;
  std::vector<std::pair<std::string, std::size_t>> rewritten;  // calendar, events written again
  std::vector<std::string> done;                               // calendars with nothing more to do
  std::string error;                                           // "" if none
};
RerenderRound rerender_round(storage::Store& store, std::span<const CalendarConfig* const> calendars,
                             std::int64_t now_us, std::size_t max_checked);

}  // namespace civic::calendar
