// Where a calendar that follows a source stands (calendar/service/source_sync.hpp):
// the last answer's validators, the last success and error, what the last
// run and all runs changed. One record per calendar in meta:
//
//   "source\0" cal  ->  the fields below, in order (strings length-prefixed);
//                     format 1 ended with `runs`, format 2 adds the rest
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "storage/lmdb.hpp"
#include "storage/store.hpp"

namespace civic::storage {

struct SourceCounts {
  std::uint64_t created = 0;
  std::uint64_t updated = 0;
  std::uint64_t deleted = 0;
  std::uint64_t skipped = 0;  // items of a followed list refused (malformed)
};

struct SourceState {
  std::string url;  // the source these are of: another URL starts afresh
  std::string etag;
  std::string last_modified;
  std::int64_t last_attempt = 0;  // seconds since the epoch; 0: never
  std::int64_t last_success = 0;  // a 200 applied or a 304
  std::int64_t last_change = 0;   // the last run that changed an event
  std::string last_error;         // of the last run; "" if it succeeded
  SourceCounts last_run;
  SourceCounts total;
  std::uint64_t runs = 0;

  // A followed list (linkedevents, civic: calendar/service/source_follow.hpp),
  // written with each page's events in the same transaction.
  std::string since;     // the last_modified_since of the next request, as the source wrote it; "" from the start
  std::string next_url;  // a "next" link to follow first (a page of one modification time), "" if none
  bool caught_up = false;  // the first full sync reached the end of the list
  std::int64_t newest_modified_us = 0;  // the newest last_modified_time seen (the lag is now minus it)
  std::uint64_t pages = 0;              // pages fetched, all runs
  std::string last_skip;                // the last item refused: "id: why"
};

Result<std::optional<SourceState>> read_source_state(const Txn& txn, const Databases& db, std::string_view cal);
Status write_source_state(Txn& txn, const Databases& db, std::string_view cal, const SourceState& state);

// The turn of a periodic job among the processes sharing the store: true
// (and the next turn set to now + interval) if `key`'s turn is due, false
// if another process took it. A due time far ahead (a clock that went back)
// is not waited for.
Result<bool> claim_turn(Store& store, std::string_view key, std::int64_t now, std::int64_t interval);

// Makes `key`'s turn due at once (a job that stopped with work left over).
Status release_turn(Store& store, std::string_view key);

}  // namespace civic::storage
