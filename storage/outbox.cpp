#include "storage/outbox.hpp"

#include <algorithm>
#include <map>

#include "storage/keys.hpp"
#include "storage/record_codec.hpp"
#include "storage/store_check_walk.hpp"
#include "storage/submission_keys.hpp"

namespace civic::storage::outbox {

namespace {

using submission_keys::form_key;
using submission_keys::seq_key;

constexpr std::uint8_t kEntryFormat = 1;
constexpr std::uint8_t kStatsFormat = 1;
// What is kept of an attempt's error: enough to tell what went wrong.
constexpr std::size_t kMaxErrorText = 500;

std::string entry_key(const DeliveryKey& k) {
  std::string key = seq_key(k.form, k.seq);
  keys::append_u32(key, k.target);
  return key;
}

std::string due_key(std::int64_t due_ms, std::string_view entry) {
  std::string key;
  keys::append_i64(key, due_ms);
  key += entry;
  return key;
}

std::string stats_key(std::string_view form, std::uint32_t target) {
  std::string key = form_key(form);
  keys::append_u32(key, target);
  return key;
}

Error damaged(std::string_view what) { return Error(Error::kCorrupt, "read " + std::string(what), "malformed record"); }

std::string encode(const OutboxEntry& e) {
  RecordWriter w;
  w.u8(kEntryFormat);
  w.u8(static_cast<std::uint8_t>(e.state));
  w.u32(e.attempts);
  w.i64(e.created_ms);
  w.i64(e.retry_from_ms);
  w.i64(e.due_ms);
  w.i64(e.last_attempt_ms);
  w.u32(e.lease_owner);
  w.str16(std::string_view(e.last_error).substr(0, kMaxErrorText));
  // Only when there is one: an entry without it reads as it did before
  // sealed forms (and an older civic reads this one, ignoring the rest).
  if (!e.address.empty()) w.str16(e.address);
  return w.take();
}

Result<OutboxEntry> decode(std::string_view v) {
  RecordReader r(v);
  OutboxEntry e;
  if (r.u8() != kEntryFormat) return damaged("outbox entry");
  auto state = r.u8();
  e.attempts = r.u32();
  e.created_ms = r.i64();
  e.retry_from_ms = r.i64();
  e.due_ms = r.i64();
  e.last_attempt_ms = r.i64();
  e.lease_owner = r.u32();
  e.last_error = r.str16();
  if (r.ok() && !r.at_end()) e.address = r.str16();
  if (!r.ok() || !r.at_end() || (state != 1 && state != 2)) return damaged("outbox entry");
  e.state = static_cast<State>(state);
  return e;
}

std::optional<DeliveryKey> parse_entry_key(std::string_view key) {
  auto k = submission_keys::parse_seq_key(key);
  if (!k) return std::nullopt;
  std::string_view rest = k->rest;
  auto target = keys::take_u32(rest);
  if (!target || !rest.empty()) return std::nullopt;
  return DeliveryKey{std::string(k->form), k->seq, *target};
}

std::string encode(const TargetStats& s) {
  RecordWriter w;
  w.u8(kStatsFormat);
  w.u64(s.pending);
  w.u64(s.failed);
  w.u64(s.delivered);
  w.i64(s.last_error_ms);
  w.str16(std::string_view(s.last_error).substr(0, kMaxErrorText));
  return w.take();
}

Result<TargetStats> decode_stats(std::string_view v) {
  RecordReader r(v);
  TargetStats s;
  if (r.u8() != kStatsFormat) return damaged("outbox stats");
  s.pending = r.u64();
  s.failed = r.u64();
  s.delivered = r.u64();
  s.last_error_ms = r.i64();
  s.last_error = r.str16();
  if (!r.ok()) return damaged("outbox stats");
  return s;
}

Result<TargetStats> read_stats(const Txn& txn, const Databases& db, std::string_view form, std::uint32_t target) {
  auto v = txn.get(db.outbox_stats, stats_key(form, target));
  if (!v) return v.error();
  if (!v.value()) return TargetStats{};
  return decode_stats(**v);
}

// Changes a target's counts: read, changed by `change`, written.
template <class Change>
Status update_stats(Txn& txn, const Databases& db, std::string_view form, std::uint32_t target, Change&& change) {
  auto s = read_stats(txn, db, form, target);
  if (!s) return s.error();
  change(*s);
  return txn.put(db.outbox_stats, stats_key(form, target), encode(*s));
}

void count_down(std::uint64_t& n) {
  if (n > 0) --n;
}

Status put_entry(Txn& txn, const Databases& db, std::string_view key, const OutboxEntry& e) {
  if (auto st = txn.put(db.outbox, key, encode(e)); !st) return st;
  if (e.state == State::pending) return txn.put(db.outbox_due, due_key(e.due_ms, key), {});
  return {};
}

// Takes an entry out of outbox_due (where a pending one is).
Status undue(Txn& txn, const Databases& db, std::string_view key, const OutboxEntry& e) {
  if (e.state != State::pending) return {};
  auto d = txn.del(db.outbox_due, due_key(e.due_ms, key));
  if (!d) return d.error();
  return {};
}

Result<std::optional<OutboxEntry>> read_entry(const Txn& txn, const Databases& db, std::string_view key) {
  auto v = txn.get(db.outbox, key);
  if (!v) return v.error();
  if (!v.value()) return std::optional<OutboxEntry>{};
  auto e = decode(**v);
  if (!e) return e.error();
  return std::optional<OutboxEntry>{std::move(*e)};
}

}  // namespace

Status add(Txn& txn, const Databases& db, std::string_view form, std::uint64_t seq,
           std::span<const std::uint32_t> targets, std::int64_t now_ms, std::uint32_t address_target,
           std::string_view address) {
  if (address.size() > kMaxAddressBytes) {
    return Error(Error::kInvalid, "store a confirmation address",
                 "the address has " + std::to_string(address.size()) + " bytes, at most " +
                     std::to_string(kMaxAddressBytes) + " can be kept");
  }
  for (std::uint32_t target : targets) {
    OutboxEntry e;
    e.created_ms = now_ms;
    e.retry_from_ms = now_ms;
    e.due_ms = now_ms;
    if (target == address_target) e.address = address;
    if (auto st = put_entry(txn, db, entry_key({std::string(form), seq, target}), e); !st) return st;
    if (auto st = update_stats(txn, db, form, target, [](TargetStats& s) { ++s.pending; }); !st) return st;
  }
  return {};
}

Result<std::optional<std::int64_t>> next_due_ms(const Txn& txn, const Databases& db) {
  auto cursor = Cursor::open(txn, db.outbox_due);
  if (!cursor) return cursor.error();
  auto first = cursor->first();
  if (!first) return first.error();
  if (!first.value()) return std::optional<std::int64_t>{};
  std::string_view k = first.value()->key;
  auto at = keys::take_i64(k);
  if (!at) return damaged("outbox due time");
  return std::optional<std::int64_t>{*at};
}

Result<std::vector<Claimed>> claim_due(Txn& txn, const Databases& db, std::int64_t now_ms, std::int64_t lease_ms,
                                       std::uint32_t owner, std::size_t max) {
  // The due keys first (a cursor is not kept across the writes below).
  std::vector<std::string> due;
  auto cursor = Cursor::open(txn, db.outbox_due);
  if (!cursor) return cursor.error();
  for (auto pos = cursor->first(); due.size() < max; pos = cursor->next()) {
    if (!pos) return pos.error();
    if (!pos.value()) break;
    std::string_view k = pos.value()->key;
    auto at = keys::take_i64(k);
    if (!at) return damaged("outbox due time");
    if (*at > now_ms) break;
    due.emplace_back(pos.value()->key);
  }
  std::vector<Claimed> claimed;
  for (const std::string& dk : due) {
    std::string_view entry = std::string_view(dk).substr(8);
    auto key = parse_entry_key(entry);
    if (!key) return damaged("outbox due key");
    auto e = read_entry(txn, db, entry);
    if (!e) return e.error();
    if (auto d = txn.del(db.outbox_due, dk); !d) return d.error();
    if (!e.value() || e.value()->state != State::pending) continue;  // an index entry left behind: dropped
    Claimed c{std::move(*key), **e};
    OutboxEntry leased = **e;
    leased.due_ms = now_ms + lease_ms;
    leased.lease_owner = owner;
    if (auto st = put_entry(txn, db, entry, leased); !st) return st.error();
    claimed.push_back(std::move(c));
  }
  return claimed;
}

Status record(Txn& txn, const Databases& db, std::span<const Attempt> attempts) {
  for (const Attempt& a : attempts) {
    const std::string key = entry_key(a.key);
    auto found = read_entry(txn, db, key);
    if (!found) return found.error();
    if (!found.value() || found.value()->state != State::pending) continue;
    OutboxEntry e = **found;
    if (auto st = undue(txn, db, key, e); !st) return st;
    e.attempts++;
    e.last_attempt_ms = a.at_ms;
    e.lease_owner = 0;
    if (a.outcome == Outcome::delivered) {
      auto d = txn.del(db.outbox, key);
      if (!d) return d.error();
      auto st = update_stats(txn, db, a.key.form, a.key.target, [](TargetStats& s) {
        count_down(s.pending);
        ++s.delivered;
      });
      if (!st) return st;
      continue;
    }
    e.last_error = a.error.substr(0, kMaxErrorText);
    if (a.outcome == Outcome::retry) {
      e.due_ms = a.next_due_ms;
    } else {
      e.state = State::failed;
    }
    if (auto st = put_entry(txn, db, key, e); !st) return st;
    bool failed = a.outcome == Outcome::failed;
    auto st = update_stats(txn, db, a.key.form, a.key.target, [&](TargetStats& s) {
      if (failed) {
        count_down(s.pending);
        ++s.failed;
      }
      s.last_error_ms = a.at_ms;
      s.last_error = e.last_error;
    });
    if (!st) return st;
  }
  return {};
}

Status remove_submission(Txn& txn, const Databases& db, std::string_view form, std::uint64_t seq) {
  std::vector<std::pair<std::string, OutboxEntry>> found;
  auto st = for_each_with_prefix(txn, db.outbox, seq_key(form, seq), [&](const Entry& entry) {
    auto e = decode(entry.value);
    if (e) found.emplace_back(std::string(entry.key), std::move(*e));
    return true;
  });
  if (!st) return st;
  for (const auto& [key, e] : found) {
    auto k = parse_entry_key(key);
    if (!k) return damaged("outbox key");
    if (auto u = undue(txn, db, key, e); !u) return u;
    auto d = txn.del(db.outbox, key);
    if (!d) return d.error();
    bool pending = e.state == State::pending;
    auto s = update_stats(txn, db, form, k->target, [&](TargetStats& t) { count_down(pending ? t.pending : t.failed); });
    if (!s) return s;
  }
  return {};
}

Result<bool> retry(Txn& txn, const Databases& db, const DeliveryKey& k, std::int64_t now_ms) {
  const std::string key = entry_key(k);
  auto found = read_entry(txn, db, key);
  if (!found) return found.error();
  if (!found.value() || found.value()->state != State::failed) return false;
  OutboxEntry e = **found;
  e.state = State::pending;
  e.due_ms = now_ms;
  e.retry_from_ms = now_ms;  // a new window of retries
  e.attempts = 0;
  if (auto st = put_entry(txn, db, key, e); !st) return st.error();
  auto st = update_stats(txn, db, k.form, k.target, [](TargetStats& s) {
    count_down(s.failed);
    ++s.pending;
  });
  if (!st) return st.error();
  return true;
}

Result<std::vector<Listed>> list(const Txn& txn, const Databases& db, std::string_view form,
                                 std::optional<State> state, std::uint64_t after, std::size_t limit) {
  std::vector<Listed> out;
  auto cursor = Cursor::open(txn, db.outbox);
  if (!cursor) return cursor.error();
  const std::string prefix = form_key(form);
  for (auto pos = cursor->seek(seq_key(form, after + 1));; pos = cursor->next()) {
    if (!pos) return pos.error();
    if (!pos.value() || !pos.value()->key.starts_with(prefix)) break;
    auto key = parse_entry_key(pos.value()->key);
    auto e = decode(pos.value()->value);
    if (!key || !e) return damaged("outbox entry");
    if (out.size() >= limit && key->seq != out.back().key.seq) break;
    if (state && e->state != *state) continue;
    out.push_back(Listed{std::move(*key), std::move(*e)});
  }
  return out;
}

Result<std::vector<std::pair<std::uint32_t, TargetStats>>> stats(const Txn& txn, const Databases& db,
                                                                 std::string_view form) {
  std::vector<std::pair<std::uint32_t, TargetStats>> out;
  std::optional<Error> error;
  auto st = for_each_with_prefix(txn, db.outbox_stats, form_key(form), [&](const Entry& e) {
    std::string_view rest = e.key.substr(form_key(form).size());
    auto target = keys::take_u32(rest);
    auto s = decode_stats(e.value);
    if (!target || !rest.empty() || !s) {
      error = damaged("outbox stats");
      return false;
    }
    out.emplace_back(*target, std::move(*s));
    return true;
  });
  if (!st) return st.error();
  if (error) return *error;
  return out;
}

Result<std::optional<std::int64_t>> oldest_pending_ms(const Txn& txn, const Databases& db, std::string_view form,
                                                       std::uint32_t target, std::size_t steps) {
  std::optional<std::int64_t> oldest;
  std::optional<Error> error;
  auto st = for_each_with_prefix(txn, db.outbox, form_key(form), [&](const Entry& entry) {
    if (steps-- == 0) return false;
    auto key = parse_entry_key(entry.key);
    auto e = decode(entry.value);
    if (!key || !e) {
      error = damaged("outbox entry");
      return false;
    }
    if (key->target != target || e->state != State::pending) return true;
    oldest = e->created_ms;  // seq order is the order they were stored
    return false;
  });
  if (!st) return st.error();
  if (error) return *error;
  return oldest;
}

}  // namespace civic::storage::outbox

