// Builds a Form from the lines of a `civic_form NAME { ... }` block, one line
// (its words, without the ending ";" or "{") at a time. Every method returns
// an error text (empty when the line is fine); the module logs it with the
// file and line nginx is reading. Errors that only show once the block is
// complete (a `required_if` naming a field that does not exist) come from
// finish(), with the line of the setting to blame.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/field_error.hpp"
#include "forms/form.hpp"

namespace civic::forms {

class FormBuilder {
 public:
  using Words = std::span<const std::string_view>;

  explicit FormBuilder(std::string_view name);

  // Checks a form name (also used for the block's own name).
  static std::string check_name(std::string_view name);

  // A line directly in the form block: `title fi "..."`, `languages fi sv`, ...
  std::string form_setting(Words words, int line);
  // For a word no setting of a form has (nginx itself refuses it as an
  // unknown directive): the closest setting and the list; "" if known.
  static std::string unknown_form_word(std::string_view word);
  // `field NAME TYPE` (the line that opens a field block).
  std::string begin_field(Words words, int line);
  // A line inside the field block.
  std::string field_setting(Words words, int line);
  // The field block's "}".
  std::string end_field();
  // `step NAME` (the line that opens a step block), a line inside it, its
  // "}" (forms/step_settings.cpp).
  std::string begin_step(Words words, int line);
  std::string step_setting(Words words, int line);
  std::string end_step();
  // The form block's "}": cross-checks, defaults; the finished form.
  std::variant<Form, FieldError> finish();

 private:
  struct LangUse {
    std::string lang;
    int line;
    std::string what;
  };
  struct ConditionUse {
    std::string field;  // the field that has the condition
    std::string step;   // or the step (then `field` is empty)
    std::string setting;
    Condition condition;
    int line;
  };

  std::string form_error(std::string_view text) const;
  std::string field_error(std::string_view text) const;
  std::string set_text(LocalText& target, Words words, int line, std::string_view what, bool field);

  static std::span<const std::string_view> form_setting_names();

  // The field settings (forms/field_settings.cpp): a table and its setters.
  enum class Arity;
  struct FieldRule;
  static std::span<const FieldRule> field_rules();
  static std::span<const std::string_view> field_setting_names();
  std::string set_flag(std::string_view setting, Words words, int line);
  std::string set_field_text(std::string_view setting, Words words, int line);
  std::string set_condition(std::string_view setting, Words words, int line);
  std::string set_length(std::string_view setting, Words words, int line);
  std::string set_bound(std::string_view setting, Words words, int line);
  std::string set_pattern(std::string_view setting, Words words, int line);
  std::string set_option(std::string_view setting, Words words, int line);
  std::string set_max_size(std::string_view setting, Words words, int line);
  std::string set_accept(std::string_view setting, Words words, int line);
  std::string set_default(std::string_view setting, Words words, int line);
  std::string set_country(std::string_view setting, Words words, int line);

  // The settings of multi-step forms and their checks (forms/step_settings.cpp).
  static std::span<const std::string_view> step_setting_names();
  std::string step_error(std::string_view text) const;
  std::string set_journey(Words words, int line);
  std::optional<FieldError> check_steps() const;
  std::optional<FieldError> check_conditions() const;

  // `seal FILE` and what it excludes (forms/seal_setting.cpp).
  std::string set_seal(Words words, int line);
  std::optional<FieldError> check_seal() const;

  // Delivery lines (forms/delivery_settings.cpp).
  std::string set_delivery(Words words, int line);
  std::string set_confirm_email(Words words, int line);
  std::string add_delivery(Delivery d);
  std::string check_deliveries() const;

  Form form_;
  Field field_;
  bool in_field_ = false;
  std::vector<std::string> seen_settings_;  // of the current field, for duplicates
  std::vector<std::string> seen_form_settings_;
  std::vector<LangUse> lang_uses_;
  std::vector<LangUse> unlabeled_options_;
  std::vector<ConditionUse> conditions_;
  Step step_;
  bool in_step_ = false;
  std::vector<std::string> seen_step_settings_;
  int check_answers_line_ = 0;    // of `check_answers on`
  int save_and_return_line_ = 0;  // of `save_and_return on`
  int prefill_line_ = 0;
  int languages_line_ = 0;
  int seal_line_ = 0;
  bool country_given_ = false;
};

// 180 -> "3 minutes", 86400 -> "1 day": a duration as people say it.
std::string describe_duration(long long seconds);

}  // namespace civic::forms
