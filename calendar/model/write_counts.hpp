// What a write of events did: each event created, updated or unchanged, and
// the counts an import answers with.
#pragma once

#include <cstddef>

namespace civic::calendar {

enum class Upserted { created, updated, unchanged };

struct WriteCounts {
  std::size_t created = 0;
  std::size_t updated = 0;
  std::size_t unchanged = 0;
};

}  // namespace civic::calendar
