#include "forms/service/store_status.hpp"

#include <vector>

#include "forms/service/form_definition.hpp"
#include "storage/status.hpp"

namespace civic::forms {

Result<storage::StoreStatus> collect_store_status(storage::Store& store, std::span<const std::string_view> calendars,
                                                  const Forms& configured, std::int64_t now) {
  std::vector<storage::FormToReport> forms;
  for (std::string_view name : configured.names()) {
    const Form* form = configured.find(name);
    std::vector<storage::TargetToReport> targets;
    for (const Delivery& d : form->deliveries) targets.push_back({d.target_id(), d.describe()});
    forms.push_back({name, form->retention_seconds, form->max_submissions_per_day, false, std::move(targets),
                     form->seal ? form->seal->id : std::string()});
  }
  // Forms no longer configured, with their stored submissions.
  std::vector<storage::FormDefinition> retired = retired_forms(store);
  for (const auto& f : retired) forms.push_back({f.name, f.retention_seconds, 0, true, {}});
  return storage::collect_status(store, calendars, forms, now);
}

Reply store_status(storage::Store& store, std::span<const std::string_view> calendars, const Forms& configured,
                   std::int64_t now, long pid) {
  auto collected = collect_store_status(store, calendars, configured, now);
  if (!collected) return internal_error("status", collected.error().message());
  return json_reply(200, storage::render_status_json(*collected, pid));
}

}  // namespace civic::forms
