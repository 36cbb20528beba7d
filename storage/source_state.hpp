// Where a calendar that follows a source stands (calendar/service/source_sync.hpp):
// the last answer's validators, the last success and error, what the last
// run and all runs changed. One record per calendar in meta:
//
//   "source\0" cal  ->  the fields below, in order (strings length-prefixed)
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
};

Result<std::optional<SourceState>> read_source_state(const Txn& txn, const Databases& db, std::string_view cal);
Status write_source_state(Txn& txn, const Databases& db, std::string_view cal, const SourceState& state);

// The turn of a periodic job among the processes sharing the store: true
// (and the next turn set to now + interval) if `key`'s turn is due, false
// if another process took it. A due time far ahead (a clock that went back)
// is not waited for.
Result<bool> claim_turn(Store& store, std::string_view key, std::int64_t now, std::int64_t interval);

}  // namespace civic::storage
