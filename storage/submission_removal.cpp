#include "storage/submission_removal.hpp"

#include <cstring>
#include <vector>

#include <rapidjson/document.h>

#include "storage/keys.hpp"
#include "storage/outbox.hpp"
#include "storage/submission_keys.hpp"

namespace civic::storage {

namespace {

using submission_keys::form_key;
using submission_keys::seq_key;

// Values up to this size live inside a leaf page, next to other records;
// larger ones get overflow pages of their own, which are freed whole.
constexpr std::size_t kInlineValue = 2048;

Error damaged(std::string_view what) { return Error(Error::kCorrupt, "remove submission", std::string(what)); }

// Overwrites a small value with zeros in place (same size: LMDB writes into
// the page it touched) and deletes it, so that the live page keeps none of
// its bytes.
Status scrub_and_delete(Txn& txn, Db db, const std::string& key, std::size_t size) {
  if (size > 0 && size <= kInlineValue) {
    auto space = txn.reserve(db, key, size);
    if (!space) return space.error();
    std::memset(*space, 0, size);
  }
  auto deleted = txn.del(db, key);
  if (!deleted) return deleted.error();
  return {};
}

// Every key with `prefix` in `db`, copied out (deleting while a cursor walks
// is left to LMDB's own cursor delete elsewhere; here the lists are short).
Result<std::vector<std::pair<std::string, std::size_t>>> keys_with_prefix(const Txn& txn, Db db,
                                                                          const std::string& prefix) {
  std::vector<std::pair<std::string, std::size_t>> out;
  auto st = for_each_with_prefix(txn, db, prefix, [&](const Entry& e) {
    out.emplace_back(std::string(e.key), e.value.size());
    return true;
  });
  if (!st) return st.error();
  return out;
}

Result<std::string> receipt_of(std::string_view record) {
  // The record is created(i64) then the submission's JSON.
  if (!keys::take_i64(record)) return damaged("malformed record");
  rapidjson::Document doc;
  doc.Parse(record.data(), record.size());
  if (doc.HasParseError() || !doc.IsObject()) return damaged("the stored JSON does not parse");
  auto it = doc.FindMember("receipt");
  if (it == doc.MemberEnd() || !it->value.IsString()) return damaged("the stored JSON has no receipt");
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

Status decrement_live(Txn& txn, const Databases& db, std::string_view form) {
  std::string key = form_key(form);
  auto value = txn.get(db.form_counters, key);
  if (!value) return value.error();
  if (!value.value()) return damaged("the form has no counter");
  std::string_view v = **value;
  auto last = keys::take_u64(v);
  auto live = keys::take_u64(v);
  if (!last || !live) return damaged("malformed form counter");
  std::string out;
  keys::append_u64(out, *last);  // never lowered: receipts are not reused
  keys::append_u64(out, *live > 0 ? *live - 1 : 0);
  return txn.put(db.form_counters, key, out);
}

// The replay records that would answer a repeat with this submission's
// receipt, their expiry entries and the owner entries that list them.
Status remove_replays(Txn& txn, const Databases& db, std::string_view form, std::uint64_t seq) {
  std::string prefix = seq_key(form, seq);
  auto owners = keys_with_prefix(txn, db.replay_owners, prefix);
  if (!owners) return owners.error();
  for (const auto& [owner, size] : *owners) {
    std::string replay_key = form_key(form);
    replay_key.append(owner, prefix.size());
    auto record = txn.get(db.replays, replay_key);
    if (!record) return record.error();
    if (record.value()) {
      std::string_view v = **record;
      auto expires = keys::take_i64(v);
      if (!expires) return damaged("malformed replay record");
      std::string expiry_key;
      keys::append_i64(expiry_key, *expires);
      expiry_key += replay_key;
      if (auto d = txn.del(db.replay_expiry, expiry_key); !d) return d.error();
      if (auto st = scrub_and_delete(txn, db.replays, replay_key, record.value()->size()); !st) return st;
    }
    if (auto d = txn.del(db.replay_owners, owner); !d) return d.error();
  }
  return {};
}

}  // namespace

Result<bool> remove_submission(Txn& txn, const Databases& db, std::string_view form, std::uint64_t seq) {
  const std::string key = seq_key(form, seq);
  auto record = txn.get(db.submissions, key);
  if (!record) return record.error();
  if (!record.value()) return false;
  auto receipt = receipt_of(**record);  // copied out before anything changes
  if (!receipt) return receipt.error();
  std::size_t record_size = record.value()->size();

  if (auto st = remove_replays(txn, db, form, seq); !st) return st.error();
  if (auto st = outbox::remove_submission(txn, db, form, seq); !st) return st.error();
  auto files = keys_with_prefix(txn, db.attachments, key);
  if (!files) return files.error();
  for (const auto& [file_key, size] : *files)
    if (auto st = scrub_and_delete(txn, db.attachments, file_key, size); !st) return st.error();
  if (auto d = txn.del(db.receipts, form_key(form) + *receipt); !d) return d.error();
  if (auto st = scrub_and_delete(txn, db.submissions, key, record_size); !st) return st.error();
  if (auto st = decrement_live(txn, db, form); !st) return st.error();
  return true;
}

Result<bool> erase_submission(Store& store, std::string_view form, std::string_view receipt) {
  auto txn = Txn::begin_write(store.env());
  if (!txn) return txn.error();
  const Databases& db = store.db();
  auto seq_value = txn->get(db.receipts, form_key(form) + std::string(receipt));
  if (!seq_value) return seq_value.error();
  if (!seq_value.value()) return false;
  std::string_view v = **seq_value;
  auto seq = keys::take_u64(v);
  if (!seq) return Error(Error::kCorrupt, "read receipt", "malformed value");
  auto removed = remove_submission(*txn, db, form, *seq);
  if (!removed) return removed.error();
  if (!*removed) return false;
  if (auto st = txn->commit(); !st) return st.error();
  return true;
}

}  // namespace civic::storage
