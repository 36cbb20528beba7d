#include "storage/source_state.hpp"

#include "storage/keys.hpp"

namespace civic::storage {

namespace {

constexpr std::uint8_t kFormat = 2;

std::string state_key(std::string_view cal) {
  std::string key = "source";
  key.push_back('\0');
  key.append(cal);
  return key;
}

void put_text(std::string& out, std::string_view s) {
  keys::append_u32(out, static_cast<std::uint32_t>(s.size()));
  out.append(s);
}

std::optional<std::string> take_text(std::string_view& in) {
  auto n = keys::take_u32(in);
  if (!n || in.size() < *n) return std::nullopt;
  std::string s(in.substr(0, *n));
  in.remove_prefix(*n);
  return s;
}

void put_counts(std::string& out, const SourceCounts& c) {
  keys::append_u64(out, c.created);
  keys::append_u64(out, c.updated);
  keys::append_u64(out, c.deleted);
}

void put_skipped(std::string& out, const SourceState& s) {
  keys::append_u64(out, s.last_run.skipped);
  keys::append_u64(out, s.total.skipped);
}

bool take_counts(std::string_view& in, SourceCounts& c) {
  auto a = keys::take_u64(in), b = keys::take_u64(in), d = keys::take_u64(in);
  if (!a || !b || !d) return false;
  c = SourceCounts{*a, *b, *d};
  return true;
}

}  // namespace

Result<std::optional<SourceState>> read_source_state(const Txn& txn, const Databases& db, std::string_view cal) {
  auto value = txn.get(db.meta, state_key(cal));
  if (!value) return value.error();
  if (!value.value()) return std::optional<SourceState>{};
  std::string_view in = **value;
  SourceState s;
  const auto format = in.empty() ? 0 : static_cast<std::uint8_t>(in.front());
  bool ok = format == 1 || format == kFormat;
  if (ok) in.remove_prefix(1);
  auto url = ok ? take_text(in) : std::nullopt;
  auto etag = url ? take_text(in) : std::nullopt;
  auto modified = etag ? take_text(in) : std::nullopt;
  auto attempt = modified ? keys::take_i64(in) : std::nullopt;
  auto success = attempt ? keys::take_i64(in) : std::nullopt;
  auto change = success ? keys::take_i64(in) : std::nullopt;
  auto error = change ? take_text(in) : std::nullopt;
  ok = error && take_counts(in, s.last_run) && take_counts(in, s.total);
  auto runs = ok ? keys::take_u64(in) : std::nullopt;
  if (runs && format == kFormat) {
    auto since = take_text(in);
    auto next = since ? take_text(in) : std::nullopt;
    auto caught_up = next ? keys::take_u64(in) : std::nullopt;
    auto newest = caught_up ? keys::take_i64(in) : std::nullopt;
    auto pages = newest ? keys::take_u64(in) : std::nullopt;
    auto skip = pages ? take_text(in) : std::nullopt;
    auto last_skipped = skip ? keys::take_u64(in) : std::nullopt;
    auto total_skipped = last_skipped ? keys::take_u64(in) : std::nullopt;
    if (!total_skipped) runs.reset();
    else {
      s.since = std::move(*since);
      s.next_url = std::move(*next);
      s.caught_up = *caught_up != 0;
      s.newest_modified_us = *newest;
      s.pages = *pages;
      s.last_skip = std::move(*skip);
      s.last_run.skipped = *last_skipped;
      s.total.skipped = *total_skipped;
    }
  }
  if (!runs || !in.empty())
    return Error(Error::kCorrupt, "read the source state of calendar " + std::string(cal), "malformed value");
  s.url = std::move(*url);
  s.etag = std::move(*etag);
  s.last_modified = std::move(*modified);
  s.last_attempt = *attempt;
  s.last_success = *success;
  s.last_change = *change;
  s.last_error = std::move(*error);
  s.runs = *runs;
  return std::optional<SourceState>{std::move(s)};
}

Status write_source_state(Txn& txn, const Databases& db, std::string_view cal, const SourceState& s) {
  std::string v(1, static_cast<char>(kFormat));
  put_text(v, s.url);
  put_text(v, s.etag);
  put_text(v, s.last_modified);
  keys::append_i64(v, s.last_attempt);
  keys::append_i64(v, s.last_success);
  keys::append_i64(v, s.last_change);
  put_text(v, s.last_error);
  put_counts(v, s.last_run);
  put_counts(v, s.total);
  keys::append_u64(v, s.runs);
  put_text(v, s.since);
  put_text(v, s.next_url);
  keys::append_u64(v, s.caught_up ? 1 : 0);
  keys::append_i64(v, s.newest_modified_us);
  keys::append_u64(v, s.pages);
  put_text(v, s.last_skip);
  put_skipped(v, s);
  return txn.put(db.meta, state_key(cal), v);
}

Result<bool> claim_turn(Store& store, std::string_view key, std::int64_t now, std::int64_t interval) {
  auto due = [&](const Txn& txn) -> Result<bool> {
    auto value = txn.get(store.db().meta, key);
    if (!value) return value.error();
    if (!value.value()) return true;
    std::string_view v = **value;
    auto next = keys::take_i64(v);
    if (!next) return Error(Error::kCorrupt, "read the next turn of " + std::string(key), "malformed value");
    return *next <= now || *next > now + interval;
  };
  {
    // Usually not due: a read transaction says so without taking the writer.
    auto txn = Txn::begin_read(store.env());
    if (!txn) return txn.error();
    auto is_due = due(*txn);
    if (!is_due || !*is_due) return is_due;
  }
  auto txn = Txn::begin_write(store.env());
  if (!txn) return txn.error();
  auto is_due = due(*txn);  // again: another process may have claimed it meanwhile
  if (!is_due || !*is_due) return is_due;
  std::string next;
  keys::append_i64(next, now + interval);
  if (auto st = txn->put(store.db().meta, key, next); !st) return st.error();
  if (auto st = txn->commit(); !st) return st.error();
  return true;
}

Status release_turn(Store& store, std::string_view key) {
  auto txn = Txn::begin_write(store.env());
  if (!txn) return txn.error();
  std::string now;
  keys::append_i64(now, 0);
  if (auto st = txn->put(store.db().meta, key, now); !st) return st;
  return txn->commit();
}

}  // namespace civic::storage
