#include "forms/service/submission_record.hpp"

#include <algorithm>
#include <cstdint>
#include <utility>

namespace civic::forms {

storage::NewSubmission submission_record(const Form& form, std::string_view lang, Intake& intake) {
  storage::NewSubmission s;
  s.form = form.name;
  s.receipt_prefix = form.receipt_prefix;
  s.language = lang;
  s.data_json = std::move(intake.data_json);
  s.replay_keys = std::move(intake.replay_keys);
  s.replay_expires = intake.replay_expires;
  s.max_per_day = form.max_submissions_per_day;
  // Validation keeps a field's files together, in the order sent.
  for (CleanFile& f : intake.validated.files) {
    bool same_field = !s.files.empty() && s.files.back().field == f.field;
    std::uint32_t index = same_field ? s.files.back().index + 1 : 0;
    s.files.push_back({f.field, index, std::move(f.content)});
  }
  // Every delivery line; the citizen's confirmation only when they gave an address.
  for (const Delivery& d : form.deliveries) {
    bool answered = std::any_of(intake.validated.values.begin(), intake.validated.values.end(),
                                [&](const CleanValue& v) { return v.field->name == d.field && !v.values.empty(); });
    if (d.kind != DeliveryKind::confirmation || answered) s.deliveries.push_back(d.target_id());
  }
  return s;
}

CommitResult commit_result(const Result<std::vector<storage::CommitOutcome>>& batch, std::size_t i) {
  CommitResult result;
  if (!batch) {
    result.kind = batch.error().map_full() ? CommitResult::Kind::store_full : CommitResult::Kind::failed;
    result.error = batch.error().message();
    return result;
  }
  if (i >= batch.value().size()) {
    result.error = "the commit gave no outcome for this submission";
    return result;
  }
  const storage::CommitOutcome& outcome = batch.value()[i];
  result.kind = outcome.replayed     ? CommitResult::Kind::replayed
                : outcome.over_limit ? CommitResult::Kind::over_limit
                : outcome.draft_gone ? CommitResult::Kind::draft_gone
                                     : CommitResult::Kind::stored;
  if (result.kind == CommitResult::Kind::stored || result.kind == CommitResult::Kind::replayed)
    result.receipt = outcome.receipt;
  return result;
}

}  // namespace civic::forms
