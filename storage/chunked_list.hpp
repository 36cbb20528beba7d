// A sorted list of small items kept in LMDB as chunks under one key prefix,
// for the indexes whose entries are many and alike (storage/event_words.hpp,
// storage/event_names.hpp): a chunk's key is the prefix and its first item;
// its value the number of the other items and each of them written against
// the one before it (Codec::write_next), so that what items share is stored
// once. A chunk holds at most Codec::kMaxItems items and about kMaxBytes.
//
// A Codec gives
//   Item                                  ordered by <, compared by ==
//   void append_key(std::string&, const Item&)   the first item, in the key
//   std::optional<Item> read_key(std::string_view rest)   (nothing after it)
//   void write_next(RecordWriter&, const Item& before, const Item& item)
//   bool read_next(RecordReader&, const Item& before, Item& item)
//   kMaxItems
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "storage/lmdb.hpp"
#include "storage/record_codec.hpp"

namespace civic::storage::chunked {

inline constexpr std::size_t kMaxBytes = 1536;  // a value under LMDB's largest in a leaf page

template <class Codec>
struct Change {
  typename Codec::Item item;
  bool add = false;
};

// Appends the items of a chunk (the rest of its key after the prefix, and
// its value) to `out`; false if malformed or out of order.
template <class Codec>
bool read_chunk(std::string_view key_rest, std::string_view value, std::vector<typename Codec::Item>& out) {
  auto first = Codec::read_key(key_rest);
  if (!first) return false;
  RecordReader r(value);
  std::uint64_t more = r.varint();
  if (!r.ok() || more >= Codec::kMaxItems || more > value.size()) return false;
  out.push_back(*first);
  for (std::uint64_t i = 0; i < more; ++i) {
    typename Codec::Item next;
    if (!Codec::read_next(r, out.back(), next) || !(out.back() < next)) return false;
    out.push_back(std::move(next));
  }
  return r.at_end();
}

namespace detail {

template <class Codec>
struct Loaded {
  std::optional<std::string> key;  // none: the list has no chunk yet
  std::vector<typename Codec::Item> items;
  std::optional<typename Codec::Item> next_first;  // the first item of the chunk after it
};

inline Error damaged() {
  return Error(Error::kCorrupt, "change an index", "an entry does not decode; `civicctl verify` reports it");
}

// The chunk `item` belongs in: the last whose first is at or before it, or
// the first if it comes before them all. Copies: a put moves the map.
template <class Codec>
Result<Loaded<Codec>> load(const Txn& txn, Db d, const std::string& prefix, const typename Codec::Item& item) {
  Loaded<Codec> out;
  auto cursor = Cursor::open(txn, d);
  if (!cursor) return cursor.error();
  std::string probe = prefix;
  Codec::append_key(probe, item);
  probe.push_back('\0');  // past the key of the item itself
  auto at = cursor->seek_before(probe);
  if (!at) return at.error();
  if (!at.value() || !at.value()->key.starts_with(prefix)) {
    at = cursor->seek(prefix);
    if (!at) return at.error();
    if (!at.value() || !at.value()->key.starts_with(prefix)) return out;
  }
  if (!read_chunk<Codec>(at.value()->key.substr(prefix.size()), at.value()->value, out.items)) return damaged();
  out.key = std::string(at.value()->key);
  auto next = cursor->next();
  if (!next) return next.error();
  if (next.value() && next.value()->key.starts_with(prefix)) {
    out.next_first = Codec::read_key(next.value()->key.substr(prefix.size()));
    if (!out.next_first) return damaged();
  }
  return out;
}

// Writes `items` in place of the chunk at `old_key`, in chunks of at most
// kMaxItems and about kMaxBytes (full ones first).
template <class Codec>
Status store(Txn& txn, Db d, const std::string& prefix, const std::optional<std::string>& old_key,
             const std::vector<typename Codec::Item>& items) {
  if (old_key)
    if (auto del = txn.del(d, *old_key); !del) return del.error();
  std::size_t from = 0;
  while (from < items.size()) {
    RecordWriter rest;
    std::size_t to = from + 1;
    while (to < items.size() && to - from < Codec::kMaxItems && rest.data().size() < kMaxBytes) {
      Codec::write_next(rest, items[to - 1], items[to]);
      ++to;
    }
    RecordWriter value;
    value.varint(to - from - 1);
    value.data().append(rest.data());
    std::string key = prefix;
    Codec::append_key(key, items[from]);
    if (auto st = txn.put(d, key, value.data()); !st) return st;
    from = to;
  }
  return {};
}

}  // namespace detail

// Applies `changes` (sorted by item, one each) to the list under `prefix`:
// an item added that is there, or removed that is not, changes nothing.
// Returns how many items the list gained (less those it lost).
template <class Codec>
Result<std::int64_t> apply(Txn& txn, Db d, const std::string& prefix, const std::vector<Change<Codec>>& changes) {
  std::int64_t gained = 0;
  std::size_t i = 0;
  while (i < changes.size()) {
    auto chunk = detail::load<Codec>(txn, d, prefix, changes[i].item);
    if (!chunk) return chunk.error();
    // Every change before the next chunk's first item goes into this one.
    std::vector<typename Codec::Item> merged;
    merged.reserve(chunk->items.size() + 8);
    auto old = chunk->items.begin();
    bool changed = false;
    for (; i < changes.size() && (!chunk->next_first || changes[i].item < *chunk->next_first); ++i) {
      const auto& c = changes[i];
      while (old != chunk->items.end() && *old < c.item) merged.push_back(*old++);
      bool present = old != chunk->items.end() && *old == c.item;
      if (present) ++old;
      if (c.add) merged.push_back(c.item);
      if (present != c.add) {
        changed = true;
        gained += c.add ? 1 : -1;
      }
    }
    if (!changed) continue;
    merged.insert(merged.end(), old, chunk->items.end());
    if (auto st = detail::store<Codec>(txn, d, prefix, chunk->key, merged); !st) return st.error();
  }
  return gained;
}

// Sorts changes made in order by item, keeping the last change of each.
template <class Codec>
void settle(std::vector<Change<Codec>>& changes) {
  std::stable_sort(changes.begin(), changes.end(),
                   [](const Change<Codec>& a, const Change<Codec>& b) { return a.item < b.item; });
  std::size_t kept = 0;
  for (std::size_t i = 0; i < changes.size(); ++i) {
    if (i + 1 < changes.size() && changes[i + 1].item == changes[i].item) continue;
    if (kept != i) changes[kept] = std::move(changes[i]);
    ++kept;
  }
  changes.resize(kept);
}

}  // namespace civic::storage::chunked
