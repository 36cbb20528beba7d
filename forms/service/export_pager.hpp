// An export of a form's stored submissions as a sequence of pages, each
// read in a read transaction (the caller's, or one of its own) and written
// by a SubmissionExport (forms/submission_export.hpp): the admin API streams
// the pages to the client one at a time, civicctl writes them to stdout.
// The cursor is the seq, so a page read in a new transaction neither misses
// nor repeats a submission.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "forms/submission_export.hpp"
#include "storage/lmdb.hpp"
#include "common/result.hpp"
#include "storage/store.hpp"

namespace civic::forms {

// Submissions read from the store at a time, and about how many bytes a page
// holds: one page is in memory at a time.
inline constexpr std::size_t kExportRowsPerRead = 64;
inline constexpr std::size_t kExportPageBytes = 256 * 1024;

class ExportPager {
 public:
  // The submissions of `form` after seq `since`, at most `limit` (none: all).
  ExportPager(std::string form, std::unique_ptr<SubmissionExport> writer, std::uint64_t since = 0,
              std::optional<std::uint64_t> limit = std::nullopt);

  // Appends the next page to `out`: the export's beginning before the first
  // rows, its end after the last (then finished()).
  Status next_page(const storage::Txn& txn, const storage::Databases& db, std::string& out);
  // The same in a read transaction of its own, so that no snapshot is held
  // between pages.
  Status next_page(storage::Store& store, std::string& out);

  bool finished() const noexcept { return finished_; }
  const std::string& form() const noexcept { return form_; }

 private:
  std::string form_;
  std::unique_ptr<SubmissionExport> writer_;
  std::uint64_t after_;
  std::optional<std::uint64_t> remaining_;
  bool began_ = false;
  bool finished_ = false;
};

}  // namespace civic::forms
