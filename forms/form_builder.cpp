#include "forms/form_builder.hpp"

#include <algorithm>
#include <charconv>
#include <limits>
#include <span>
#include <vector>

#include "common/config_hints.hpp"
#include "common/quantity.hpp"
#include "common/quote.hpp"
#include "forms/local_time.hpp"
#include "forms/setting_words.hpp"
#include "forms/utf8.hpp"
#include "forms/validate.hpp"

namespace civic::forms {

using namespace setting_words;

namespace {

constexpr std::size_t kDefaultMaxLength = 1000;       // one-line fields
constexpr std::size_t kDefaultTextareaLength = 10000;
constexpr std::size_t kDefaultMaxFileSize = 10u << 20;
constexpr std::size_t kLargestDailyLimit = 100'000'000;

bool valid_confirm_url(std::string_view url) {
  if (url.empty() || !is_valid_utf8(url)) return false;
  for (char c : url)
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f || c == '"' || c == '<' || c == '>') return false;
  return url.front() == '/' || url.starts_with("https://") || url.starts_with("http://");
}

// What finish() refuses, at the line of the setting to blame (0: the block).
FieldError refusal(std::string text, int line = 0) {
  FieldError error;
  error.message = std::move(text);
  error.line = line;
  return error;
}

constexpr std::string_view kFormSettings[] = {
    "title", "description", "languages", "retention", "receipt_prefix", "confirm", "confirm_message",
    "honeypot", "min_fill_time", "token_lifetime", "max_submissions_per_day", "country", "timezone",
    "json_submissions", "deliver", "confirm_email", "field", "step", "check_answers", "save_and_return",
    "max_drafts", "prefill", "seal"};

}  // namespace

std::string describe_duration(long long seconds) {
  auto plural = [](long long n, const char* one) { return std::to_string(n) + " " + one + (n == 1 ? "" : "s"); };
  if (seconds % 86400 == 0) return plural(seconds / 86400, "day");
  if (seconds % 3600 == 0) return plural(seconds / 3600, "hour");
  if (seconds % 60 == 0) return plural(seconds / 60, "minute");
  return plural(seconds, "second");
}

FormBuilder::FormBuilder(std::string_view name) { form_.name = name; }

std::span<const std::string_view> FormBuilder::form_setting_names() { return kFormSettings; }

std::string FormBuilder::check_name(std::string_view name) {
  if (valid_name(name)) return {};
  return "the form name " + quoted(name) +
         " is not valid (a letter, then letters, digits, \"_\" or \"-\"; at most 64)";
}

std::string FormBuilder::form_error(std::string_view text) const {
  return "civic_form " + quoted(form_.name) + ": " + std::string(text);
}

std::string FormBuilder::field_error(std::string_view text) const {
  return form_error("field " + quoted(field_.name) + ": " + std::string(text));
}

std::string FormBuilder::set_text(LocalText& target, Words words, int line, std::string_view what, bool field) {
  auto error = [&](std::string_view text) { return field ? field_error(text) : form_error(text); };
  if (words.size() != 3) {
    std::string hint = words.size() > 3 ? (field ? missing_semicolon(words, field_setting_names())
                                                 : missing_semicolon(words, kFormSettings))
                                        : std::string();
    return error(std::string(what) + " takes a language and a text, as in: " + std::string(what) + " en \"...\"" + hint);
  }
  if (!valid_language(words[1])) return error("\"" + std::string(words[1]) + "\" is not a language code (two or three lowercase letters)");
  if (!is_valid_utf8(words[2])) return error(std::string(what) + " is not valid UTF-8");
  if (target.exact(words[1])) return error("duplicate " + std::string(what) + " in " + quoted(words[1]));
  target.set(words[1], words[2]);
  lang_uses_.push_back({std::string(words[1]), line, std::string(what)});
  return {};
}

std::string FormBuilder::unknown_form_word(std::string_view word) {
  if (is_one_of(word, kFormSettings) || is_one_of(word, field_setting_names()) || word == "fields") return {};
  return unknown_setting(word, kFormSettings, "a form");
}

