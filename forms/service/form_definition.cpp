#include "forms/service/form_definition.hpp"

#include <string>

#include "storage/submission_store.hpp"

namespace civic::forms {

namespace {

// A field an earlier version had, as much of it as the store recorded.
Field field_of(const storage::DefinedField& d) {
  Field f;
  f.name = d.name;
  f.type = parse_type(d.type).value_or(FieldType::text);
  f.multiple = d.many;
  return f;
}

}  // namespace

storage::FormDefinition definition_of(const Form& form) {
  storage::FormDefinition def;
  def.name = form.name;
  def.retention_seconds = form.retention_seconds;
  def.receipt_prefix = form.receipt_prefix;
  for (const auto& field : form.fields)
    def.fields.push_back({field.name, std::string(type_name(field.type)), field.many_values(), false});
  return def;
}

Form form_of(const storage::FormDefinition& definition) {
  Form f;
  f.name = definition.name;
  f.languages = {"en"};
  f.retention_seconds = definition.retention_seconds;
  f.receipt_prefix = definition.receipt_prefix;
  for (const auto& d : definition.fields) f.fields.push_back(field_of(d));
  return f;
}

std::optional<std::string> record_form_definitions(storage::Store& store, const Forms& configured, std::int64_t now) {
  auto names = configured.names();
  for (std::string_view name : names) {
    const Form* f = configured.find(name);
    if (f == nullptr) continue;
    if (auto st = storage::record_form_definition(store, definition_of(*f), now); !st)
      return "civic_form \"" + f->name + "\": " + st.error().message();
  }
  if (auto st = storage::retire_forms_except(store, names, now); !st) return "civic_form: " + st.error().message();
  return std::nullopt;
}

std::vector<std::string> form_change_warnings(const Forms& configured, const storage::Txn& txn,
                                              const storage::Databases& db) {
  std::vector<std::string> warnings;
  auto stored = storage::list_form_definitions(txn, db);
  if (!stored) return warnings;
  for (const storage::FormDefinition& old : *stored) {
    auto count = storage::submission_count(txn, db, old.name);
    if (!count || *count == 0) continue;  // nothing stored to hide
    std::string quoted = "civic_form \"" + old.name + "\"";
    const Form* now = configured.find(old.name);
    if (now == nullptr) {
      if (!old.retired)
        warnings.push_back(quoted + " is no longer configured; its " + std::to_string(*count) +
                           " stored submissions stay under /admin/forms/" + old.name +
                           "/ as a retired form (readable, exportable, erasable, purged by its last retention)");
      continue;
    }
    for (const std::string& field : storage::fields_dropped(old, definition_of(*now)))
      warnings.push_back(quoted + ": the field \"" + field + "\" is no longer in the form, but " +
                         std::to_string(*count) +
                         " stored submissions may hold it: it stays in the exports and the API as a retired field "
                         "(renamed? the old values keep the old name)");
  }
  return warnings;
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

AdminForm admin_form(const Forms& configured, storage::Store& store, std::string_view name) {
  AdminForm answer;
  const Form* current = configured.find(name);
  std::optional<storage::FormDefinition> recorded;
  if (auto txn = storage::Txn::begin_read(store.env())) {
    auto def = storage::read_form_definition(*txn, store.db(), name);
    if (def && def.value()) recorded = std::move(*def.value());
  }
  if (current != nullptr) {
    auto form = std::make_shared<Form>(*current);
    if (recorded)
      for (const auto& d : recorded->fields)
        if (d.retired && form->field(d.name) == nullptr) form->fields.push_back(field_of(d));
    answer.form = std::move(form);
  } else if (recorded) {
    answer.form = std::make_shared<Form>(form_of(*recorded));
    answer.retired = true;
  }
  return answer;
}

}  // namespace civic::forms
