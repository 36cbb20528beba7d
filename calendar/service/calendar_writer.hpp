// Writing events: a batch (one PUT, or a whole import) is one LMDB write
// transaction, all or nothing. Events are upserted by id; the server keeps
// sequence, created and last-modified times:
//
// - an event whose content is unchanged is not written (its SEQUENCE stays);
// - a changed one gets SEQUENCE + 1 (or the SEQUENCE it came with, if that is
//   higher, so a calendar moved from another system never goes backwards);
//   it stops at kMaxSequence (2147483647, RFC 5545's INTEGER) and stays there;
// - a deleted one stays as a tombstone for 90 days (kTombstoneMicros), then is
//   purged by a later write to its calendar.
//
// A batch's records are rendered before LMDB's write lock is taken (against
// a read snapshot, up to a memory budget), so that the submissions that
// commit meanwhile wait only for the puts and the commit: see
// docs/operations.md, "Imports and submissions at the same time".
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <optional>
#include <string_view>
#include <vector>

#include "calendar/model/calendar_config.hpp"
#include "calendar/model/event.hpp"
#include "calendar/model/write_counts.hpp"
#include "common/result.hpp"
#include "storage/lmdb.hpp"
#include "storage/store.hpp"

namespace civic::calendar {

// Writes `events` (ids unique, checked by the readers) and sets on each the
// server fields as stored. `outcomes`, if given, gets one entry per event.
// The records are rendered on `render_threads` threads (civicctl: one a
// core; nginx: 1, in its thread pool), before LMDB's write lock is taken.
// With WriteMode::replace, the live events of the calendar that `events`
// does not hold are deleted in the same transaction. `in_file` (an .ics
// import: the ids of its events): a series in `events` comes with all its
// changed occurrences, so its stored ones ("UID_20261215T180000") that
// `in_file` does not hold are deleted too.
Result<WriteCounts> upsert_events(storage::Store& store, const CalendarConfig& calendar,
                                           std::vector<Event>& events, std::int64_t now_us,
                                           std::vector<Upserted>* outcomes = nullptr, unsigned render_threads = 1,
                                           WriteMode mode = WriteMode::upsert,
                                           const std::function<bool(std::string_view)>* in_file = nullptr);

// A followed source's deletion (calendar/service/source_follow.hpp): the id,
// and the time the source deleted it (kept by a mirror).
struct FollowedDeletion {
  std::string id;
  std::int64_t modified_us = 0;
};

// One page of a followed source, in one transaction with `also` (the
// follower's position), which is committed even when no event changed.
// `deletions` not held are passed over. With `mirror` (a replica of another
// civic) events and deletions keep the SEQUENCE, created and modified times
// they came with, so that the replica renders the primary's bytes.
Result<WriteCounts> write_followed(storage::Store& store, const CalendarConfig& calendar, std::vector<Event>& events,
                                   const std::vector<FollowedDeletion>& deletions, bool mirror,
                                   const std::function<Status(storage::Txn&, const WriteCounts&)>& also, std::int64_t now_us);

// Deletes one event (it becomes a tombstone). False if there was no such event.
Result<bool> delete_event(storage::Store& store, const CalendarConfig& calendar, std::string_view id,
                                   std::int64_t now_us);

// Deletes those of `ids` that are live events, in one transaction; how many.
Result<std::size_t> delete_events(storage::Store& store, const CalendarConfig& calendar,
                                  const std::vector<std::string>& ids, std::int64_t now_us);

// The ids of the calendar's live events for which `keep` is false (a
// streamed replacement deletes them once its file is in).
Result<std::vector<std::string>> live_ids_not_kept(storage::Store& store, const CalendarConfig& calendar,
                                                   const std::function<bool(std::string_view)>& keep);

// Records the calendar's definition in the store (for civicctl) if it
// changed, and returns when it last changed (seconds).
Result<std::int64_t> record_definition(storage::Store& store, const CalendarConfig& calendar,
                                                std::int64_t now_us);

// The definition recorded for `name`, if any.
Result<std::optional<CalendarConfig>> recorded_definition(storage::Store& store, std::string_view name);

std::int64_t now_micros();

// The first id that is given twice, or nullopt.
std::optional<std::size_t> first_duplicate_id(const std::vector<Event>& events);

}  // namespace civic::calendar
