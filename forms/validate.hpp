// Checks a decoded body against a form: every rule of every visible field,
// all errors at once, in the page's language. What passes comes out cleaned
// (trimmed, normalized) and ready to be stored; fields hidden by show_if (or
// in a step hidden by its show_if) are neither required nor stored.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/field_error.hpp"
#include "forms/form.hpp"
#include "forms/input.hpp"

namespace civic::forms {

using civic::FieldError;  // common/field_error.hpp: a field's name and what is wrong

struct CleanValue {
  const Field* field;
  std::vector<std::string> values;  // one unless the field takes several
  bool checked = false;             // checkbox, consent
};

struct CleanFile {
  std::string field;
  std::string filename;
  std::string media_type;  // as found from the content
  std::string content;
};

struct Validated {
  std::vector<FieldError> errors;  // in the form's field order
  std::vector<CleanValue> values;  // visible fields with a value, in field order
  std::vector<CleanFile> files;
  bool ok() const noexcept { return errors.empty(); }
  const FieldError* error_for(std::string_view field) const;
};

// `input`'s files are moved into the result.
Validated validate(const Form& form, FormInput& input, std::string_view lang);

// validate() for the fields of `only` alone (every field when null): the
// conditions still see every value of `input` (forms/steps.hpp).
Validated validate_fields(const Form& form, FormInput& input, std::string_view lang, const Step* only);

// Whether the field is shown, given the submitted values: its show_if holds
// and, in a multi-step form, its step is shown (forms/steps.cpp).
bool field_visible(const Form& form, const Field& field, const FormInput& input);

// "yes", "on", "true", "1": a checkbox posted checked.
bool says_checked(std::string_view value);

// "-12", "3.5", "3,5" (a decimal comma, as Nordic users type it).
std::optional<double> parse_decimal(std::string_view text);
// YYYY-MM-DD, a real date.
bool is_valid_date(std::string_view text);

}  // namespace civic::forms
