// The compression dictionaries of a calendar's event records (see
// storage/text_dictionary.hpp):
//
//   event_dicts   cal seq   -> the dictionary's bytes
//
// A calendar gets its first dictionary when it reaches kTrainAt events
// (trained on them; they are packed with it in the same transaction), and
// every later record is packed with its latest one. A record names its
// dictionary by sequence number and hash; dictionaries are never removed
// while the calendar has records, so every record can always be read.
#pragma once

#include <cstdint>
#include <string_view>

#include "common/result.hpp"
#include "storage/lmdb.hpp"
#include "storage/store.hpp"
#include "storage/text_dictionary.hpp"

namespace civic::storage {

// A calendar is given a dictionary when its events (tombstones included)
// reach a multiple of this and it has none; trained on up to this many.
inline constexpr std::uint64_t kTrainAt = 1000;

// What a record names its dictionary by; {0, 0}: its texts are plain.
struct DictionaryRef {
  std::uint32_t seq = 0;
  std::uint64_t hash = 0;
  bool empty() const noexcept { return seq == 0; }
};

struct CalendarDictionary {
  DictionaryRef ref;
  const TextDictionary* dictionary = nullptr;  // loaded for the process; null with an empty ref
};

namespace event_dictionaries {

// The dictionary new records of `cal` are packed with ({}: none yet).
Result<CalendarDictionary> latest(const Txn& txn, const Databases& db, std::string_view cal);

// The dictionary a record names; an error if the store has no such
// dictionary or another one under that number (a damaged store).
Result<const TextDictionary*> find(const Txn& txn, const Databases& db, std::string_view cal, DictionaryRef ref);

// Whether the store itself holds the dictionary `ref` names (find may
// answer from the process's cache): for civicctl verify.
Status check_stored(const Txn& txn, const Databases& db, std::string_view cal, DictionaryRef ref);

// Keeps `bytes` as the calendar's latest dictionary.
Result<CalendarDictionary> add(Txn& txn, const Databases& db, std::string_view cal, std::string bytes);

// How many dictionaries the calendar has (civicctl stat, tests).
Result<std::size_t> count(const Txn& txn, const Databases& db, std::string_view cal);

}  // namespace event_dictionaries

}  // namespace civic::storage
