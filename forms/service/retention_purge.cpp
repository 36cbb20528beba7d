#include "forms/service/retention_purge.hpp"

#include <algorithm>

#include "storage/drafts.hpp"
#include "storage/retention.hpp"

namespace civic::forms {

std::vector<FormRetention> forms_to_purge(const Forms& configured, std::span<const storage::FormDefinition> retired) {
  std::vector<FormRetention> out;
  for (std::string_view name : configured.names()) {
    const Form* f = configured.find(name);
    // A multi-step form without a retention is there for its drafts' expiry
    // (purge_forms purges the drafts of every form; its submissions are kept).
    if (f != nullptr && (f->retention_seconds > 0 || f->multi_step())) out.push_back({f->name, f->retention_seconds});
  }
  for (const auto& r : retired)
    if (r.retention_seconds > 0) out.push_back({r.name, r.retention_seconds});
  return out;
}

std::vector<FormRetention> forms_to_purge(std::span<const storage::FormDefinition> recorded) {
  std::vector<FormRetention> out;
  for (const auto& r : recorded) out.push_back({r.name, r.retention_seconds});
  return out;
}

std::int64_t purge_interval(std::span<const FormRetention> forms) {
  std::int64_t shortest = 0;
  for (const auto& f : forms)
    if (f.retention_seconds > 0) shortest = shortest == 0 ? f.retention_seconds : std::min(shortest, f.retention_seconds);
  if (shortest == 0) return 60;  // only drafts to expire: a minute late is fine
  return std::clamp<std::int64_t>(shortest / 4, 1, 60);
}

namespace {

// Drafts one round removes at most (one write transaction; the rest wait
// for the next round, as a flood of expired drafts must not hold the writer).
constexpr std::size_t kDraftsPerRound = 1000;

Result<std::uint64_t> purge_expired_drafts(storage::Store& store, std::int64_t now) {
  auto txn = storage::Txn::begin_write(store.env());
  if (!txn) return txn.error();
  auto removed = storage::drafts::purge_expired(*txn, store.db(), now, kDraftsPerRound);
  if (!removed) return removed.error();
  if (*removed == 0) {
    txn->abort();
    return std::uint64_t{0};
  }
  if (auto st = txn->commit(); !st) return st.error();
  return std::uint64_t{*removed};
}

Result<std::uint64_t> count_expired(storage::Store& store, std::string_view form, std::int64_t cutoff) {
  auto txn = storage::Txn::begin_read(store.env());
  if (!txn) return txn.error();
  return storage::count_expired(*txn, store.db(), form, cutoff);
}

}  // namespace

PurgeReport purge_forms(storage::Store& store, std::span<const FormRetention> forms, std::int64_t now, bool dry_run) {
  PurgeReport report;
  for (const auto& f : forms) {
    FormPurged done{f.name, f.retention_seconds, 0};
    if (f.retention_seconds > 0) {
      std::int64_t cutoff = now - f.retention_seconds;
      Result<std::uint64_t> removed = std::uint64_t{0};
      if (dry_run) {
        removed = count_expired(store, f.name, cutoff);
      } else if (auto purged = storage::purge_expired(store, f.name, cutoff, now)) {
        removed = purged->removed;
      } else {
        removed = purged.error();
      }
      if (!removed) {
        report.error = removed.error();
        report.failed_form = f.name;
        return report;
      }
      done.removed = *removed;
    }
    report.removed += done.removed;
    report.forms.push_back(std::move(done));
  }
  // Expired drafts, of every form at once (one index of expiry times).
  if (!dry_run) {
    auto drafts = purge_expired_drafts(store, now);
    if (!drafts) {
      report.error = drafts.error();
      return report;
    }
    report.drafts_removed = *drafts;
  }
  return report;
}

std::optional<PurgeReport> purge_if_due(storage::Store& store, std::span<const FormRetention> forms, std::int64_t now,
                                        std::int64_t interval) {
  auto turn = storage::claim_purge_turn(store, now, interval);
  if (!turn) {
    PurgeReport failed;
    failed.error = turn.error();
    return failed;
  }
  if (!*turn) return std::nullopt;  // another process has it
  return purge_forms(store, forms, now);
}

std::string PurgeReport::problem() const {
  if (!error) return {};
  return (failed_form.empty() ? "" : "form \"" + failed_form + "\": ") + error->message();
}

}  // namespace civic::forms
