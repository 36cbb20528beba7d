#include "forms/form.hpp"

#include <array>

namespace civic::forms {

namespace {

constexpr std::array<std::pair<std::string_view, FieldType>, 15> kTypes{{
    {"text", FieldType::text},
    {"textarea", FieldType::textarea},
    {"email", FieldType::email},
    {"tel", FieldType::tel},
    {"url", FieldType::url},
    {"number", FieldType::number},
    {"date", FieldType::date},
    {"select", FieldType::select},
    {"radios", FieldType::radios},
    {"checkboxes", FieldType::checkboxes},
    {"checkbox", FieldType::checkbox},
    {"consent", FieldType::consent},
    {"file", FieldType::file},
    {"hidden", FieldType::hidden},
    {"national_id", FieldType::national_id},
}};

}  // namespace

std::string_view type_name(FieldType type) {
  for (const auto& [name, t] : kTypes)
    if (t == type) return name;
  return "?";
}

std::optional<FieldType> parse_type(std::string_view name) {
  for (const auto& [n, t] : kTypes)
    if (n == name) return t;
  return std::nullopt;
}

void LocalText::set(std::string_view lang, std::string_view text) {
  for (auto& [l, t] : texts_) {
    if (l == lang) {
      t = text;
      return;
    }
  }
  texts_.emplace_back(lang, text);
}

const std::string* LocalText::exact(std::string_view lang) const {
  for (const auto& [l, t] : texts_)
    if (l == lang) return &t;
  return nullptr;
}

std::string_view LocalText::in(std::string_view lang, std::span<const std::string> chain) const {
  if (const std::string* t = exact(lang)) return *t;
  for (const std::string& l : chain)
    if (const std::string* t = exact(l)) return *t;
  if (!texts_.empty()) return texts_.front().second;
  return {};
}

const Option* Field::option(std::string_view value) const {
  for (const Option& o : options)
    if (o.value == value) return &o;
  return nullptr;
}

const Field* Form::field(std::string_view name) const {
  for (const Field& f : fields)
    if (f.name == name) return &f;
  return nullptr;
}

const Step* Form::step(std::string_view name) const {
  for (const Step& s : steps)
    if (s.name == name) return &s;
  return nullptr;
}

const Step* Form::step_of(std::string_view field) const {
  for (const Step& s : steps)
    for (const std::string& f : s.fields)
      if (f == field) return &s;
  return nullptr;
}

std::string Condition::text() const {
  std::string out = field;
  if (op == ConditionOp::answered) return out;
  out += op == ConditionOp::not_equals ? "!=" : "=";
  for (std::size_t i = 0; i < values.size(); ++i) out += (i ? "," : "") + values[i];
  return out;
}

bool Form::has_files() const {
  for (const Field& f : fields)
    if (f.type == FieldType::file) return true;
  return false;
}

}  // namespace civic::forms
