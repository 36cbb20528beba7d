// Ordered walks of the event indexes, for the query selector (calendar/query/select.hpp):
// a page of a large calendar is found by walking an index in the order asked
// for, reading index entries (small, in few pages) and only the records of
// the events on the page.
//
//   every occurrence in a window   event_time from start - kShortSpan, event_long
//   events by their first start    event_time, entries flagged kFirstOccurrence
//   events by last modification    event_modified (tombstones: event_tombstones)
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "storage/event_store.hpp"

namespace civic::storage::events {

// One materialized occurrence as event_time holds it. The id is a view into
// the map (valid inside the read transaction).
struct IndexedOccurrence {
  std::string_view id;
  std::int64_t start = 0;
  std::int64_t end = 0;
  bool series = false;     // an occurrence of a recurring event
  std::uint64_t hash = 0;  // id_hash(id), with occurrences_overlapping
};

// The order of a window's occurrences: an event's together, by start. By a
// hash of the id first, which sorts faster than ids that share long prefixes.
std::uint64_t id_hash(std::string_view id);
inline bool event_order(std::uint64_t hash_a, std::string_view a, std::uint64_t hash_b, std::string_view b) {
  return hash_a != hash_b ? hash_a < hash_b : a < b;
}

struct OccurrenceWindow {
  std::vector<IndexedOccurrence> occurrences;  // each once, in event_order, then by start
  std::vector<PartialSeries> partial;          // series to expand beyond resume_from
  bool over_budget = false;                    // stopped after `budget` index entries
};

// Every materialized occurrence overlapping [qs, qe) (qe may be INT64_MAX),
// reading at most `budget` index entries.
Result<OccurrenceWindow> occurrences_overlapping(const Txn& txn, const Databases& db, std::string_view cal,
                                                 std::int64_t qs, std::int64_t qe, std::size_t budget);

// The first occurrence of every live event, by (start, id), or the reverse;
// fn returns false to stop. `steps` counts the index entries read (other
// occurrences are passed over without reading their events).
Status walk_first_occurrences(const Txn& txn, const Databases& db, std::string_view cal, bool reverse,
                              std::size_t& steps, const std::function<bool(const IndexedOccurrence&)>& fn);

struct Modification {
  std::string_view id;
  std::int64_t modified_us = 0;
  bool deleted = false;
};

// event_modified at or after `since_us`, by (modified, id), or the reverse
// (newest first, down to since_us); fn returns false to stop.
Status walk_modified(const Txn& txn, const Databases& db, std::string_view cal, std::int64_t since_us, bool reverse,
                     std::size_t& steps, const std::function<bool(const Modification&)>& fn);

// How many events (and, with `tombstones`, deleted ones) were modified at or
// after `since_us`: index entries counted, no record read.
Result<std::uint64_t> count_modified_since(const Txn& txn, const Databases& db, std::string_view cal,
                                           std::int64_t since_us, bool tombstones);

// Every tombstone of the calendar (deleted in the last kTombstoneMicros).
Status for_each_tombstone(const Txn& txn, const Databases& db, std::string_view cal,
                          const std::function<bool(const EventView&)>& fn);

}  // namespace civic::storage::events
