#include "storage/submission_store.hpp"

#include <sys/random.h>

#include <cerrno>
#include <cstdio>
#include <ctime>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "storage/drafts.hpp"
#include "storage/keys.hpp"
#include "storage/outbox.hpp"
#include "storage/submission_keys.hpp"
#include "common/time_text.hpp"

namespace civic::storage {

namespace {

constexpr std::string_view kSecretKey = "form_token_secret";
constexpr std::size_t kSecretBytes = 32;
// Expired replay records removed per commit: enough to keep up with any
// rate of new ones, small enough not to slow a commit down.
constexpr int kReplayPurgePerCommit = 256;

using submission_keys::form_key;
using submission_keys::seq_key;

std::string record_json(const NewSubmission& s, std::string_view receipt, std::uint64_t seq, std::int64_t now) {
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> w(out);
  auto str = [&w](std::string_view v) { w.String(v.data(), static_cast<rapidjson::SizeType>(v.size())); };
  w.StartObject();
  w.Key("receipt");
  str(receipt);
  w.Key("form");
  str(s.form);
  w.Key("seq");
  w.Uint64(seq);
  w.Key("created_time");
  str(iso_utc(now));
  w.Key("language");
  str(s.language);
  w.Key(s.sealed ? "sealed" : "data");
  w.RawValue(s.data_json.data(), s.data_json.size(), rapidjson::kObjectType);
  w.EndObject();
  return std::string(out.GetString(), out.GetSize());
}

// Removes the replay_owners entry of a replay record that is about to go:
// the record names the receipt, the receipt its seq.
Status forget_owner(Txn& txn, const Databases& db, const std::string& replay_key) {
  auto record = txn.get(db.replays, replay_key);
  if (!record) return record.error();
  if (!record.value()) return {};
  std::string_view v = **record;
  std::string_view k = replay_key;
  auto form = keys::take_name(k);
  if (!keys::take_i64(v) || !form) return Error(Error::kCorrupt, "purge replay records", "malformed record");
  auto seq_value = txn.get(db.receipts, form_key(*form) + std::string(v));
  if (!seq_value) return seq_value.error();
  if (!seq_value.value()) return {};  // the submission is gone, and its owner entries with it
  std::string_view sv = **seq_value;
  auto seq = keys::take_u64(sv);
  if (!seq) return Error(Error::kCorrupt, "read receipt", "malformed value");
  std::string owner = seq_key(*form, *seq);
  owner.append(k);
  if (auto d = txn.del(db.replay_owners, owner); !d) return d.error();
  return {};
}

Status purge_expired_replays(Txn& txn, const Databases& db, std::int64_t now) {
  auto cursor = Cursor::open(txn, db.replay_expiry);
  if (!cursor) return cursor.error();
  int removed = 0;
  for (auto pos = cursor->first(); removed < kReplayPurgePerCommit; pos = cursor->first()) {
    if (!pos) return pos.error();
    if (!pos.value()) break;
    std::string_view key = pos.value()->key;
    std::string_view rest = key;
    auto expires = keys::take_i64(rest);
    if (!expires) return Error(Error::kCorrupt, "purge replay records", "malformed key");
    if (*expires > now) break;
    // The rest of the key is the replay record's key.
    std::string replay_key(rest);
    if (auto st = cursor->del_current(); !st) return st;
    if (auto st = forget_owner(txn, db, replay_key); !st) return st;
    if (auto d = txn.del(db.replays, replay_key); !d) return d.error();
    ++removed;
  }
  return {};
}

// The receipt a replay key already got, if that record is still valid.
Result<std::optional<std::string>> replayed_receipt(const Txn& txn, const Databases& db, const std::string& key,
                                                    std::int64_t now) {
  auto value = txn.get(db.replays, key);
  if (!value) return value.error();
  if (!value.value()) return std::optional<std::string>{};
  std::string_view v = **value;
  auto expires = keys::take_i64(v);
  if (!expires) return Error(Error::kCorrupt, "read replay record", "malformed value");
  if (*expires <= now) return std::optional<std::string>{};
  return std::optional<std::string>{std::string(v)};
}

struct Counter {
  std::uint64_t last_seq = 0;
  std::uint64_t live = 0;
};

Result<Counter> read_counter(const Txn& txn, const Databases& db, std::string_view form) {
  auto value = txn.get(db.form_counters, form_key(form));
  if (!value) return value.error();
  Counter c;
  if (!value.value()) return c;
  std::string_view v = **value;
  auto last = keys::take_u64(v);
  auto live = keys::take_u64(v);
  if (!last || !live) return Error(Error::kCorrupt, "read form counter", "malformed value");
  c.last_seq = *last;
  c.live = *live;
  return c;
}

struct DayCount {
  std::int64_t day = 0;
  std::uint64_t count = 0;
};

Result<DayCount> read_day_count(const Txn& txn, const Databases& db, std::string_view form) {
  auto value = txn.get(db.form_days, form_key(form));
  if (!value) return value.error();
  DayCount c;
  if (!value.value()) return c;
  std::string_view v = **value;
  auto day = keys::take_i64(v);
  auto count = keys::take_u64(v);
  if (!day || !count || !v.empty()) return Error(Error::kCorrupt, "read form day count", "malformed value");
  c.day = *day;
  c.count = *count;
  return c;
}

// Counts one more submission of the form today; false (nothing written) if
// it has stored `max` today already.
Result<bool> take_daily_place(Txn& txn, const Databases& db, std::string_view form, std::uint64_t max,
                              std::int64_t now) {
  auto current = read_day_count(txn, db, form);
  if (!current) return current.error();
  std::int64_t today = local_day(now);
  std::uint64_t count = current->day == today ? current->count : 0;
  if (max != 0 && count >= max) return false;
  std::string value;
  keys::append_i64(value, today);
  keys::append_u64(value, count + 1);
  if (auto st = txn.put(db.form_days, form_key(form), value); !st) return st.error();
  return true;
}

Status store_one(Txn& txn, const Databases& db, std::string_view tag, const NewSubmission& s, std::int64_t now,
                 CommitOutcome& outcome) {
  for (const std::string& key : s.replay_keys) {
    auto earlier = replayed_receipt(txn, db, form_key(s.form) + key, now);
    if (!earlier) return earlier.error();
    if (earlier.value()) {
      outcome.replayed = true;
      outcome.receipt = std::move(*earlier.value());
      return {};
    }
  }
  // The last step of a multi-step form: its draft goes with it; a draft
  // already gone (sent from another tab, expired, erased) stores nothing.
  if (!s.draft_id.empty()) {
    auto draft = drafts::read(txn, db, s.form, s.draft_id, now);
    if (!draft) return draft.error();
    if (!draft->has_value()) {
      outcome.draft_gone = true;
      return {};
    }
  }
  auto place = take_daily_place(txn, db, s.form, s.max_per_day, now);
  if (!place) return place.error();
  if (!*place) {
    outcome.over_limit = true;
    return {};
  }
  if (!s.draft_id.empty()) {
    auto removed = drafts::remove(txn, db, s.form, s.draft_id);
    if (!removed) return removed.error();
  }
  auto counter = read_counter(txn, db, s.form);
  if (!counter) return counter.error();
  std::uint64_t seq = counter->last_seq + 1;
  std::string receipt = make_receipt(s.receipt_prefix, tag, now, seq);

  std::string value;
  keys::append_i64(value, now);
  value += record_json(s, receipt, seq, now);
  if (auto st = txn.put(db.submissions, seq_key(s.form, seq), value); !st) return st;

  std::string seq_value;
  keys::append_u64(seq_value, seq);
  std::string receipt_key = form_key(s.form) + receipt;
  if (auto st = txn.put(db.receipts, receipt_key, seq_value, MDB_NOOVERWRITE); !st) return st;

  for (const NewSubmission::File& f : s.files) {
    std::string key = seq_key(s.form, seq);
    keys::append_name(key, f.field);
    keys::append_u32(key, f.index);
    if (auto st = txn.put(db.attachments, key, f.content); !st) return st;
  }

  for (const std::string& key : s.replay_keys) {
    std::string record;
    keys::append_i64(record, s.replay_expires);
    record += receipt;
    std::string replay_key = form_key(s.form) + key;
    if (auto st = txn.put(db.replays, replay_key, record); !st) return st;
    std::string expiry_key;
    keys::append_i64(expiry_key, s.replay_expires);
    expiry_key += replay_key;
    if (auto st = txn.put(db.replay_expiry, expiry_key, {}); !st) return st;
    std::string owner = seq_key(s.form, seq);
    owner += key;
    if (auto st = txn.put(db.replay_owners, owner, {}); !st) return st;
  }

  std::string counter_value;
  keys::append_u64(counter_value, seq);
  keys::append_u64(counter_value, counter->live + 1);
  if (auto st = txn.put(db.form_counters, form_key(s.form), counter_value); !st) return st;

  auto st = outbox::add(txn, db, s.form, seq, s.deliveries, now * 1000, s.confirmation_target,
                        s.confirmation_address);
  if (!st) return st;

  outcome.receipt = std::move(receipt);
  outcome.seq = seq;
  return {};
}

Result<StoredSubmission> decode_stored(std::string_view key, std::string_view value) {
  StoredSubmission s;
  std::string_view k = key;
  if (!keys::take_name(k)) return Error(Error::kCorrupt, "read submission", "malformed key");
  auto seq = keys::take_u64(k);
  auto created = keys::take_i64(value);
  if (!seq || !created) return Error(Error::kCorrupt, "read submission", "malformed record");
  s.seq = *seq;
  s.created = *created;
  s.json = value;
  return s;
}

}  // namespace

std::string make_receipt(std::string_view prefix, std::string_view tag, std::int64_t now, std::uint64_t seq) {
  std::time_t tt = static_cast<std::time_t>(now);
  std::tm tm{};
  localtime_r(&tt, &tm);
  char year[16], number[32];
  std::snprintf(year, sizeof year, "-%04d-", tm.tm_year + 1900);
  std::snprintf(number, sizeof number, "-%06llu", static_cast<unsigned long long>(seq));
  std::string receipt(prefix);
  receipt.append(year).append(tag).append(number);
  return receipt;
}

std::int64_t local_day(std::int64_t now) {
  std::time_t tt = static_cast<std::time_t>(now);
  std::tm tm{};
  localtime_r(&tt, &tm);
  // The local date read as a UTC midnight: its day number.
  tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
  tm.tm_isdst = 0;
  return static_cast<std::int64_t>(timegm(&tm)) / 86400;
}

std::int64_t seconds_left_in_day(std::int64_t now) {
  std::time_t tt = static_cast<std::time_t>(now);
  std::tm tm{};
  localtime_r(&tt, &tm);
  tm.tm_mday += 1;  // the next local midnight (mktime normalizes the date and the offset)
  tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
  tm.tm_isdst = -1;
  std::time_t midnight = std::mktime(&tm);
  return midnight > tt ? static_cast<std::int64_t>(midnight - tt) : 1;
}

Result<std::uint64_t> submissions_on_day(const Txn& txn, const Databases& db, std::string_view form, std::int64_t day) {
  auto c = read_day_count(txn, db, form);
  if (!c) return c.error();
  return c->day == day ? c->count : 0;
}

Result<std::vector<CommitOutcome>> commit_submissions(Store& store, std::span<const NewSubmission> batch,
                                                      std::int64_t now) {
  auto txn = Txn::begin_write(store.env());
  if (!txn) return txn.error();
  const Databases& db = store.db();
  if (auto st = purge_expired_replays(*txn, db, now); !st) return st.error();
  std::vector<CommitOutcome> outcomes(batch.size());
  bool stored = false;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (auto st = store_one(*txn, db, store.receipt_tag(), batch[i], now, outcomes[i]); !st) return st.error();
    stored = stored || (!outcomes[i].replayed && !outcomes[i].over_limit && !outcomes[i].draft_gone);
  }
  // Nothing new: no durable commit for it (a flood of refusals costs no fsync).
  if (!stored) {
    txn->abort();
    return outcomes;
  }
  if (auto st = txn->commit(); !st) return st.error();
  return outcomes;
}

