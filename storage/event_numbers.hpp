// Every event of a calendar has a number, given on its first write and kept
// until its tombstone is purged, so that the word index (storage/event_words.hpp)
// can name events in four bytes where an id takes tens.
//
//   event_numbers   cal id          -> u32 number
//   event_ids       cal u32 number  -> id
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "common/result.hpp"
#include "storage/lmdb.hpp"
#include "storage/store.hpp"

namespace civic::storage::events {

Result<std::optional<std::uint32_t>> number_of(const Txn& txn, const Databases& db, std::string_view cal,
                                               std::string_view id);

// The event's number; one past the calendar's highest if it has none yet.
Result<std::uint32_t> give_number(Txn& txn, const Databases& db, std::string_view cal, std::string_view id);

// The id of event `number` (a view of the map); nullopt if no event has it.
Result<std::optional<std::string_view>> id_of_number(const Txn& txn, const Databases& db, std::string_view cal,
                                                     std::uint32_t number);

// Forgets the event's number (its tombstone is purged).
Status forget_number(Txn& txn, const Databases& db, std::string_view cal, std::string_view id);

}  // namespace civic::storage::events
