// The outbox: deliveries of submissions (webhooks, e-mails) still to make,
// written in the transaction that stores the submission, so that a stored
// submission is always delivered (issue 14). Databases (keys in the
// encodings of keys.hpp):
//
//   outbox        form\0 seq(u64) target(u32)        -> an OutboxEntry
//   outbox_due    due(i64 ms) form\0 seq(u64) target -> (empty)
//   outbox_stats  form\0 target(u32)                 -> a TargetStats
//
// `target` names one `deliver` line (or the citizen's confirmation) by a
// hash of what it delivers to (see forms/service/deliveries.hpp), so that
// reordering the lines keeps pending entries with their targets.
//
// A pending entry is in outbox_due at the time it is due. Claiming it
// pushes that time past the lease: while one worker sends it, no other does,
// and if that worker dies the entry is due again when the lease runs out.
// A delivered entry is removed (its target's delivered count goes up); a
// failed one stays, out of outbox_due, until it is retried or its
// submission is erased or purged.
//
// A sealed form's confirmation keeps the citizen's address in its entry
// (OutboxEntry::address), since the stored answers cannot be read here: it
// lives as long as that entry and no longer.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "storage/lmdb.hpp"
#include "storage/store.hpp"

namespace civic::storage::outbox {

enum class State : std::uint8_t { pending = 1, failed = 2 };

struct OutboxEntry {
  State state = State::pending;
  std::uint32_t attempts = 0;
  std::int64_t created_ms = 0;        // when the submission was stored
  std::int64_t retry_from_ms = 0;     // retries end retry_for after this (stored, or retried by hand)
  std::int64_t due_ms = 0;            // pending: when it is due (or its lease ends)
  std::int64_t last_attempt_ms = 0;   // 0: never tried
  std::uint32_t lease_owner = 0;      // the process that holds it (0: none)
  std::string last_error;             // what the last attempt got, for people
  // Where a sealed form's confirmation goes (empty: read it from the
  // answers). Never shown by the admin API.
  std::string address;
};

struct DeliveryKey {
  std::string form;
  std::uint64_t seq = 0;
  std::uint32_t target = 0;
};

// Delivery counts of one target of a form.
struct TargetStats {
  std::uint64_t pending = 0;
  std::uint64_t failed = 0;
  std::uint64_t delivered = 0;
  std::int64_t last_error_ms = 0;
  std::string last_error;
};

// A confirmation address longer than this is refused (RFC 5321's path
// limit, as forms/validate.cpp's check of an email field).
inline constexpr std::size_t kMaxAddressBytes = 254;

// One entry per target for a submission just stored (same transaction);
// the entry of `address_target`, if it is one of them, keeps `address`.
Status add(Txn& txn, const Databases& db, std::string_view form, std::uint64_t seq,
           std::span<const std::uint32_t> targets, std::int64_t now_ms, std::uint32_t address_target = 0,
           std::string_view address = {});

struct Claimed {
  DeliveryKey key;
  OutboxEntry entry;  // as it was before the claim (attempts made so far)
};

// When the next pending entry is due (nullopt: none): read without taking
// the write lock, so that an idle outbox costs commits nothing.
Result<std::optional<std::int64_t>> next_due_ms(const Txn& txn, const Databases& db);

// At most `max` entries due at `now_ms`, oldest due first, leased to `owner`
// until now_ms + lease_ms.
Result<std::vector<Claimed>> claim_due(Txn& txn, const Databases& db, std::int64_t now_ms, std::int64_t lease_ms,
                                       std::uint32_t owner, std::size_t max);

enum class Outcome { delivered, retry, failed };

struct Attempt {
  DeliveryKey key;
  Outcome outcome = Outcome::delivered;
  std::int64_t at_ms = 0;
  std::int64_t next_due_ms = 0;  // with Outcome::retry
  std::string error;             // with retry and failed
};

// Records what attempts got. An entry that is gone meanwhile (erased,
// purged, delivered by another attempt) is passed over.
Status record(Txn& txn, const Databases& db, std::span<const Attempt> attempts);

// Removes every entry of a submission (erasure, retention purge).
Status remove_submission(Txn& txn, const Databases& db, std::string_view form, std::uint64_t seq);

// A failed entry made pending again, due at `now_ms`. False if there is no
// such entry or it is not failed.
Result<bool> retry(Txn& txn, const Databases& db, const DeliveryKey& key, std::int64_t now_ms);

struct Listed {
  DeliveryKey key;
  OutboxEntry entry;
};

// The entries of a form in the given state (nullopt: both), by seq, from
// seq > `after`: `limit` of them, and the rest of the last submission's, so
// that a page never splits a submission (the next page starts after it).
Result<std::vector<Listed>> list(const Txn& txn, const Databases& db, std::string_view form,
                                 std::optional<State> state, std::uint64_t after, std::size_t limit);

// The counts of every target a form has delivered to or will.
Result<std::vector<std::pair<std::uint32_t, TargetStats>>> stats(const Txn& txn, const Databases& db,
                                                                 std::string_view form);

// When the oldest pending entry of a form's target was stored (nullopt:
// none pending), looking at up to `steps` entries.
Result<std::optional<std::int64_t>> oldest_pending_ms(const Txn& txn, const Databases& db, std::string_view form,
                                                       std::uint32_t target, std::size_t steps);

}  // namespace civic::storage::outbox