Result<std::optional<StoredSubmission>> find_submission(const Txn& txn, const Databases& db, std::string_view form,
                                                        std::string_view receipt) {
  auto seq_value = txn.get(db.receipts, form_key(form) + std::string(receipt));
  if (!seq_value) return seq_value.error();
  if (!seq_value.value()) return std::optional<StoredSubmission>{};
  std::string_view v = **seq_value;
  auto seq = keys::take_u64(v);
  if (!seq) return Error(Error::kCorrupt, "read receipt", "malformed value");
  std::string key = seq_key(form, *seq);
  auto value = txn.get(db.submissions, key);
  if (!value) return value.error();
  if (!value.value()) return std::optional<StoredSubmission>{};
  auto s = decode_stored(key, **value);
  if (!s) return s.error();
  return std::optional<StoredSubmission>{std::move(*s)};
}

Result<std::vector<StoredSubmission>> list_submissions(const Txn& txn, const Databases& db, std::string_view form,
                                                       std::uint64_t after, std::size_t limit) {
  std::vector<StoredSubmission> out;
  auto cursor = Cursor::open(txn, db.submissions);
  if (!cursor) return cursor.error();
  std::string prefix = form_key(form);
  for (auto pos = cursor->seek(seq_key(form, after + 1)); out.size() < limit; pos = cursor->next()) {
    if (!pos) return pos.error();
    if (!pos.value() || !pos.value()->key.starts_with(prefix)) break;
    auto s = decode_stored(pos.value()->key, pos.value()->value);
    if (!s) return s.error();
    out.push_back(std::move(*s));
  }
  return out;
}

