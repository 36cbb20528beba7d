#include "forms/service/retention_purge.hpp"

#include <algorithm>

#include "storage/retention.hpp"

namespace civic::forms {

std::vector<FormRetention> forms_to_purge(const Forms& configured, std::span<const storage::FormDefinition> retired) {
  std::vector<FormRetention> out;
  for (std::string_view name : configured.names()) {
    const Form* f = configured.find(name);
    if (f != nullptr && f->retention_seconds > 0) out.push_back({f->name, f->retention_seconds});
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
  return std::clamp<std::int64_t>(shortest / 4, 1, 60);
}

namespace {

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
