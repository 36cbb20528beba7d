// The settings inside `field NAME TYPE { ... }`: one table row a setting
// (how many words it takes, the field types it applies to, whether it may
// repeat, and its setter), then the setters.
#include <algorithm>
#include <vector>

#include "common/config_hints.hpp"
#include "common/quantity.hpp"
#include "common/quote.hpp"
#include "forms/form_builder.hpp"
#include "forms/pattern.hpp"
#include "forms/setting_words.hpp"
#include "forms/utf8.hpp"
#include "forms/validate.hpp"

namespace civic::forms {

using namespace setting_words;

namespace {

constexpr std::size_t kLargestMaxLength = 1'000'000;

constexpr unsigned types_mask(std::initializer_list<FieldType> types) {
  unsigned mask = 0;
  for (FieldType t : types) mask |= 1u << static_cast<unsigned>(t);
  return mask;
}

using T = FieldType;
constexpr unsigned kEveryType = ~0u;
constexpr unsigned kTextTypes = types_mask({T::text, T::textarea, T::email, T::tel, T::url, T::hidden});
constexpr unsigned kBoundTypes = types_mask({T::number, T::date});
constexpr unsigned kOptionTypes = types_mask({T::select, T::radios, T::checkboxes});
constexpr unsigned kDefaultTypes = ~types_mask({T::file, T::consent});

}  // namespace

// How many words follow a setting's name.
enum class FormBuilder::Arity {
  none,     // required;
  one,      // max_length 200;
  text,     // label fi "..."; (set_text checks it)
  several,  // accept image/png image/jpeg;
  pairs,    // option VALUE [LANG "label"]...;
};

struct FormBuilder::FieldRule {
  std::string_view name;
  Arity arity;
  bool repeats;          // label, help, pattern_message (one a language), option
  unsigned types;        // a bit a FieldType
  std::string_view usage;  // for several and pairs: how it is written
  std::string (FormBuilder::*set)(std::string_view setting, Words words, int line);
};

std::span<const FormBuilder::FieldRule> FormBuilder::field_rules() {
  static const FieldRule kRules[] = {
      {"required", Arity::none, false, kEveryType, {}, &FormBuilder::set_flag},
      {"required_if", Arity::one, false, kEveryType, {}, &FormBuilder::set_condition},
      {"show_if", Arity::one, false, kEveryType, {}, &FormBuilder::set_condition},
      {"label", Arity::text, true, kEveryType, {}, &FormBuilder::set_field_text},
      {"help", Arity::text, true, kEveryType, {}, &FormBuilder::set_field_text},
      {"min_length", Arity::one, false, kTextTypes, {}, &FormBuilder::set_length},
      {"max_length", Arity::one, false, kTextTypes, {}, &FormBuilder::set_length},
      {"min", Arity::one, false, kBoundTypes, {}, &FormBuilder::set_bound},
      {"max", Arity::one, false, kBoundTypes, {}, &FormBuilder::set_bound},
      {"pattern", Arity::one, false, kTextTypes, {}, &FormBuilder::set_pattern},
      {"pattern_message", Arity::text, true, kTextTypes, {}, &FormBuilder::set_field_text},
      {"option", Arity::pairs, true, kOptionTypes, "option is written: option VALUE LANG \"label\" [LANG \"label\" ...]",
       &FormBuilder::set_option},
      {"multiple", Arity::none, false, types_mask({T::select, T::file}), {}, &FormBuilder::set_flag},
      {"max_size", Arity::one, false, types_mask({T::file}), {}, &FormBuilder::set_max_size},
      {"accept", Arity::several, false, types_mask({T::file}),
       "accept needs media types, as in: accept image/jpeg image/png application/pdf", &FormBuilder::set_accept},
      {"default", Arity::several, false, kDefaultTypes, "default needs a value", &FormBuilder::set_default},
      {"country", Arity::one, false, types_mask({T::national_id}), {}, &FormBuilder::set_country},
  };
  return kRules;
}

std::span<const std::string_view> FormBuilder::field_setting_names() {
  static const std::vector<std::string_view> kNames = [] {
    std::vector<std::string_view> names;
    for (const FieldRule& rule : field_rules()) names.push_back(rule.name);
    return names;
  }();
  return kNames;
}

std::string FormBuilder::field_setting(Words words, int line) {
  if (!in_field_ || words.empty()) return form_error("a field setting outside a field");
  std::string_view setting = words[0];
  auto rules = field_rules();
  auto rule = std::find_if(rules.begin(), rules.end(), [&](const FieldRule& r) { return r.name == setting; });
  if (rule == rules.end()) {
    if (setting == "field") return field_error("a field cannot hold another field: is a \"}\" missing?");
    if (is_one_of(setting, form_setting_names()))
      return field_error(quoted(setting) + " is a setting of the form: write it outside the field's block");
    return field_error(unknown_setting(setting, field_setting_names(), "a field"));
  }
  if ((rule->types & (1u << static_cast<unsigned>(field_.type))) == 0)
    return field_error(quoted(setting) + " does not apply to a " + std::string(type_name(field_.type)) + " field");
  if (!rule->repeats) {
    if (std::find(seen_settings_.begin(), seen_settings_.end(), setting) != seen_settings_.end())
      return field_error("duplicate " + quoted(setting));
    seen_settings_.emplace_back(setting);
  }
  switch (rule->arity) {
    case Arity::none:
      if (words.size() != 1)
        return field_error(quoted(setting) + " takes no value" + missing_semicolon(words, field_setting_names()));
      break;
    case Arity::one:
      if (words.size() != 2)
        return field_error(quoted(setting) + " takes one value" + missing_semicolon(words, field_setting_names()));
      break;
    case Arity::text:
      break;
    case Arity::several:
      if (words.size() < 2) return field_error(rule->usage);
      break;
    case Arity::pairs:
      if (words.size() < 2 || words.size() % 2 != 0) return field_error(rule->usage);
      break;
  }
  return (this->*rule->set)(setting, words, line);
}

// ---- the setters: the words are there, of the number the table says

std::string FormBuilder::set_flag(std::string_view setting, Words, int) {
  (setting == "required" ? field_.required : field_.multiple) = true;
  return {};
}

std::string FormBuilder::set_field_text(std::string_view setting, Words words, int line) {
  LocalText& target = setting == "label" ? field_.label : setting == "help" ? field_.help : field_.pattern_message;
  return set_text(target, words, line, setting, true);
}

std::string FormBuilder::set_condition(std::string_view setting, Words words, int line) {
  auto condition = parse_condition(words[1]);
  if (!condition)
    return field_error(quoted(setting) + " is written FIELD=VALUE[,VALUE...], FIELD!=VALUE[,VALUE...] or FIELD, as in: " +
                       std::string(setting) + " topic=other");
  if (condition->field == field_.name) return field_error(quoted(setting) + " names the field itself");
  (setting == "required_if" ? field_.required_if : field_.show_if) = *condition;
  conditions_.push_back({field_.name, {}, std::string(setting), *condition, line});
  return {};
}

std::string FormBuilder::set_length(std::string_view setting, Words words, int) {
  std::size_t n = 0;
  if (!parse_count(words[1], n) || n > kLargestMaxLength)
    return field_error(quoted(setting) + " must be a number of characters from 0 to 1000000");
  if (setting == "max_length" && n == 0) return field_error("max_length must be at least 1");
  (setting == "min_length" ? field_.min_length : field_.max_length) = n;
  return {};
}

std::string FormBuilder::set_bound(std::string_view setting, Words words, int) {
  if (field_.type == FieldType::number) {
    auto n = parse_decimal(words[1]);
    if (!n) return field_error(quoted(setting) + " " + quoted(words[1]) + " is not a number");
    (setting == "min" ? field_.min_number : field_.max_number) = *n;
  } else {
    if (!is_valid_date(words[1]))
      return field_error(quoted(setting) + " " + quoted(words[1]) + " is not a date (YYYY-MM-DD)");
    (setting == "min" ? field_.min_date : field_.max_date) = std::string(words[1]);
  }
  return {};
}

std::string FormBuilder::set_pattern(std::string_view, Words words, int) {
  if (!is_valid_utf8(words[1])) return field_error("pattern is not valid UTF-8");
  auto compiled = Pattern::compile(words[1]);
  if (auto* message = std::get_if<std::string>(&compiled))
    return field_error("pattern " + quoted(words[1]) + " does not compile: " + *message);
  field_.pattern = std::get<0>(compiled);
  return {};
}

std::string FormBuilder::set_option(std::string_view, Words words, int line) {
  std::string_view value = words[1];
  if (value.empty() || value.size() > 200 || !is_valid_utf8(value) || has_control_chars(value, false))
    return field_error("option value " + quoted(value) + " must be 1 to 200 characters of plain text");
  if (field_.option(value)) return field_error("duplicate option " + quoted(value));
  Option option;
  option.value = value;
  std::string which = "option " + quoted(value);
  for (std::size_t i = 2; i + 1 < words.size(); i += 2) {
    if (!valid_language(words[i])) return field_error(which + ": " + quoted(words[i]) + " is not a language code");
    if (!is_valid_utf8(words[i + 1])) return field_error(which + ": the label is not valid UTF-8");
    if (option.label.exact(words[i])) return field_error(which + ": two labels in " + quoted(words[i]));
    option.label.set(words[i], words[i + 1]);
    lang_uses_.push_back({std::string(words[i]), line, which});
  }
  if (option.label.empty()) unlabeled_options_.push_back({"", line, "field " + quoted(field_.name) + ": " + which});
  field_.options.push_back(std::move(option));
  return {};
}

std::string FormBuilder::set_max_size(std::string_view, Words words, int) {
  long long size = parse_size(words[1]);
  if (size <= 0) return field_error("max_size " + quoted(words[1]) + " is not a size (such as 500k or 5m)");
  field_.max_size = static_cast<std::size_t>(size);
  return {};
}

std::string FormBuilder::set_accept(std::string_view, Words words, int) {
  for (std::string_view type : words.subspan(1)) {
    auto slash = type.find('/');
    bool ok = slash != std::string_view::npos && slash > 0 && slash + 1 < type.size() &&
              std::all_of(type.begin(), type.end(), [](char c) {
                return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '/' || c == '.' || c == '+' ||
                       c == '-' || c == '*';
              });
    if (!ok) return field_error("accept: " + quoted(type) + " is not a media type such as image/png or image/*");
    field_.accept.emplace_back(type);
  }
  return {};
}

std::string FormBuilder::set_default(std::string_view, Words words, int) {
  for (std::string_view v : words.subspan(1)) {
    if (!is_valid_utf8(v)) return field_error("default is not valid UTF-8");
    field_.defaults.emplace_back(v);
  }
  return {};
}

std::string FormBuilder::set_country(std::string_view, Words words, int) {
  static constexpr std::pair<std::string_view, Country> kChoices[] = {{"FI", Country::FI}, {"DK", Country::DK}};
  auto choice = one_of_words(words[1], kChoices);
  if (!choice) return field_error("country " + quoted(words[1]) + " is not supported (FI or DK)");
  field_.country = *choice;
  return {};
}

}  // namespace civic::forms
