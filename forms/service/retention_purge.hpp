// The retention purge as a use case: which forms it covers, how often it
// runs, and the run itself, for nginx's timer (module/retention_timer.cpp)
// and for `civicctl purge` alike (storage/retention.hpp does the removing).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "forms/forms.hpp"
#include "storage/form_definitions.hpp"
#include "common/result.hpp"
#include "storage/store.hpp"

namespace civic::forms {

struct FormRetention {
  std::string name;
  std::int64_t retention_seconds = 0;  // 0: kept until erased
};

// What nginx purges: the configured forms with a retention, then the forms
// no longer configured by their last retention.
std::vector<FormRetention> forms_to_purge(const Forms& configured, std::span<const storage::FormDefinition> retired);

// What civicctl purges: every form the store recorded, by its recorded retention.
std::vector<FormRetention> forms_to_purge(std::span<const storage::FormDefinition> recorded);

// Seconds between two runs: a quarter of the shortest retention, at least
// 1 s and at most 60 s, so that nothing outlives its retention by much.
std::int64_t purge_interval(std::span<const FormRetention> forms);

struct FormPurged {
  std::string name;
  std::int64_t retention_seconds = 0;  // 0: skipped, kept until erased
  std::uint64_t removed = 0;           // (dry run: would be)
};

struct PurgeReport {
  std::vector<FormPurged> forms;  // those done, in order, up to a failure
  std::uint64_t removed = 0;
  std::uint64_t drafts_removed = 0;  // expired drafts (storage/drafts.hpp), not in a dry run
  std::optional<Error> error;  // the run stopped at form `failed_form`
  std::string failed_form;

  // What stopped the run, for a log or a terminal: "" if nothing did.
  std::string problem() const;
};

// Removes (a dry run: counts) each form's submissions older than its
// retention at `now`; then (not in a dry run) expired drafts of every form,
// a bounded number per run.
PurgeReport purge_forms(storage::Store& store, std::span<const FormRetention> forms, std::int64_t now,
                        bool dry_run = false);

// nginx's run: purges if this process has the turn (one process per
// interval); nullopt if another has it.
std::optional<PurgeReport> purge_if_due(storage::Store& store, std::span<const FormRetention> forms, std::int64_t now,
                                        std::int64_t interval);

}  // namespace civic::forms
