#include "module/form_versions.hpp"

#include <ctime>
#include <exception>
#include <string>

#include "module/form_conf.hpp"
#include "module/module.hpp"
#include "storage/submission_store.hpp"

namespace civic::module {

namespace {

storage::FormDefinition definition_of(const forms::Form& f) {
  storage::FormDefinition def;
  def.name = f.name;
  def.retention_seconds = f.retention_seconds;
  def.receipt_prefix = f.receipt_prefix;
  for (const auto& field : f.fields)
    def.fields.push_back({field.name, std::string(forms::type_name(field.type)), field.many_values(), false});
  return def;
}

// A field an earlier version had, as much of it as the store recorded.
forms::Field field_of(const storage::DefinedField& d) {
  forms::Field f;
  f.name = d.name;
  f.type = forms::parse_type(d.type).value_or(forms::FieldType::text);
  f.multiple = d.many;
  return f;
}

// A form no longer configured, as the store recorded it.
forms::Form form_of(const storage::FormDefinition& def) {
  forms::Form f;
  f.name = def.name;
  f.languages = {"en"};
  f.retention_seconds = def.retention_seconds;
  f.receipt_prefix = def.receipt_prefix;
  for (const auto& d : def.fields) f.fields.push_back(field_of(d));
  return f;
}

const forms::Forms& registry_of(MainConf* mc) {
  static const forms::Forms none;
  return mc->forms ? *mc->forms : none;
}

}  // namespace

ngx_int_t record_form_definitions(ngx_conf_t* cf, MainConf* mc, storage::Store& store) noexcept {
  try {
    std::int64_t now = static_cast<std::int64_t>(::time(nullptr));
    const forms::Forms& registry = registry_of(mc);
    for (std::string_view name : registry.names()) {
      const forms::Form* f = registry.find(name);
      if (f == nullptr) continue;
      if (auto st = storage::record_form_definition(store, definition_of(*f), now); !st) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0, "civic_form \"%s\": %s", f->name.c_str(),
                      st.error().message().c_str());
        return NGX_ERROR;
      }
    }
    auto names = registry.names();
    if (auto st = storage::retire_forms_except(store, names, now); !st) {
      ngx_log_error(NGX_LOG_EMERG, cf->log, 0, "civic_form: %s", st.error().message().c_str());
      return NGX_ERROR;
    }
  } catch (const std::exception& e) {
    ngx_log_error(NGX_LOG_EMERG, cf->log, 0, "civic_form: %s", e.what());
    return NGX_ERROR;
  }
  return NGX_OK;
}

void warn_about_form_changes(ngx_conf_t* cf, MainConf* mc, const storage::Txn& txn,
                             const storage::Databases& db) noexcept {
  try {
    auto stored = storage::list_form_definitions(txn, db);
    if (!stored) return;
    const forms::Forms& registry = registry_of(mc);
    for (const storage::FormDefinition& old : *stored) {
      auto count = storage::submission_count(txn, db, old.name);
      if (!count || *count == 0) continue;  // nothing stored to hide
      const forms::Form* now = registry.find(old.name);
      if (now == nullptr) {
        if (!old.retired)
          ngx_conf_log_error(NGX_LOG_WARN, cf, 0,
                             "civic_form \"%s\" is no longer configured; its %uL stored submissions stay under "
                             "/admin/forms/%s/ as a retired form (readable, exportable, erasable, purged by its last "
                             "retention)",
                             old.name.c_str(), static_cast<uint64_t>(*count), old.name.c_str());
        continue;
      }
      for (const std::string& field : storage::fields_dropped(old, definition_of(*now)))
        ngx_conf_log_error(NGX_LOG_WARN, cf, 0,
                           "civic_form \"%s\": the field \"%s\" is no longer in the form, but %uL stored submissions "
                           "may hold it: it stays in the exports and the API as a retired field (renamed? the old "
                           "values keep the old name)",
                           old.name.c_str(), field.c_str(), static_cast<uint64_t>(*count));
    }
  } catch (const std::exception&) {
    // Warnings only: nothing to stop the configuration for.
  }
}

std::vector<storage::FormDefinition> retired_forms(storage::Store& store) {
  std::vector<storage::FormDefinition> out;
  auto txn = storage::Txn::begin_read(store.env());
  if (!txn) return out;
  auto all = storage::list_form_definitions(*txn, store.db());
  if (!all) return out;
  for (auto& f : *all)
    if (f.retired) out.push_back(std::move(f));
  return out;
}

AdminForm admin_form(ngx_http_request_t* r, std::string_view name) {
  AdminForm answer;
  const forms::Form* configured = form_registry(r).find(name);
  std::optional<storage::FormDefinition> recorded;
  if (auto& store = worker_store()) {
    if (auto txn = storage::Txn::begin_read(store->env())) {
      auto def = storage::read_form_definition(*txn, store->db(), name);
      if (def && def.value()) recorded = std::move(*def.value());
    }
  }
  if (configured != nullptr) {
    auto form = std::make_shared<forms::Form>(*configured);
    if (recorded)
      for (const auto& d : recorded->fields)
        if (d.retired && form->field(d.name) == nullptr) form->fields.push_back(field_of(d));
    answer.form = std::move(form);
  } else if (recorded) {
    answer.form = std::make_shared<forms::Form>(form_of(*recorded));
    answer.retired = true;
  }
  return answer;
}

}  // namespace civic::module
