// Submissions in the store. Databases (keys in the encodings of keys.hpp):
//
//   submissions    form\0 seq(u64)                 -> created(i64) JSON
//   receipts       form\0 receipt                  -> seq(u64)
//   attachments    form\0 seq(u64) field\0 idx(u32) -> the file's bytes
//   replays        form\0 kind:key                 -> expires(i64) receipt
//   replay_expiry  expires(i64) form\0 kind:key    -> (empty)
//   form_counters  form\0                          -> last seq(u64) live count(u64)
//   replay_owners  form\0 seq(u64) kind:key        -> (empty)
//   form_days      form\0                          -> day(i64) count(u64)
//
// seq numbers a form's submissions in the order they were committed, from 1,
// and is never reused, even after an erasure: the counter only goes up. The
// stored JSON is what the admin API returns:
//   {"receipt","form","seq","created_time","language","data":{...}}
// or, for a sealed form, "sealed":{...} in place of "data" (the answers
// sealed, sealing/sealed_record.hpp) and each attachment an envelope.
// A replay record remembers the receipt a token nonce ("T:...") or an
// Idempotency-Key ("K:...") got, so that a repeat gets the same receipt.
// form_days counts the submissions a form stored on one day (local_day: the
// server's local calendar day, as the receipt's year), for the form's
// max_submissions_per_day; a new day starts the count again.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "storage/lmdb.hpp"
#include "common/result.hpp"
#include "storage/store.hpp"

namespace civic::storage {

struct NewSubmission {
  struct File {
    std::string field;
    std::uint32_t index = 0;  // the file's place among its field's files
    std::string content;
  };
  std::string form;
  std::string receipt_prefix;
  std::string language;
  std::string data_json;  // the values, encoded by forms/record.hpp
  // A sealed form's submission (sealing/sealed_record.hpp): data_json is the
  // "sealed" member's value and each file's content is its envelope.
  bool sealed = false;
  std::vector<File> files;
  std::vector<std::string> replay_keys;  // a repeat of any of them gets the first receipt
  std::int64_t replay_expires = 0;       // seconds since the epoch
  std::uint64_t max_per_day = 0;         // the form's max_submissions_per_day; 0: no limit
  std::vector<std::uint32_t> deliveries;  // outbox targets (storage/outbox.hpp), written with it
  // A sealed form's confirmation: the target that sends it and the
  // citizen's address, kept in that outbox entry (not in the sealed data)
  // until the message is sent. 0 and empty: none.
  std::uint32_t confirmation_target = 0;
  std::string confirmation_address;
  // The draft (storage/drafts.hpp, raw id) this is the final submission of;
  // empty: none. Removed in the same transaction as the submission is stored.
  std::string draft_id;
};

struct CommitOutcome {
  bool replayed = false;    // a repeat: nothing was stored
  bool over_limit = false;  // the form took max_per_day today already: nothing was stored
  bool draft_gone = false;  // its draft_id names no draft (sent, expired, erased): nothing was stored
  std::string receipt;
  std::uint64_t seq = 0;
};

// Stores the whole batch in one write transaction and one durable commit:
// all of it or, on any error (MDB_MAP_FULL: the store is full), none of it.
// Outcomes are in the batch's order. `now`: seconds since the epoch. A batch
// that stores nothing (repeats, forms over their daily limit) commits nothing.
Result<std::vector<CommitOutcome>> commit_submissions(Store& store, std::span<const NewSubmission> batch,
                                                      std::int64_t now);

// "PAL-2026-K7QD-000042": the form's prefix, the year of `now` in local
// time, the store's receipt tag (Store::receipt_tag: receipts of different
// stores never collide) and seq.
std::string make_receipt(std::string_view prefix, std::string_view tag, std::int64_t now, std::uint64_t seq);

// The server's local calendar day of `now`, as days since 1970-01-01, and
// the seconds from `now` until that day ends.
std::int64_t local_day(std::int64_t now);
std::int64_t seconds_left_in_day(std::int64_t now);

// How many submissions `form` stored on `day` (a local_day).
Result<std::uint64_t> submissions_on_day(const Txn& txn, const Databases& db, std::string_view form, std::int64_t day);

struct StoredSubmission {
  std::uint64_t seq = 0;
  std::int64_t created = 0;
  std::string json;
};

Result<std::optional<StoredSubmission>> find_submission(const Txn& txn, const Databases& db, std::string_view form,
                                                        std::string_view receipt);
// Oldest first, from seq > `after`, at most `limit`.
Result<std::vector<StoredSubmission>> list_submissions(const Txn& txn, const Databases& db, std::string_view form,
                                                       std::uint64_t after, std::size_t limit);
Result<std::optional<std::string>> read_attachment(const Txn& txn, const Databases& db, std::string_view form,
                                                   std::uint64_t seq, std::string_view field, std::uint32_t index);
// Submissions stored and not erased.
Result<std::uint64_t> submission_count(const Txn& txn, const Databases& db, std::string_view form);

// The secret that signs form tokens: made at random when the store is
// created (in `meta`), read by every worker.
Status ensure_form_token_secret(Txn& txn, const Databases& db);
Result<std::string> read_form_token_secret(const Txn& txn, const Databases& db);

}  // namespace civic::storage
