// The HTML of a form page, a confirmation and a short message, to be put in
// a Layout. Accessible as WCAG 2.1 AA asks: every input has a label, groups
// are fieldsets with a legend, "required" is said in text, help and errors
// are tied to their input with aria-describedby, and an error summary at the
// top links to each field in error.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "forms/form.hpp"
#include "forms/html.hpp"
#include "forms/input.hpp"
#include "forms/validate.hpp"

namespace civic::forms {

struct FormPage {
  std::string_view lang;
  std::string_view form_url;           // where the form is, e.g. "/forms/feedback"
  std::string_view token;              // the signed form token
  const FormInput* submitted = nullptr;  // values to show again (after errors)
  std::span<const FieldError> errors;
  std::string_view notice;             // a message for the whole form, or empty
};

HtmlFragment render_form(const Form& form, const FormPage& page);

// The page title: the form's title, "Error: " before it when there are errors.
std::string form_page_title(const Form& form, const FormPage& page);

HtmlFragment render_confirmation(const Form& form, std::string_view lang, std::string_view receipt);
std::string confirmation_title(const Form& form, std::string_view lang);

HtmlFragment render_message(std::string_view title, std::string_view text);

}  // namespace civic::forms