std::string FormBuilder::form_setting(Words words, int line) {
  if (words.empty()) return form_error("empty line");
  std::string_view setting = words[0];
  auto single = [&](std::string_view what) -> std::string {
    if (std::find(seen_form_settings_.begin(), seen_form_settings_.end(), what) != seen_form_settings_.end())
      return form_error("duplicate " + quoted(what));
    seen_form_settings_.emplace_back(what);
    return {};
  };
  auto one_value = [&]() -> std::string {
    if (words.size() != 2) return form_error(quoted(setting) + " takes one value" + missing_semicolon(words, kFormSettings));
    return single(setting);
  };

  if (setting == "title") return set_text(form_.title, words, line, "title", false);
  if (setting == "deliver") return set_delivery(words, line);
  if (setting == "check_answers" || setting == "save_and_return" || setting == "max_drafts" || setting == "prefill") {
    if (auto e = single(setting); !e.empty()) return e;
    return set_journey(words, line);
  }
  if (setting == "confirm_email") return set_confirm_email(words, line);
  if (setting == "seal") return set_seal(words, line);
  if (setting == "description") return set_text(form_.description, words, line, "description", false);
  if (setting == "confirm_message") return set_text(form_.confirm_message, words, line, "confirm_message", false);

  if (setting == "languages") {
    if (words.size() < 2) return form_error("languages needs at least one language, as in: languages fi sv en");
    if (auto e = single(setting); !e.empty()) return e;
    for (std::string_view lang : words.subspan(1)) {
      if (!valid_language(lang))
        return form_error(quoted(lang) + " is not a language code (two or three lowercase letters)" +
                          (is_one_of(lang, kFormSettings) ? missing_semicolon(words, kFormSettings) : std::string()));
      if (std::find(form_.languages.begin(), form_.languages.end(), lang) != form_.languages.end())
        return form_error("language " + quoted(lang) + " is listed twice");
      form_.languages.emplace_back(lang);
    }
    languages_line_ = line;
    return {};
  }
  if (setting == "retention") {
    // nginx's units: "3m" is three minutes and "90" ninety seconds, easily
    // taken for months and days. Under an hour must be meant: "short".
    bool is_short = words.size() == 3 && words[2] == "short";
    if (words.size() != 2 && !is_short)
      return form_error("retention takes a duration, as in: retention 30d; (or: retention 10m short;)" +
                        missing_semicolon(words, kFormSettings));
    if (auto e = single(setting); !e.empty()) return e;
    long long s = parse_duration(words[1]);
    if (s <= 0) return form_error("retention " + quoted(words[1]) + " is not a duration (such as 30d, 12h or 6w)");
    if (s < 3600 && !is_short)
      return form_error("retention " + quoted(words[1]) + " is " + describe_duration(s) +
                        " (nginx's units: s seconds, m minutes, h hours, d days, w weeks, y years; no unit: "
                        "seconds); write \"retention 30d;\" for 30 days, or add \"short\" if under an hour is meant");
    form_.retention_seconds = s;
    return {};
  }
  if (setting == "min_fill_time" || setting == "token_lifetime") {
    if (auto e = one_value(); !e.empty()) return e;
    long long s = parse_duration(words[1]);
    if (s < 0 || (setting == "token_lifetime" && s < 60))
      return form_error(std::string(setting) + " " + quoted(words[1]) + " is not a duration (such as 2s, 1h or 1d" +
                        (setting == "token_lifetime" ? "; at least 1m)" : ")"));
    (setting == "min_fill_time" ? form_.min_fill_seconds : form_.token_lifetime_seconds) = s;
    return {};
  }
  if (setting == "max_submissions_per_day") {
    if (auto e = one_value(); !e.empty()) return e;
    std::size_t n = 0;
    if (!parse_count(words[1], n) || n == 0 || n > kLargestDailyLimit)
      return form_error("max_submissions_per_day " + quoted(words[1]) + " is not a whole number from 1 to " +
                        std::to_string(kLargestDailyLimit));
    form_.max_submissions_per_day = n;
    return {};
  }
  if (setting == "receipt_prefix") {
    if (auto e = one_value(); !e.empty()) return e;
    std::string_view p = words[1];
    bool ok = !p.empty() && p.size() <= 16 &&
              std::all_of(p.begin(), p.end(), [](char c) {
                return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
              });
    if (!ok) return form_error("receipt_prefix " + quoted(p) + " must be 1 to 16 letters or digits");
    form_.receipt_prefix = p;
    return {};
  }
  if (setting == "confirm") {
    if (auto e = one_value(); !e.empty()) return e;
    std::string_view v = words[1];
    if (v == "message") {
      form_.confirm = ConfirmKind::message;
    } else if (v.starts_with("redirect=")) {
      std::string_view url = v.substr(9);
      if (!valid_confirm_url(url))
        return form_error("confirm redirect= needs a path such as /kiitos or an http(s) URL, without spaces or quotes");
      form_.confirm = ConfirmKind::redirect;
      form_.confirm_url = url;
    } else {
      return form_error("confirm takes \"message\" or \"redirect=URL\"");
    }
    return {};
  }
  if (setting == "honeypot") {
    if (auto e = one_value(); !e.empty()) return e;
    if (!valid_name(words[1])) return form_error("honeypot " + quoted(words[1]) + " is not a valid field name");
    form_.honeypot = words[1];
    return {};
  }
  if (setting == "json_submissions") {
    if (auto e = one_value(); !e.empty()) return e;
    static constexpr std::pair<std::string_view, JsonSubmissions> kChoices[] = {
        {"off", JsonSubmissions::off}, {"token", JsonSubmissions::token}, {"on", JsonSubmissions::on}};
    auto choice = one_of_words(words[1], kChoices);
    if (!choice) return form_error("json_submissions takes off, token or on");
    form_.json_submissions = *choice;
    return {};
  }
  if (setting == "timezone") {
    if (auto e = one_value(); !e.empty()) return e;
    if (!time_zone_known(words[1]))
      return form_error("timezone " + quoted(words[1]) + " is not a time zone name such as Europe/Helsinki");
    form_.timezone = words[1];
    return {};
  }
  if (setting == "country") {
    if (auto e = one_value(); !e.empty()) return e;
    static constexpr std::pair<std::string_view, Country> kChoices[] = {
        {"FI", Country::FI}, {"SE", Country::SE}, {"DK", Country::DK}, {"NO", Country::NO}};
    auto choice = one_of_words(words[1], kChoices);
    if (!choice) return form_error("country " + quoted(words[1]) + " is not one civic knows (FI, SE, DK or NO)");
    form_.country = *choice;
    country_given_ = true;
    return {};
  }
  if (setting == "fields")
    return form_error("\"fields\" is a setting of a step: write it inside step NAME { ... }");
  if (is_one_of(setting, field_setting_names()))
    return form_error(quoted(setting) + " is a setting of a field: write it inside field NAME TYPE { ... }");
  return form_error(unknown_setting(setting, kFormSettings, "a form"));
}

