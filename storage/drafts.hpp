// Drafts: the answers of a multi-step form not yet submitted (issue 15),
// kept until they are submitted, expire, or are erased. They hold personal
// data, as submissions do, but are never part of a submission export.
// Databases (keys in the encodings of keys.hpp):
//
//   drafts        form\0 id(16 bytes)         -> a Draft (record_codec): its
//                                               dates, step and counts, and
//                                               its answers' encrypted box
//   draft_expiry  expires(i64) form\0 id      -> (empty)
//   draft_counts  form\0                      -> count(u64)
//
// `id` is 16 random bytes (forms/token.hpp draft_ref signs it, with the
// box's key, for the citizen's cookie, page and resume link); admin API and
// civicctl name it in 32 lower-case hex digits. A draft is in draft_expiry at its `expires` time,
// and draft_counts holds how many a form has, for its max_drafts.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.hpp"
#include "storage/lmdb.hpp"
#include "storage/store.hpp"

namespace civic::storage::drafts {

inline constexpr std::size_t kIdBytes = 16;

struct Draft {
  std::string form;
  std::string id;                 // kIdBytes raw bytes
  std::int64_t created = 0;       // seconds since the epoch
  std::int64_t updated = 0;
  std::int64_t expires = 0;       // removed by purge_expired once past
  std::string language;           // of the pages the citizen saw
  std::string step;               // the step last shown: where a resume link opens
  // The answers (values and files as typed), encrypted with a key only the
  // citizen's reference holds (sealing/draft_box.hpp): opaque here.
  std::string box;
  // What the admin listing shows of them: how many answers and files, and
  // their bytes (sealing::DraftAnswers::size()).
  std::size_t values = 0;
  std::size_t files = 0;
  std::size_t bytes = 0;
};

// What a listing shows (no answers: those are personal data, and sealed).
struct DraftInfo {
  std::string id;  // raw
  std::int64_t created = 0;
  std::int64_t updated = 0;
  std::int64_t expires = 0;
  std::string language;
  std::string step;
  std::size_t values = 0;   // how many answers
  std::size_t files = 0;
  std::size_t bytes = 0;    // Draft::bytes
};

// Null if there is none (or it has expired: `now` past its expires, or it
// was stored before drafts were encrypted: nobody holds a key for it).
Result<std::optional<Draft>> read(const Txn& txn, const Databases& db, std::string_view form, std::string_view id,
                                  std::int64_t now);

enum class PutOutcome { stored, too_many };
// Writes `draft` (new or replacing the one with its id), moving its expiry
// entry. A new draft when the form has `max_drafts` already: too_many, and
// nothing is written.
Result<PutOutcome> put(Txn& txn, const Databases& db, const Draft& draft, std::uint64_t max_drafts);

// Removes one draft; false if there was none.
Result<bool> remove(Txn& txn, const Databases& db, std::string_view form, std::string_view id);

// Removes drafts whose expires is at or before `now`, at most `limit`;
// returns how many were removed.
Result<std::size_t> purge_expired(Txn& txn, const Databases& db, std::int64_t now, std::size_t limit);

// Drafts `form` has (expired ones not yet purged count too).
Result<std::uint64_t> count(const Txn& txn, const Databases& db, std::string_view form);

// In id order, ids after `after` (raw; empty: from the first), at most `limit`.
Result<std::vector<DraftInfo>> list(const Txn& txn, const Databases& db, std::string_view form, std::string_view after,
                                    std::size_t limit);

// 32 lower-case hex digits <-> raw id; nullopt if `hex` is not one.
std::string id_hex(std::string_view id);
std::optional<std::string> id_from_hex(std::string_view hex);

}  // namespace civic::storage::drafts
