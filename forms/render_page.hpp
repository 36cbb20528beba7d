// The HTML of a form page, a confirmation and a short message, to be put in
// a Layout. Accessible as WCAG 2.1 AA asks: every input has a label, groups
// are fieldsets with a legend, "required" is said in text, help and errors
// are tied to their input with aria-describedby, and an error summary at the
// top links to each field in error.
#pragma once

#include <span>
#include <utility>
#include <string>
#include <string_view>

#include "forms/form.hpp"
#include "common/html.hpp"
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

  // A page of a multi-step form (null `step`: the whole form on one page).
  const Step* step = nullptr;
  std::size_t step_number = 1, step_count = 1;  // "Step 2 of 4"
  bool last_step = false;          // Continue sends (no check-answers page follows)
  std::string_view draft_ref;      // the draft the answers go to; empty before the first
  bool return_to_check = false;    // Continue leads back to the check-answers page
  // Values carried in hidden inputs to the first Continue: ?F= prefill of
  // fields on later steps ("_prefill.F").
  std::span<const std::pair<std::string, std::string>> carried;
};

HtmlFragment render_form(const Form& form, const FormPage& page);

// The page title: the form's title, "Error: " before it when there are errors.
std::string form_page_title(const Form& form, const FormPage& page);

// The check-answers page of a multi-step form: every answer shown, with a
// Change link to its step, and the form that sends it all.
struct CheckPage {
  std::string_view lang;
  std::string_view form_url;
  std::string_view token;
  std::string_view draft_ref;
  const FormInput* answers = nullptr;
  std::span<const Step* const> steps;  // the steps shown
};
HtmlFragment render_check_answers(const Form& form, const CheckPage& page);

// After "Save and continue later": the resume link, until when it works,
// and (with civic_smtp) a form that e-mails it.
struct SavedPage {
  std::string_view lang;
  std::string_view form_url;
  std::string_view link;      // absolute
  std::string_view until;     // a date as people read it
  std::string_view token;
  std::string_view draft_ref;
  bool can_email = false;
  std::string_view notice;    // "The link was sent to ..."
  bool notice_is_error = false;
};
HtmlFragment render_saved(const Form& form, const SavedPage& page);

// A short message page with a link under the text ("Start the form again").
HtmlFragment render_message_with_link(std::string_view title, std::string_view text, std::string_view link_text,
                                      std::string_view href);

HtmlFragment render_confirmation(const Form& form, std::string_view lang, std::string_view receipt);
std::string confirmation_title(const Form& form, std::string_view lang);

HtmlFragment render_message(std::string_view title, std::string_view text);

}  // namespace civic::forms