std::string FormBuilder::begin_field(Words words, int line) {
  if (words.size() != 3) return form_error("a field is written: field NAME TYPE { ... }");
  std::string_view name = words[1];
  if (!valid_name(name))
    return form_error("the field name " + quoted(name) +
                      " is not valid (a letter, then letters, digits, \"_\" or \"-\"; at most 64)");
  if (form_.field(name)) return form_error("duplicate field " + quoted(name));
  auto type = parse_type(words[2]);
  if (!type)
    return form_error("field " + quoted(name) + ": unknown type " + quoted(words[2]) +
                      " (text, textarea, email, tel, url, number, date, select, radios, checkboxes, "
                      "checkbox, consent, file, hidden, national_id)");
  field_ = Field{};
  field_.name = name;
  field_.type = *type;
  field_.line = line;
  in_field_ = true;
  seen_settings_.clear();
  return {};
}

std::string FormBuilder::end_field() {
  if (!in_field_) return form_error("unexpected end of a field");
  in_field_ = false;
  Field& f = field_;
  if (f.has_options() && f.options.empty())
    return field_error("a " + std::string(type_name(f.type)) + " field needs at least one option");
  if (!f.max_length) f.max_length = f.type == FieldType::textarea ? kDefaultTextareaLength : kDefaultMaxLength;
  if (f.min_length && *f.min_length > *f.max_length) return field_error("min_length is larger than max_length");
  if (f.min_number && f.max_number && *f.min_number > *f.max_number) return field_error("min is larger than max");
  if (f.min_date && f.max_date && *f.min_date > *f.max_date) return field_error("min is after max");
  if (f.type == FieldType::file && f.max_size == 0) f.max_size = kDefaultMaxFileSize;
  // A hidden field stores its default whatever is posted (validate.cpp):
  // required without one, no post could ever be accepted.
  if (f.type == FieldType::hidden && f.defaults.empty() && (f.required || f.required_if))
    return field_error("a hidden field stores its default: give it a default to make it required");
  if (!f.defaults.empty()) {
    if (f.defaults.size() > 1 && !f.many_values()) return field_error("default takes one value for this field");
    for (const std::string& v : f.defaults) {
      if (f.has_options() && !f.option(v)) return field_error("default " + quoted(v) + " is not one of the options");
      if (f.is_flag() && v != "yes") return field_error("the default of a checkbox is \"yes\" (checked)");
    }
  }
  form_.fields.push_back(std::move(field_));
  field_ = Field{};
  return {};
}

