// What a write of events did: each event created, updated or unchanged, and
// the counts an import answers with; a replacement (WriteMode::replace) also
// counts the events it deleted, those the new set does not hold.
#pragma once

#include <cstddef>

namespace civic::calendar {

enum class Upserted { created, updated, unchanged };

// An import adds and updates the events it holds (upsert), or makes them
// the calendar's whole set (replace): a live event it does not hold is
// deleted (a tombstone, which syncing clients see).
enum class WriteMode { upsert, replace };

struct WriteCounts {
  std::size_t created = 0;
  std::size_t updated = 0;
  std::size_t unchanged = 0;
  std::size_t deleted = 0;
  WriteMode mode = WriteMode::upsert;  // "deleted" is answered for a replace, or when some were
};

}  // namespace civic::calendar
