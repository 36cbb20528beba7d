// What nginx.conf says of each form, recorded in the store when nginx starts
// or reloads, for the tools that do not read nginx.conf (civicctl purges by
// the recorded retention, writes CSV columns in the recorded field order and
// lists the recorded forms in stat and verify) and so that nothing stored is
// hidden by a change of the form: every field any version of the form had
// stays recorded (those no longer configured marked retired, after the
// configured ones), and a form no longer configured stays recorded as
// retired, its submissions readable, exportable, erasable and purged by its
// last retention.
//
//   form_defs  form\0 -> recorded at(i64) then the definition (below)
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "storage/store.hpp"

namespace civic::storage {

struct DefinedField {
  std::string name;
  std::string type;      // as in nginx.conf: "text", "file", "checkboxes", ...
  bool many = false;     // several values (checkboxes, select multiple, file multiple)
  bool retired = false;  // in an earlier version of the form, not in the running one
  friend bool operator==(const DefinedField&, const DefinedField&) = default;
};

struct FormDefinition {
  std::string name;
  std::int64_t retention_seconds = 0;  // 0: kept until erased
  std::string receipt_prefix;
  std::vector<DefinedField> fields;    // in the form's order
  std::int64_t recorded_at = 0;        // when this definition was first recorded (not compared)
  bool retired = false;                // the running configuration has no such form
  bool same_as(const FormDefinition& o) const {
    return name == o.name && retention_seconds == o.retention_seconds && receipt_prefix == o.receipt_prefix &&
           fields == o.fields && retired == o.retired;
  }
};

// Records the running configuration's definition of a form: its fields, then
// the fields the store's earlier record had that it lacks (retired). Writes
// nothing if the store already holds the same.
Status record_form_definition(Store& store, const FormDefinition& form, std::int64_t now);

// Marks every recorded form not in `configured` retired (in one transaction).
Status retire_forms_except(Store& store, std::span<const std::string_view> configured, std::int64_t now);

// The fields `stored` has in use that `configured` has no more: what a
// change of the configuration would hide (nginx -t warns of them).
std::vector<std::string> fields_dropped(const FormDefinition& stored, const FormDefinition& configured);

Result<std::optional<FormDefinition>> read_form_definition(const Txn& txn, const Databases& db, std::string_view name);
// Every recorded form, by name.
Result<std::vector<FormDefinition>> list_form_definitions(const Txn& txn, const Databases& db);

}  // namespace civic::storage