std::variant<Form, FieldError> FormBuilder::finish() {
  if (in_field_) return refusal(field_error("the field block is not closed"), field_.line);
  if (in_step_) return refusal(step_error("the step block is not closed"), step_.line);
  if (form_.languages.empty())
    return refusal(form_error("needs \"languages\", as in: languages fi sv en (the first is the default)"));
  if (form_.fields.empty()) return refusal(form_error("has no fields"));
  if (!country_given_) {
    const std::string& first = form_.languages.front();
    form_.country = first == "da" ? Country::DK : first == "nb" || first == "nn" || first == "no" ? Country::NO : Country::FI;
    for (const Field& f : form_.fields)
      if (f.type == FieldType::national_id) {
        form_.country = f.country;
        break;
      }
  }
  if (form_.timezone.empty()) {
    switch (form_.country) {
      case Country::DK: form_.timezone = "Europe/Copenhagen"; break;
      case Country::SE: form_.timezone = "Europe/Stockholm"; break;
      case Country::NO: form_.timezone = "Europe/Oslo"; break;
      case Country::FI: form_.timezone = "Europe/Helsinki"; break;
    }
  }

  if (auto e = check_deliveries(); !e.empty()) return refusal(form_error(e));
  if (auto e = check_seal()) return *e;

  auto in_languages = [this](std::string_view lang) {
    return std::find(form_.languages.begin(), form_.languages.end(), lang) != form_.languages.end();
  };
  // Every label must be in one of the form's languages, so an option with no
  // label at all is the one that has none in them.
  if (!unlabeled_options_.empty()) {
    const LangUse& use = unlabeled_options_.front();
    return refusal(form_error(use.what + " has no label in the form's languages"), use.line);
  }
  for (const LangUse& use : lang_uses_) {
    if (!in_languages(use.lang)) {
      std::string list;
      for (const auto& l : form_.languages) list += (list.empty() ? "" : " ") + l;
      return refusal(form_error(use.what + " in " + quoted(use.lang) +
                                             ": not one of the form's languages (" + list + ")"), use.line);
    }
  }
  if (auto refused = check_steps(); refused) return *refused;
  if (auto refused = check_conditions(); refused) return *refused;
  if (!form_.honeypot.empty() && form_.field(form_.honeypot))
    return refusal(form_error("the honeypot " + quoted(form_.honeypot) + " has the name of a real field"));
  if (form_.receipt_prefix.empty()) {
    for (char c : form_.name) {
      if (form_.receipt_prefix.size() == 16) break;
      if (c >= 'a' && c <= 'z') form_.receipt_prefix.push_back(static_cast<char>(c - 'a' + 'A'));
      else if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) form_.receipt_prefix.push_back(c);
    }
    if (form_.receipt_prefix.empty()) form_.receipt_prefix = "FORM";
  }
  return std::move(form_);
}

}  // namespace civic::forms
