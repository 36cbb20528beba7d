// Retention: submissions older than their form's `retention` are purged, a
// few at a time, each few in a write transaction of its own, so that a long
// backlog never holds LMDB's single writer (and with it every submission
// waiting to be committed) for more than a moment.
//
//   form_purges  form\0      -> last run(i64) removed then(u64) removed in all(u64)
//   meta         "purge_next_run" -> i64: when the next purge is due
//
// Every nginx worker has a timer (module/retention_timer.cpp); the first one
// whose timer fires after the due time claims the turn (moving the due time
// on in a write transaction, which LMDB serializes), so that the workers do
// not all purge the same rows at once.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "storage/lmdb.hpp"
#include "common/result.hpp"
#include "storage/store.hpp"

namespace civic::storage {

// Submissions removed per write transaction.
inline constexpr std::size_t kPurgeRowsPerTxn = 100;

struct PurgeRecord {
  std::int64_t last_run = 0;        // seconds since the epoch
  std::uint64_t removed_last = 0;   // by that run
  std::uint64_t removed_total = 0;  // by every run so far
};

struct PurgeResult {
  std::uint64_t removed = 0;
  std::uint64_t transactions = 0;
};

// Removes every submission of `form` created before `cutoff` (seconds since
// the epoch), at most `rows_per_txn` per transaction, oldest first, and
// records the run at `now` in form_purges (in its last transaction).
Result<PurgeResult> purge_expired(Store& store, std::string_view form, std::int64_t cutoff, std::int64_t now,
                                  std::size_t rows_per_txn = kPurgeRowsPerTxn);

// How many submissions purge_expired would remove (for --dry-run).
Result<std::uint64_t> count_expired(const Txn& txn, const Databases& db, std::string_view form, std::int64_t cutoff);

Result<std::optional<PurgeRecord>> read_purge_record(const Txn& txn, const Databases& db, std::string_view form);

// When the form's oldest submission was created, if it has any.
Result<std::optional<std::int64_t>> oldest_submission_time(const Txn& txn, const Databases& db, std::string_view form);

// True if this caller has the turn to purge now: the due time has come, and
// it was moved to now + interval. False if another process took it first.
Result<bool> claim_purge_turn(Store& store, std::int64_t now, std::int64_t interval);

}  // namespace civic::storage