Result<std::optional<std::string>> read_attachment(const Txn& txn, const Databases& db, std::string_view form,
                                                   std::uint64_t seq, std::string_view field, std::uint32_t index) {
  std::string key = seq_key(form, seq);
  keys::append_name(key, field);
  keys::append_u32(key, index);
  auto value = txn.get(db.attachments, key);
  if (!value) return value.error();
  if (!value.value()) return std::optional<std::string>{};
  return std::optional<std::string>{std::string(**value)};
}

Result<std::uint64_t> submission_count(const Txn& txn, const Databases& db, std::string_view form) {
  auto c = read_counter(txn, db, form);
  if (!c) return c.error();
  return c->live;
}

Status ensure_form_token_secret(Txn& txn, const Databases& db) {
  auto existing = txn.get(db.meta, kSecretKey);
  if (!existing) return existing.error();
  if (existing.value()) return {};
  char secret[kSecretBytes];
  if (::getrandom(secret, sizeof secret, 0) != static_cast<ssize_t>(sizeof secret))
    return Error(errno, "make the form token secret");
  return txn.put(db.meta, kSecretKey, std::string_view(secret, sizeof secret));
}

Result<std::string> read_form_token_secret(const Txn& txn, const Databases& db) {
  auto value = txn.get(db.meta, kSecretKey);
  if (!value) return value.error();
  if (!value.value() || value.value()->size() < kSecretBytes)
    return Error(Error::kCorrupt, "read the form token secret", "the store has none");
  return std::string(**value);
}

}  // namespace civic::storage
