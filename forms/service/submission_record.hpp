// A submission's trip to the store: the record an accepted intake becomes
// (storage::NewSubmission, its files numbered per field), and what the
// group commit made of it.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "forms/form.hpp"
#include "common/result.hpp"
#include "forms/intake.hpp"
#include "storage/submission_store.hpp"

namespace civic::forms {

// The record of an accepted `intake` of `form`, sent in `lang`. Its data,
// replay keys and files are moved out of `intake`; what the citizen sent
// (intake.input) stays, to show the form again if the commit fails. A file's
// index is its place among the files of its field (0, 1, ...), as the admin
// API names it (?index=).
//
// A form with `seal` (docs/sealing.md): the data and each file are sealed
// for its key (sealing/sealed_record.hpp), their plaintext wiped, and an
// Idempotency-Key is kept only as its hash. An error only if libsodium
// cannot seal (it was tried with the key when the configuration was read).
Result<storage::NewSubmission> submission_record(const Form& form, std::string_view lang, Intake& intake);

// What became of one submission of a committed batch.
struct CommitResult {
  // over_limit: the form's max_submissions_per_day is reached for today.
  // draft_gone: the draft it finishes was sent already, expired or erased.
  enum class Kind { stored, replayed, over_limit, draft_gone, store_full, failed } kind = Kind::failed;
  std::string receipt;  // stored, replayed
  std::string error;    // store_full, failed: for the log
};

// The result of the `i`th submission of a batch that commit_submissions()
// answered with `batch`.
CommitResult commit_result(const Result<std::vector<storage::CommitOutcome>>& batch, std::size_t i);

}  // namespace civic::forms
