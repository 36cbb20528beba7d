// Removing submissions: erasure on request (DELETE, GDPR art. 17) and purging
// by retention (storage/retention.hpp) both go through remove_submission, so
// that both leave nothing of a submission that the API or civicctl could
// read back: the record, its attachments, its receipt index entry and the
// replay records that would answer a repeat with its receipt. The form's
// counter keeps its last seq: receipts are never reused.
//
// LMDB is copy-on-write: the pages that held a removed submission become
// free pages of the file and keep their bytes until they are reused. The
// live pages are scrubbed (small values are overwritten with zeros before
// they are deleted), and a compacted copy (civicctl backup, mdb_env_copy2
// with MDB_CP_COMPACT) holds only live pages: docs/operations.md says how a
// sysadmin uses one to leave nothing behind.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "storage/lmdb.hpp"
#include "common/result.hpp"
#include "storage/store.hpp"

namespace civic::storage {

// Removes submission (form, seq) and everything that belongs to it, in the
// caller's write transaction. False if there was no such submission.
Result<bool> remove_submission(Txn& txn, const Databases& db, std::string_view form, std::uint64_t seq);

// Erases the submission with this receipt in one write transaction and one
// durable commit. False if the form has no such submission.
Result<bool> erase_submission(Store& store, std::string_view form, std::string_view receipt);

}  // namespace civic::storage
