#include "storage/retention.hpp"

#include <vector>

#include "storage/keys.hpp"
#include "storage/record_codec.hpp"
#include "storage/source_state.hpp"
#include "storage/submission_keys.hpp"
#include "storage/submission_removal.hpp"

namespace civic::storage {

namespace {

using submission_keys::form_key;

constexpr std::string_view kNextRunKey = "purge_next_run";

// Walks the form's submissions oldest first (by seq: the order they were
// committed) while they were created before `cutoff`; fn(seq) returns false
// to stop. Creation times follow seq except for seconds of clock skew between
// workers, so the walk stops at the first submission that is still kept.
template <class Fn>
Status walk_expired(const Txn& txn, const Databases& db, std::string_view form, std::int64_t cutoff, Fn&& fn) {
  const std::string prefix = form_key(form);
  bool damaged = false;
  auto st = for_each_with_prefix(txn, db.submissions, prefix, [&](const Entry& e) {
    auto key = submission_keys::parse_seq_key(e.key);
    std::string_view value = e.value;
    auto created = keys::take_i64(value);
    if (!key || !created) {
      damaged = true;
      return false;
    }
    if (*created >= cutoff) return false;
    return fn(key->seq);
  });
  if (!st) return st;
  if (damaged) return Error(Error::kCorrupt, "purge submissions of " + std::string(form), "malformed record");
  return {};
}

Status write_purge_record(Txn& txn, const Databases& db, std::string_view form, std::int64_t now,
                          std::uint64_t removed) {
  auto old = read_purge_record(txn, db, form);
  if (!old) return old.error();
  RecordWriter w;
  w.i64(now);
  w.u64(removed);
  w.u64((old.value() ? old.value()->removed_total : 0) + removed);
  return txn.put(db.form_purges, form_key(form), w.data());
}

}  // namespace

Result<PurgeResult> purge_expired(Store& store, std::string_view form, std::int64_t cutoff, std::int64_t now,
                                  std::size_t rows_per_txn) {
  PurgeResult result;
  if (rows_per_txn == 0) rows_per_txn = 1;
  for (;;) {
    auto txn = Txn::begin_write(store.env());
    if (!txn) return txn.error();
    const Databases& db = store.db();
    std::vector<std::uint64_t> seqs;
    auto st = walk_expired(*txn, db, form, cutoff, [&](std::uint64_t seq) {
      seqs.push_back(seq);
      return seqs.size() < rows_per_txn;
    });
    if (!st) return st.error();
    for (std::uint64_t seq : seqs) {
      auto removed = remove_submission(*txn, db, form, seq);
      if (!removed) return removed.error();
      if (*removed) result.removed++;
    }
    bool last = seqs.size() < rows_per_txn;
    if (last) {
      if (auto w = write_purge_record(*txn, db, form, now, result.removed); !w) return w.error();
    }
    if (auto c = txn->commit(); !c) return c.error();
    result.transactions++;
    if (last) return result;
  }
}

Result<std::uint64_t> count_expired(const Txn& txn, const Databases& db, std::string_view form, std::int64_t cutoff) {
  std::uint64_t n = 0;
  auto st = walk_expired(txn, db, form, cutoff, [&](std::uint64_t) {
    ++n;
    return true;
  });
  if (!st) return st.error();
  return n;
}

Result<std::optional<PurgeRecord>> read_purge_record(const Txn& txn, const Databases& db, std::string_view form) {
  auto value = txn.get(db.form_purges, form_key(form));
  if (!value) return value.error();
  if (!value.value()) return std::optional<PurgeRecord>{};
  RecordReader r(**value);
  PurgeRecord p;
  p.last_run = r.i64();
  p.removed_last = r.u64();
  p.removed_total = r.u64();
  if (!r.ok() || !r.at_end())
    return Error(Error::kCorrupt, "read the purge record of " + std::string(form), "malformed value");
  return std::optional<PurgeRecord>{p};
}

Result<std::optional<std::int64_t>> oldest_submission_time(const Txn& txn, const Databases& db,
                                                           std::string_view form) {
  std::optional<std::int64_t> oldest;
  bool damaged = false;
  auto st = for_each_with_prefix(txn, db.submissions, form_key(form), [&](const Entry& e) {
    std::string_view value = e.value;
    auto created = keys::take_i64(value);
    if (!created) damaged = true;
    else oldest = *created;
    return false;
  });
  if (!st) return st.error();
  if (damaged) return Error(Error::kCorrupt, "read submissions of " + std::string(form), "malformed record");
  return oldest;
}

Result<bool> claim_purge_turn(Store& store, std::int64_t now, std::int64_t interval) {
  return claim_turn(store, kNextRunKey, now, interval);
}

}  // namespace civic::storage
