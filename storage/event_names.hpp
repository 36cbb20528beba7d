// The name index of sort=name: the name keys every live event stores (the
// ICU collation key of its name per language, calendar/query/name_key.hpp),
// in order, so that the JSON list's first page by name reads its own events
// and nothing else.
//
//   event_names   cal lang \0 signature key \0 number  -> ""
//                 cal lang \0 signature                -> u64: the entries under it
//
// (number: the event's, storage/event_numbers.hpp; events whose keys are
// the same are put in order by id when read.)
//
// A key is indexed up to kIndexedNameKeyBytes: names whose keys share those
// are put in order by their whole keys when read (calendar/query/select.cpp).
// An entry longer than LMDB's keys allow is left out (its count then falls
// short, and sort=name reads every event).
//
// `signature` is the low half of the name key rendition's signature (it
// changes with the calendar's languages): a query uses the index only when
// the entries under its signature are as many as the calendar's live events.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "storage/lmdb.hpp"
#include "storage/store.hpp"

namespace civic::storage::events {

inline constexpr std::size_t kIndexedNameKeyBytes = 160;

struct NameEntry {
  std::string lang;
  std::uint32_t signature = 0;
  std::string key;
  auto operator<=>(const NameEntry&) const = default;
};

// Brings the entries of event `number` from `before` to `after` (each sorted).
Status index_names(Txn& txn, const Databases& db, std::string_view cal, std::uint32_t number,
                   const std::vector<NameEntry>& before, const std::vector<NameEntry>& after);

// The key of an entry; nullopt if it is longer than LMDB's keys allow (the
// entry is left out).
std::optional<std::string> name_entry_key(std::string_view cal, const NameEntry& entry, std::uint32_t number);

// How many entries the index holds for (lang, signature).
Result<std::uint64_t> count_names(const Txn& txn, const Databases& db, std::string_view cal, std::string_view lang,
                                  std::uint32_t signature);

// The entries under (lang, signature) by key (as indexed: cut to
// kIndexedNameKeyBytes), then number; fn returns false to stop. `steps`
// counts the entries read.
Status walk_names(const Txn& txn, const Databases& db, std::string_view cal, std::string_view lang,
                  std::uint32_t signature, std::size_t& steps,
                  const std::function<bool(std::string_view key, std::uint32_t number)>& fn);

// An entry of event_names, decoded (for `civicctl verify`): a counter has
// its count and no key or number.
struct NameIndexEntry {
  std::string_view cal, lang, key;
  std::uint32_t signature = 0;
  std::uint32_t number = 0;
  bool counter = false;
  std::uint64_t count = 0;
};
bool decode_name_entry(std::string_view key, std::string_view value, NameIndexEntry& out);

}  // namespace civic::storage::events
