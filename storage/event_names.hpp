// The name index of sort=name: the name keys every live event stores (the
// ICU collation key of its name per language, calendar/query/name_key.hpp),
// in order, so that the JSON list's first page by name reads its own events
// and nothing else. Per language and signature, a list in chunks
// (storage/chunked_list.hpp) of (key, event number), and its length:
//
//   event_names   cal lang \0 signature                   -> u64: the entries under it
//                 cal lang \0 signature \1 key \0 number  -> the chunk's other entries
//
// An entry after a chunk's first is written against the one before: the
// length of the key they share, the rest of its key, the number (names in
// order share much: about 15 bytes an entry). A key is indexed up to
// kIndexedNameKeyBytes (and up to a NUL, which ICU keys do not hold); names
// whose indexed keys are the same are put in order by their whole keys, then
// by id, when read (calendar/query/select.cpp).
//
// `signature` is the low half of the name key rendition's signature (it
// changes with the calendar's languages): a query uses the index only when
// the entries under its signature are as many as the calendar's live events.
#pragma once

#include <compare>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "storage/lmdb.hpp"
#include "storage/record_codec.hpp"
#include "storage/store.hpp"

namespace civic::storage::events {

inline constexpr std::size_t kIndexedNameKeyBytes = 160;

// A name key an event stores.
struct NameEntry {
  std::string lang;
  std::uint32_t signature = 0;
  std::string key;
  auto operator<=>(const NameEntry&) const = default;
};

// An entry of a language's list: the key as indexed, and the event's number.
struct NameItem {
  std::string key;
  std::uint32_t number = 0;
  auto operator<=>(const NameItem&) const = default;
};

NameItem name_item(const NameEntry& entry, std::uint32_t number);

// How entries are stored (the Codec of storage/chunked_list.hpp).
struct NameCodec {
  using Item = NameItem;
  static constexpr std::size_t kMaxItems = 128;
  static void append_key(std::string& key, const NameItem& item);
  static std::optional<NameItem> read_key(std::string_view rest);
  static void write_next(RecordWriter& w, const NameItem& before, const NameItem& item);
  static bool read_next(RecordReader& r, const NameItem& before, NameItem& item);
};

// The key of the count of (lang, signature), and the prefix of its list.
std::string name_count_key(std::string_view cal, std::string_view lang, std::uint32_t signature);
std::string name_list_prefix(std::string_view cal, std::string_view lang, std::uint32_t signature);

// How many entries the index holds for (lang, signature).
Result<std::uint64_t> count_names(const Txn& txn, const Databases& db, std::string_view cal, std::string_view lang,
                                  std::uint32_t signature);
// Adds `delta` to it.
Status add_to_name_count(Txn& txn, const Databases& db, std::string_view cal, std::string_view lang,
                         std::uint32_t signature, std::int64_t delta);

// The entries under (lang, signature) by key as indexed, then number; fn
// returns false to stop. `steps` counts the entries read.
Status walk_names(const Txn& txn, const Databases& db, std::string_view cal, std::string_view lang,
                  std::uint32_t signature, std::size_t& steps, const std::function<bool(const NameItem&)>& fn);

// An entry of event_names, decoded (for `civicctl verify`): a count, or a
// chunk of a list.
struct NameIndexEntry {
  std::string_view cal, lang;
  std::uint32_t signature = 0;
  bool counter = false;
  std::uint64_t count = 0;
  std::vector<NameItem> items;
};
bool decode_name_entry(std::string_view key, std::string_view value, NameIndexEntry& out);

}  // namespace civic::storage::events
