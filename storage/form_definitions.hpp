// What nginx.conf says of each form, recorded in the store when nginx reads
// its configuration, for the tools that do not read nginx.conf: civicctl
// purges by the recorded retention, writes CSV columns in the recorded field
// order and lists the recorded forms in stat and verify.
//
//   form_defs  form\0 -> recorded at(i64) then the definition (below)
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/result.hpp"
#include "storage/store.hpp"

namespace civic::storage {

struct DefinedField {
  std::string name;
  std::string type;      // as in nginx.conf: "text", "file", "checkboxes", ...
  bool many = false;     // several values (checkboxes, select multiple, file multiple)
  friend bool operator==(const DefinedField&, const DefinedField&) = default;
};

struct FormDefinition {
  std::string name;
  std::int64_t retention_seconds = 0;  // 0: kept until erased
  std::string receipt_prefix;
  std::vector<DefinedField> fields;    // in the form's order
  std::int64_t recorded_at = 0;        // when this definition was first recorded (not compared)
  bool same_as(const FormDefinition& o) const {
    return name == o.name && retention_seconds == o.retention_seconds && receipt_prefix == o.receipt_prefix &&
           fields == o.fields;
  }
};

// Writes the definition unless the store already holds the same one.
Status record_form_definition(Store& store, const FormDefinition& form, std::int64_t now);

Result<std::optional<FormDefinition>> read_form_definition(const Txn& txn, const Databases& db, std::string_view name);
// Every recorded form, by name.
Result<std::vector<FormDefinition>> list_form_definitions(const Txn& txn, const Databases& db);

}  // namespace civic::storage
