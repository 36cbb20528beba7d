// civic's own words on a form page (Required, Send, error messages) in
// Finnish, Swedish, Danish and English. Other languages get English.
#pragma once

#include "common/placeholders.hpp"
#include "forms/form.hpp"

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace civic::forms {

enum class Text {
  required_marker,    // "(required)" after a label
  send,
  choose,             // the empty first option of a select
  error_summary_title,
  error_prefix,       // "Error:" before a field's message, for screen readers
  languages_nav,      // the label of the language links
  honeypot_label,
  file_limits,        // "At most {size}."
  file_types,         // "Allowed types: {types}."
  reattach_files,     // "You attached {files}. Attach it again ..."
  any_image,          // what "image/*" is called in a list of file types
  // Field errors.
  required,
  too_short,          // {n}
  too_long,           // {n}
  one_value,
  control_chars,
  not_email,
  not_tel,
  not_url,
  not_number,
  too_small,          // {min}
  too_large,          // {max}
  not_date,
  too_early,          // {min}
  too_late,           // {max}
  not_option,
  pattern,
  national_id_fi,
  national_id_dk,
  consent_required,
  file_too_large,     // {size}
  file_type,          // {types}
  one_file,
  // Whole-form messages.
  token_expired,
  token_too_fast,
  token_missing,
  // Pages.
  thank_you_title,
  thank_you_text,     // {receipt}
  receipt_label,
  refused_title,
  refused_text,
  cross_site_text,
  not_found_title,
  not_found_text,
  store_full_text,
  daily_limit_text,   // max_submissions_per_day reached
  draft_gone_text,    // the draft of a multi-step form was sent already, expired or erased
  too_large_text,     // the body was over client_max_body_size
  server_error_text,
  // Multi-step forms.
  step_progress,      // "Step {n} of {count}"
  continue_button,
  back_button,
  save_later_button,
  check_title,        // the check-answers page
  change_link,
  not_answered,
  yes,
  no,
  kept_files,         // "Attached: {files}." on a later visit to a step
  replace_files,      // what choosing a file there does
  saved_title,
  saved_text,         // {date}
  saved_warning,      // the link is personal
  email_link_label,
  email_link_button,
  email_link_sent,    // {address}
  email_link_failed,
  email_link_subject, // {form}
  email_link_body,    // {form} {link} {date}
  draft_missing_title,
  draft_missing_text,
  start_again,
  too_many_drafts_text,
  draft_too_large_text,
};

std::string_view builtin_text(Text text, std::string_view lang);

// The language's own name ("suomi", "svenska"), or the code if unknown.
std::string_view language_name(std::string_view lang);

// Replaces {key} in `pattern` with the value given for it (common/).
using civic::fill;

// Examples citizens are shown, in the form's country: an e-mail address
// ("nimi@esimerkki.fi"; its words in the page's language) and a telephone
// number ("+358 40 123 4567").
std::string email_example(Country country, std::string_view lang);
std::string_view tel_example(Country country);

// "5 MB", "500 kB", "12 bytes": sizes as people read them.
std::string human_size(std::size_t bytes);

}  // namespace civic::forms
