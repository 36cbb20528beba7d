#include "storage/event_index.hpp"

#include <algorithm>
#include <limits>

#include "common/hash.hpp"
#include "storage/event_keys.hpp"

namespace civic::storage::events {

using namespace event_keys;

namespace {

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();

Error damaged(std::string_view what, std::string_view cal) {
  return Error(Error::kCorrupt, "read " + std::string(what) + " of calendar " + std::string(cal),
               "the stored index is damaged");
}

// Walks the entries of `prefix` in `db` from `from` upwards (or, in
// reverse, from the last entry of `prefix` downwards); fn(entry) returns
// false to stop.
template <class Fn>
Status walk(const Txn& txn, Db db, const std::string& prefix, const std::string& from, bool reverse, Fn&& fn) {
  auto cursor = Cursor::open(txn, db);
  if (!cursor) return cursor.error();
  auto pos = reverse ? cursor->seek_before(keys::prefix_end(prefix)) : cursor->seek(from);
  for (;; pos = reverse ? cursor->prev() : cursor->next()) {
    if (!pos) return pos.error();
    if (!pos.value() || !pos.value()->key.starts_with(prefix)) return {};
    if (!fn(*pos.value())) return {};
  }
}

// The flags byte after the end in an event_time or event_long value.
bool series_flag(std::string_view rest_of_value) {
  return !rest_of_value.empty() && (static_cast<std::uint8_t>(rest_of_value[0]) & kSeriesOccurrence);
}

}  // namespace

std::uint64_t id_hash(std::string_view id) { return fnv1a64(id); }

Result<OccurrenceWindow> occurrences_overlapping(const Txn& txn, const Databases& db, std::string_view cal,
                                                 std::int64_t qs, std::int64_t qe, std::size_t budget) {
  OccurrenceWindow result;
  auto& found = result.occurrences;
  std::size_t steps = 0;
  const std::string prefix = cal_prefix(cal);

  bool bad = false;
  auto within_budget = [&] { return ++steps <= budget; };
  // Short and long occurrences by start, from kShortSpan before the window.
  const std::int64_t found_above = qs > kMin + kShortSpan ? qs - kShortSpan : kMin;
  std::string from = prefix;
  keys::append_i64(from, found_above);
  auto st = walk(txn, db.event_time, prefix, from, false, [&](const Entry& e) {
    if (!within_budget()) return false;
    std::string_view rest = e.key.substr(prefix.size()), value = e.value;
    auto start = keys::take_i64(rest);
    auto id = keys::take_name(rest);
    auto end = keys::take_i64(value);
    if (!start || !id || !end) return !(bad = true);
    if (*start >= qe) return false;
    if (*end > qs) found.push_back(IndexedOccurrence{*id, *start, *end, series_flag(value)});
    return true;
  });
  if (!st) return st.error();
  if (bad) return damaged("time index", cal);
  // Long occurrences that began earlier: under the weeks of the window. Those
  // that began within kShortSpan of it were found above already.
  const std::int64_t last_week = qe == kMax ? kMax : week_of(qe - 1);
  from = prefix;
  keys::append_i64(from, week_of(qs));
  if (steps <= budget)
    st = walk(txn, db.event_long, prefix, from, false, [&](const Entry& e) {
      if (!within_budget()) return false;
      std::string_view rest = e.key.substr(prefix.size()), value = e.value;
      auto week = keys::take_i64(rest);
      auto id = keys::take_name(rest);
      auto start = keys::take_i64(rest);
      auto end = keys::take_i64(value);
      if (!week || !id || !start || !end) return !(bad = true);
      if (*week > last_week) return false;
      if (*start < found_above && *end > qs) found.push_back(IndexedOccurrence{*id, *start, *end, series_flag(value)});
      return true;
    });
  if (!st) return st.error();
  if (bad) return damaged("long-event index", cal);
  if (steps > budget) {
    result.over_budget = true;
    return result;
  }
  // A long occurrence sits under every week it touches.
  for (auto& o : found) o.hash = id_hash(o.id);
  std::sort(found.begin(), found.end(), [](const IndexedOccurrence& a, const IndexedOccurrence& b) {
    if (a.hash != b.hash) return a.hash < b.hash;
    if (int c = a.id.compare(b.id); c != 0) return c < 0;
    return a.start < b.start;
  });
  found.erase(std::unique(found.begin(), found.end(),
                          [](const IndexedOccurrence& a, const IndexedOccurrence& b) {
                            return a.id == b.id && a.start == b.start;
                          }),
              found.end());
  // Series that go on past what was materialized.
  st = for_each_with_prefix(txn, db.event_series, prefix, [&](const Entry& e) {
    std::string_view rest = e.key.substr(prefix.size());
    std::string_view value = e.value;
    auto id = keys::take_name(rest);
    auto resume = keys::take_i64(value);
    if (id && resume && *resume < qe) result.partial.push_back(PartialSeries{*id, *resume});
    return ++steps <= budget;
  });
  if (!st) return st.error();
  if (steps > budget) result.over_budget = true;
  return result;
}

Status walk_first_occurrences(const Txn& txn, const Databases& db, std::string_view cal, bool reverse,
                              std::size_t& steps, const std::function<bool(const IndexedOccurrence&)>& fn) {
  const std::string prefix = cal_prefix(cal);
  bool bad = false;
  auto st = walk(txn, db.event_time, prefix, prefix, reverse, [&](const Entry& e) {
    ++steps;
    std::string_view rest = e.key.substr(prefix.size());
    std::string_view value = e.value;
    auto start = keys::take_i64(rest);
    auto id = keys::take_name(rest);
    auto end = keys::take_i64(value);
    if (!start || !id || !end || value.size() != 1) {
      bad = true;
      return false;
    }
    if (!(static_cast<std::uint8_t>(value[0]) & kFirstOccurrence)) return true;
    return fn(IndexedOccurrence{*id, *start, *end, series_flag(value)});
  });
  if (!st) return st;
  if (bad) return damaged("time index", cal);
  return {};
}

Status walk_modified(const Txn& txn, const Databases& db, std::string_view cal, std::int64_t since_us, bool reverse,
                     std::size_t& steps, const std::function<bool(const Modification&)>& fn) {
  const std::string prefix = cal_prefix(cal);
  auto cursor = Cursor::open(txn, db.event_modified);
  if (!cursor) return cursor.error();
  std::string from = prefix;
  keys::append_i64(from, since_us);
  auto pos = reverse ? cursor->seek_before(keys::prefix_end(prefix)) : cursor->seek(from);
  for (;; pos = reverse ? cursor->prev() : cursor->next()) {
    if (!pos) return pos.error();
    if (!pos.value() || !pos.value()->key.starts_with(prefix)) return {};
    ++steps;
    std::string_view rest = pos.value()->key.substr(prefix.size());
    auto when = keys::take_i64(rest);
    auto id = keys::take_name(rest);
    if (!when || !id) return damaged("modification index", cal);
    if (*when < since_us) return {};  // walking down: past since
    // Tombstones are few and keyed alike: one look-up tells.
    auto tomb = txn.get(db.event_tombstones, pos.value()->key);
    if (!tomb) return tomb.error();
    if (!fn(Modification{*id, *when, tomb.value().has_value()})) return {};
  }
}

Result<std::uint64_t> count_modified_since(const Txn& txn, const Databases& db, std::string_view cal,
                                           std::int64_t since_us, bool tombstones) {
  const std::string prefix = cal_prefix(cal);
  std::string from = prefix;
  keys::append_i64(from, since_us);
  std::uint64_t modified = 0;
  std::uint64_t deleted = 0;
  for (Db index : {db.event_modified, db.event_tombstones}) {
    auto cursor = Cursor::open(txn, index);
    if (!cursor) return cursor.error();
    std::uint64_t& n = index.dbi == db.event_modified.dbi ? modified : deleted;
    for (auto pos = cursor->seek(from);; pos = cursor->next()) {
      if (!pos) return pos.error();
      if (!pos.value() || !pos.value()->key.starts_with(prefix)) break;
      ++n;
    }
  }
  return tombstones ? modified : modified - std::min(modified, deleted);
}

Status for_each_tombstone(const Txn& txn, const Databases& db, std::string_view cal,
                          const std::function<bool(const EventView&)>& fn) {
  const std::string prefix = cal_prefix(cal);
  std::vector<std::string> ids;
  bool bad = false;
  auto st = for_each_with_prefix(txn, db.event_tombstones, prefix, [&](const Entry& e) {
    std::string_view rest = e.key.substr(prefix.size());
    auto when = keys::take_i64(rest);
    auto id = keys::take_name(rest);
    if (!when || !id) {
      bad = true;
      return false;
    }
    ids.emplace_back(*id);
    return true;
  });
  if (!st) return st;
  if (bad) return damaged("tombstone index", cal);
  for (const auto& id : ids) {
    auto v = get(txn, db, cal, id);
    if (!v) return v.error();
    if (!v.value() || !v.value()->deleted()) continue;
    if (!fn(**v)) return {};
  }
  return {};
}

}  // namespace civic::storage::events
