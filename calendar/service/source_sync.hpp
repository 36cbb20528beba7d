// A calendar that follows a published .ics (`source ics URL`): one run
// fetches it with the last answer's ETag and Last-Modified; a 304 changes
// nothing; a 200 is imported as the calendar's whole set (WriteMode::replace,
// one transaction: all or nothing), so that events gone from the file are
// deleted and their tombstones reach syncing clients. A failed fetch or a
// refused file changes no event: the calendar keeps serving what it had.
// What each run did is kept in the store (storage/source_state.hpp) for
// /admin/status.
//
// Not atomic with the import: the state is written just after it. A run
// stopped in between fetches the same file again next time, and a
// replacement by the same file changes nothing.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "calendar/model/calendar_config.hpp"
#include "delivery/http_fetch.hpp"
#include "storage/source_state.hpp"
#include "storage/store.hpp"

namespace civic::calendar {

using Fetcher = std::function<delivery::HttpGot(const delivery::HttpGet&)>;

struct SourceRun {
  storage::SourceState state;  // as stored after the run
  bool not_modified = false;   // a 304 (or the same ETag)
  bool changed = false;        // an event was created, updated or deleted
  bool failed = false;         // see state.last_error
  bool more = false;           // a followed list's run stopped by its limits: the next turn is at once
};

// The calendar's source state as stored, or a fresh one if none is or it
// was of another URL or kind.
Result<storage::SourceState> source_state_for(storage::Store& store, const CalendarConfig& calendar);

// The start of a run: the stored state with this run's attempt counted and
// the last run's figures cleared; `failed` (and last_error) if the state
// could not be read.
SourceRun begin_run(storage::Store& store, const CalendarConfig& calendar, std::int64_t now_us);

// One run now (`now_us`); `fetch` is delivery::http_get outside tests. A
// linkedevents or civic source is followed (calendar/service/source_follow.hpp).
SourceRun sync_source(storage::Store& store, const CalendarConfig& calendar, const Fetcher& fetch,
                      std::int64_t now_us);

// What nginx's workers run each interval: the calendar's turn among the
// processes of the store is claimed (storage::claim_turn), and the one that
// has it runs sync_source. nullopt: another process has the turn.
std::optional<SourceRun> sync_source_if_due(storage::Store& store, const CalendarConfig& calendar,
                                            const Fetcher& fetch, std::int64_t now_us);

}  // namespace civic::calendar
