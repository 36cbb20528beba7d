// The words of a civic_form block as the form and field settings read them
// (forms/form_builder.cpp, forms/field_settings.cpp).
#pragma once

#include <algorithm>
#include <charconv>
#include <optional>
#include <string>
#include <string_view>

#include "common/field_error.hpp"
#include "forms/form.hpp"

namespace civic::forms::setting_words {

inline constexpr std::size_t kMaxNameLength = 64;

inline bool is_name_char(char c, bool first) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  if (first) return false;
  return (c >= '0' && c <= '9') || c == '_' || c == '-';
}

// A form or field name: a letter, then letters, digits, "_" or "-".
inline bool valid_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameLength) return false;
  for (std::size_t i = 0; i < name.size(); ++i)
    if (!is_name_char(name[i], i == 0)) return false;
  return true;
}

// ISO 639 codes as they appear in lang= attributes: two or three letters.
inline bool valid_language(std::string_view lang) {
  if (lang.size() < 2 || lang.size() > 3) return false;
  return std::all_of(lang.begin(), lang.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

inline bool parse_count(std::string_view text, std::size_t& out) {
  if (text.empty()) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

// FIELD=V[,V...], FIELD!=V[,V...] or FIELD (forms/form.hpp says what each means).
inline std::optional<Condition> parse_condition(std::string_view text) {
  Condition c;
  std::size_t eq = text.find('=');
  std::string_view values;
  if (eq == std::string_view::npos) {
    c.field = text;
    c.op = ConditionOp::answered;
  } else if (eq > 0 && text[eq - 1] == '!') {
    c.field = text.substr(0, eq - 1);
    c.op = ConditionOp::not_equals;
    values = text.substr(eq + 1);
  } else {
    c.field = text.substr(0, eq);
    c.op = ConditionOp::equals;
    values = text.substr(eq + 1);
  }
  if (!valid_name(c.field)) return std::nullopt;
  if (c.op == ConditionOp::answered) return c;
  while (true) {
    std::size_t comma = values.find(',');
    std::string_view v = values.substr(0, comma);
    if (v.empty()) return std::nullopt;
    if (std::find(c.values.begin(), c.values.end(), v) == c.values.end()) c.values.emplace_back(v);
    if (comma == std::string_view::npos) break;
    values.remove_prefix(comma + 1);
  }
  return c;
}

// What FormBuilder::finish() refuses, at the line of the setting to blame
// (0: the block).
inline FieldError refusal(std::string text, int line = 0) {
  FieldError error;
  error.message = std::move(text);
  error.line = line;
  return error;
}

// A setting whose value is one word of a few: the thing it stands for.
template <class T, std::size_t N>
std::optional<T> one_of_words(std::string_view word, const std::pair<std::string_view, T> (&choices)[N]) {
  for (const auto& [w, value] : choices)
    if (w == word) return value;
  return std::nullopt;
}

}  // namespace civic::forms::setting_words
