#include "forms/service/submission_record.hpp"

#include <algorithm>
#include <cstdint>
#include <utility>

#include <sodium.h>

#include "common/hex.hpp"
#include "sealing/envelope.hpp"
#include "sealing/sealed_record.hpp"
#include "sealing/sodium_text.hpp"

namespace civic::forms {

namespace {

// "K:" + the hash of the key: a client's Idempotency-Key may say anything.
std::string hashed_replay_key(std::string_view key) {
  if (!key.starts_with("K:")) return std::string(key);
  unsigned char hash[crypto_generichash_BYTES];
  crypto_generichash(hash, sizeof hash, reinterpret_cast<const unsigned char*>(key.data()), key.size(), nullptr, 0);
  return "K#" + to_hex(std::string_view(reinterpret_cast<const char*>(hash), sizeof hash));
}

// The sealed form of `s`: its files and data sealed for `key`, what they
// were wiped.
Status seal_record(const sealing::PublicKey& key, storage::NewSubmission& s) {
  sealing::SealedMember member;
  member.key_id = key.id;
  for (storage::NewSubmission::File& f : s.files) {
    auto envelope = sealing::seal(f.content, key);
    sealing::wipe(f.content);
    if (!envelope) return envelope.error();
    f.content = std::move(*envelope);
    member.files.push_back({f.field, f.index, f.content.size()});
  }
  auto data = sealing::seal(s.data_json, key);
  sealing::wipe(s.data_json);
  if (!data) return data.error();
  member.data = std::move(*data);
  s.data_json = sealing::sealed_member_json(member);
  s.sealed = true;
  for (std::string& k : s.replay_keys) k = hashed_replay_key(k);
  return {};
}

}  // namespace

Result<storage::NewSubmission> submission_record(const Form& form, std::string_view lang, Intake& intake) {
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
  if (!form.seal) return s;
  // The confirmation's address cannot come from the sealed data: it waits
  // in its outbox entry, until the message is sent.
  for (const Delivery& d : form.deliveries) {
    if (d.kind != DeliveryKind::confirmation) continue;
    for (const CleanValue& v : intake.validated.values) {
      if (v.field->name == d.field && !v.values.empty()) {
        s.confirmation_target = d.target_id();
        s.confirmation_address = v.values.front();
      }
    }
  }
  if (Status sealed = seal_record(*form.seal, s); !sealed) return sealed.error();
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
