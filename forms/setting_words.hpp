// The words of a civic_form block as the form and field settings read them
// (forms/form_builder.cpp, forms/field_settings.cpp).
#pragma once

#include <algorithm>
#include <charconv>
#include <optional>
#include <string>
#include <string_view>

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

// F=V[,V...], F!=V[,V...] or F (form.hpp); nullopt if malformed (an empty
// field name or value, a field name that is not a name).
inline std::optional<Condition> parse_condition(std::string_view text) {
  Condition c;
  auto eq = text.find('=');
  if (eq == std::string_view::npos) {
    c.field = text;
    c.op = ConditionOp::answered;
  } else {
    bool negated = eq > 0 && text[eq - 1] == '!';
    c.field = text.substr(0, negated ? eq - 1 : eq);
    c.op = negated ? ConditionOp::not_equals : ConditionOp::equals;
    std::string_view rest = text.substr(eq + 1);
    while (true) {
      auto comma = rest.find(',');
      std::string_view v = rest.substr(0, comma);
      if (v.empty()) return std::nullopt;
      c.values.emplace_back(v);
      if (comma == std::string_view::npos) break;
      rest = rest.substr(comma + 1);
    }
  }
  if (!valid_name(c.field)) return std::nullopt;
  return c;
}

// A setting whose value is one word of a few: the thing it stands for.
template <class T, std::size_t N>
std::optional<T> one_of_words(std::string_view word, const std::pair<std::string_view, T> (&choices)[N]) {
  for (const auto& [w, value] : choices)
    if (w == word) return value;
  return std::nullopt;
}

}  // namespace civic::forms::setting_words
