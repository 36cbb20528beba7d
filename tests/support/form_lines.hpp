// Building forms in tests from the lines of a civic_form block.
#pragma once

#include <sstream>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "forms/form_builder.hpp"

namespace civic::test {

// Splits a line into words as nginx would ("quoted words" stay whole).
inline std::vector<std::string> words(std::string_view line) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false, in_word = false;
  for (char c : line) {
    if (c == '"') {
      quoted = !quoted;
      in_word = true;
      continue;
    }
    if (!quoted && (c == ' ' || c == '\t')) {
      if (in_word) out.push_back(cur);
      cur.clear();
      in_word = false;
      continue;
    }
    cur.push_back(c);
    in_word = true;
  }
  if (in_word) out.push_back(cur);
  return out;
}

// Lines: "title en \"X\"" for the form, "field NAME TYPE" to open a field
// (or "step NAME" a step), "  setting ..." (indented) inside it, "end" to
// close it. Returns the
// form, or the first error text.
inline std::variant<forms::Form, std::string> build_form(std::string_view name, const std::vector<std::string>& lines) {
  forms::FormBuilder b(name);
  int line_no = 0;
  bool in_field = false, in_step = false;
  for (const std::string& line : lines) {
    ++line_no;
    auto w = words(line);
    std::vector<std::string_view> v(w.begin(), w.end());
    std::string error;
    if (w.empty()) continue;
    if (w[0] == "end") {
      error = in_step ? b.end_step() : b.end_field();
      in_field = in_step = false;
    } else if (w[0] == "step" && !in_field && !in_step) {
      error = b.begin_step(v, line_no);
      in_step = true;
    } else if (in_step) {
      error = b.step_setting(v, line_no);
    } else if (w[0] == "field") {
      error = b.begin_field(v, line_no);
      in_field = true;
    } else if (in_field) {
      error = b.field_setting(v, line_no);
    } else {
      error = b.form_setting(v, line_no);
    }
    if (!error.empty()) return error;
  }
  auto built = b.finish();
  if (auto* e = std::get_if<FieldError>(&built))
    return e->message + " (line " + std::to_string(e->line) + ")";
  return std::move(std::get<forms::Form>(built));
}

}  // namespace civic::test
