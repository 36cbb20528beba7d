// Bringing a store written by an earlier civic to this schema version, on
// the first open that may write (nginx's start, any civicctl command that
// writes). Each step runs in transactions of bounded size, so a large
// store needs no more free map than a thousand records take; a step that
// stops half way (a kill, a full map) is taken up again by the next open,
// and the schema version is written last.
//
//   1 -> 2   event records in format 3 (issue 17): every calendar of at
//            least kTrainAt events gets a dictionary and its texts packed.
//   2 -> 3   the word and name indexes (issue 17): every live event gets
//            its number and its entries; one that has a number has them.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "common/result.hpp"
#include "storage/lmdb.hpp"
#include "storage/event_store.hpp"
#include "storage/store.hpp"

namespace civic::storage {

Status upgrade_store(Env& env, const Databases& db, std::uint32_t from_version);

// An event record as schema 1 stored it (format 2); nullopt if damaged.
std::optional<EventRecord> read_format2(std::string_view id, std::string_view value);

}  // namespace civic::storage
