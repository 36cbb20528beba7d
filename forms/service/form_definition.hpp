// Forms across versions of the configuration: what is recorded of each form
// in the store when nginx starts or reloads (storage/form_definitions.hpp),
// what a new configuration would hide of the stored submissions, and the
// form an admin request is about, with every field its submissions may
// hold, also when the form is no longer configured (retired).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "forms/form.hpp"
#include "forms/forms.hpp"
#include "storage/form_definitions.hpp"
#include "storage/lmdb.hpp"
#include "storage/store.hpp"

namespace civic::forms {

// What the store records of a configured form.
storage::FormDefinition definition_of(const Form& form);

// A form no longer configured, as the store recorded it: its fields by name
// and type only, in the default language.
Form form_of(const storage::FormDefinition& definition);

// Records each configured form's definition (with the fields earlier
// versions had) and marks the forms no longer configured retired. The
// problem, for the log, if the store refused.
std::optional<std::string> record_form_definitions(storage::Store& store, const Forms& configured, std::int64_t now);

// The warnings a configuration deserves for what it hides of the stored
// submissions: fields dropped, forms removed (nginx -t, start, reload).
std::vector<std::string> form_change_warnings(const Forms& configured, const storage::Txn& txn,
                                              const storage::Databases& db);

// The recorded forms the running configuration has no more (none if the
// store cannot be read).
std::vector<storage::FormDefinition> retired_forms(storage::Store& store);

struct AdminForm {
  std::shared_ptr<const Form> form;  // with the retired fields after the configured ones; null: no such form
  bool retired = false;              // not configured: as the store recorded it
};

// The form named in an admin request: the configured one (with the fields
// earlier versions had) or one the store recorded.
AdminForm admin_form(const Forms& configured, storage::Store& store, std::string_view name);

}  // namespace civic::forms
