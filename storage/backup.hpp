// `civicctl backup DEST`: a consistent, compacted copy of a store that nginx
// may be serving from. LMDB copies one read transaction's snapshot
// (mdb_env_copyfd2 with MDB_CP_COMPACT): only the pages in use, renumbered,
// without free pages, so that it holds nothing that was erased or purged.
//
// The copy is written into a hidden directory next to DEST, made durable
// (fsync) and then renamed to DEST, so that an interrupted copy or a full
// disk never leaves something at DEST that looks like a store; a failed copy
// is removed.
#pragma once

#include <cstdint>
#include <string>

#include "common/result.hpp"
#include "storage/store.hpp"

namespace civic::storage {

struct BackupResult {
  std::string path;       // DEST
  std::uint64_t bytes = 0;  // of DEST/data.mdb
};

// DEST must not exist, or be an empty directory; its parent must exist.
Result<BackupResult> backup_store(Store& store, const std::string& dest);

}  // namespace civic::storage
