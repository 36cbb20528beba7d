#include "storage/form_definitions.hpp"

#include <algorithm>

#include "storage/keys.hpp"
#include "storage/record_codec.hpp"
#include "storage/submission_keys.hpp"

namespace civic::storage {

namespace {

// 1: fields only; 2: with the form's and each field's retired flag.
constexpr std::uint8_t kFormat = 2;

std::string encode(const FormDefinition& f, std::int64_t recorded_at) {
  RecordWriter w;
  w.i64(recorded_at);
  w.u8(kFormat);
  w.i64(f.retention_seconds);
  w.str16(f.receipt_prefix);
  w.u8(f.retired ? 1 : 0);
  w.u32(static_cast<std::uint32_t>(f.fields.size()));
  for (const DefinedField& field : f.fields) {
    w.str16(field.name);
    w.str16(field.type);
    w.u8(field.many ? 1 : 0);
    w.u8(field.retired ? 1 : 0);
  }
  return w.take();
}

Result<FormDefinition> decode(std::string_view name, std::string_view value) {
  RecordReader r(value);
  FormDefinition f;
  f.name = name;
  f.recorded_at = r.i64();
  std::uint8_t format = r.u8();
  if (format != 1 && format != kFormat)
    return Error(Error::kCorrupt, "read the definition of form " + f.name, "unknown format");
  f.retention_seconds = r.i64();
  f.receipt_prefix = r.str16();
  if (format >= 2) f.retired = r.u8() != 0;
  std::uint32_t n = r.u32();
  for (std::uint32_t i = 0; i < n && r.ok(); ++i) {
    DefinedField field;
    field.name = r.str16();
    field.type = r.str16();
    field.many = r.u8() != 0;
    if (format >= 2) field.retired = r.u8() != 0;
    f.fields.push_back(std::move(field));
  }
  if (!r.ok() || !r.at_end()) return Error(Error::kCorrupt, "read the definition of form " + f.name, "malformed value");
  return f;
}

}  // namespace

std::vector<std::string> fields_dropped(const FormDefinition& stored, const FormDefinition& configured) {
  std::vector<std::string> dropped;
  for (const DefinedField& old : stored.fields) {
    if (old.retired) continue;
    bool kept = std::any_of(configured.fields.begin(), configured.fields.end(),
                            [&](const DefinedField& f) { return f.name == old.name; });
    if (!kept) dropped.push_back(old.name);
  }
  return dropped;
}

Status record_form_definition(Store& store, const FormDefinition& form, std::int64_t now) {
  const std::string key = submission_keys::form_key(form.name);
  auto txn = Txn::begin_write(store.env());
  if (!txn) return txn.error();
  auto old = read_form_definition(*txn, store.db(), form.name);
  if (!old) return old.error();
  FormDefinition merged = form;
  merged.retired = false;
  for (DefinedField& f : merged.fields) f.retired = false;
  if (old.value()) {
    // Fields of earlier versions stay, after the configured ones.
    for (const DefinedField& f : old.value()->fields) {
      bool present = std::any_of(merged.fields.begin(), merged.fields.end(),
                                 [&](const DefinedField& m) { return m.name == f.name; });
      if (present) continue;
      DefinedField retired = f;
      retired.retired = true;
      merged.fields.push_back(std::move(retired));
    }
    if (old.value()->same_as(merged)) return {};
  }
  if (auto st = txn->put(store.db().form_defs, key, encode(merged, now)); !st) return st;
  return txn->commit();
}

Status retire_forms_except(Store& store, std::span<const std::string_view> configured, std::int64_t now) {
  auto txn = Txn::begin_write(store.env());
  if (!txn) return txn.error();
  auto all = list_form_definitions(*txn, store.db());
  if (!all) return all.error();
  bool changed = false;
  for (FormDefinition& f : *all) {
    if (f.retired || std::find(configured.begin(), configured.end(), f.name) != configured.end()) continue;
    f.retired = true;
    if (auto st = txn->put(store.db().form_defs, submission_keys::form_key(f.name), encode(f, now)); !st) return st;
    changed = true;
  }
  if (!changed) return {};
  return txn->commit();
}

Result<std::optional<FormDefinition>> read_form_definition(const Txn& txn, const Databases& db,
                                                           std::string_view name) {
  auto value = txn.get(db.form_defs, submission_keys::form_key(name));
  if (!value) return value.error();
  if (!value.value()) return std::optional<FormDefinition>{};
  auto f = decode(name, **value);
  if (!f) return f.error();
  return std::optional<FormDefinition>{std::move(*f)};
}

Result<std::vector<FormDefinition>> list_form_definitions(const Txn& txn, const Databases& db) {
  std::vector<FormDefinition> out;
  std::optional<Error> failure;
  auto st = for_each_with_prefix(txn, db.form_defs, "", [&](const Entry& e) {
    std::string_view key = e.key;
    auto name = keys::take_name(key);
    if (!name || !key.empty()) {
      failure = Error(Error::kCorrupt, "list form definitions", "malformed key");
      return false;
    }
    auto f = decode(*name, e.value);
    if (!f) {
      failure = f.error();
      return false;
    }
    out.push_back(std::move(*f));
    return true;
  });
  if (!st) return st.error();
  if (failure) return *failure;
  return out;
}

}  // namespace civic::storage
