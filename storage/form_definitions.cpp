#include "storage/form_definitions.hpp"

#include "storage/keys.hpp"
#include "storage/record_codec.hpp"
#include "storage/submission_keys.hpp"

namespace civic::storage {

namespace {

constexpr std::uint8_t kFormat = 1;

std::string encode(const FormDefinition& f, std::int64_t recorded_at) {
  RecordWriter w;
  w.i64(recorded_at);
  w.u8(kFormat);
  w.i64(f.retention_seconds);
  w.str16(f.receipt_prefix);
  w.u32(static_cast<std::uint32_t>(f.fields.size()));
  for (const DefinedField& field : f.fields) {
    w.str16(field.name);
    w.str16(field.type);
    w.u8(field.many ? 1 : 0);
  }
  return w.take();
}

Result<FormDefinition> decode(std::string_view name, std::string_view value) {
  RecordReader r(value);
  FormDefinition f;
  f.name = name;
  f.recorded_at = r.i64();
  if (r.u8() != kFormat) return Error(Error::kCorrupt, "read the definition of form " + f.name, "unknown format");
  f.retention_seconds = r.i64();
  f.receipt_prefix = r.str16();
  std::uint32_t n = r.u32();
  for (std::uint32_t i = 0; i < n && r.ok(); ++i) {
    DefinedField field;
    field.name = r.str16();
    field.type = r.str16();
    field.many = r.u8() != 0;
    f.fields.push_back(std::move(field));
  }
  if (!r.ok() || !r.at_end()) return Error(Error::kCorrupt, "read the definition of form " + f.name, "malformed value");
  return f;
}

}  // namespace

Status record_form_definition(Store& store, const FormDefinition& form, std::int64_t now) {
  const std::string key = submission_keys::form_key(form.name);
  {
    auto txn = Txn::begin_read(store.env());
    if (!txn) return txn.error();
    auto old = read_form_definition(*txn, store.db(), form.name);
    if (!old) return old.error();
    if (old.value() && old.value()->same_as(form)) return {};
  }
  auto txn = Txn::begin_write(store.env());
  if (!txn) return txn.error();
  if (auto st = txn->put(store.db().form_defs, key, encode(form, now)); !st) return st;
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