namespace civic::storage::check {

Status check_outbox(Walk& w) {
  using namespace outbox;
  // (form, target) -> pending, failed, as the entries say.
  std::map<std::pair<std::string, std::uint32_t>, std::pair<std::uint64_t, std::uint64_t>> counted;
  auto st = w.each(w.db.outbox, [&](const Entry& e) -> Status {
    auto key = parse_entry_key(e.key);
    auto entry = decode(e.value);
    if (!key || !entry) {
      w.problem("outbox: a malformed entry " + printable(e.key));
      return {};
    }
    std::string where = "outbox: " + key->form + " #" + std::to_string(key->seq) + " target " + std::to_string(key->target);
    auto stored = w.exists(w.db.submissions, seq_key(key->form, key->seq));
    if (!stored) return stored.error();
    if (!*stored) w.problem(where + " belongs to no submission");
    auto& c = counted[{key->form, key->target}];
    if (entry->state == State::pending) {
      c.first++;
      auto due = w.exists(w.db.outbox_due, due_key(entry->due_ms, e.key));
      if (!due) return due.error();
      if (!*due) w.problem(where + " is pending but not in outbox_due");
    } else {
      c.second++;
    }
    return {};
  });
  if (!st) return st;
  st = w.each(w.db.outbox_due, [&](const Entry& e) -> Status {
    std::string_view k = e.key;
    auto at = keys::take_i64(k);
    auto entry = at ? read_entry(w.txn, w.db, k) : Result<std::optional<OutboxEntry>>(std::optional<OutboxEntry>{});
    if (!entry) return entry.error();
    if (!at || !entry.value() || entry.value()->state != State::pending || entry.value()->due_ms != *at)
      w.problem("outbox_due: " + printable(e.key) + " names no pending entry due then");
    return {};
  });
  if (!st) return st;
  st = w.each(w.db.outbox_stats, [&](const Entry& e) -> Status {
    std::string_view k = e.key;
    auto form = keys::take_name(k);
    std::optional<std::uint32_t> target;
    if (form) target = keys::take_u32(k);
    auto stats = decode_stats(e.value);
    if (!form || !target || !k.empty() || !stats) {
      w.problem("outbox_stats: a malformed record " + printable(e.key));
      return {};
    }
    auto found = counted.find({std::string(*form), *target});
    std::uint64_t pending = found == counted.end() ? 0 : found->second.first;
    std::uint64_t failed = found == counted.end() ? 0 : found->second.second;
    if (stats->pending != pending || stats->failed != failed)
      w.problem("outbox_stats: " + std::string(*form) + " target " + std::to_string(*target) + " counts " +
                std::to_string(stats->pending) + " pending and " + std::to_string(stats->failed) +
                " failed; the outbox holds " + std::to_string(pending) + " and " + std::to_string(failed));
    if (found != counted.end()) counted.erase(found);
    return {};
  });
  if (!st) return st;
  for (const auto& [key, c] : counted)
    w.problem("outbox: " + key.first + " target " + std::to_string(key.second) + " has entries but no counts");
  return {};
}

}  // namespace civic::storage::check
