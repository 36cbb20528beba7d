#include "forms/validate.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>

#include "forms/file_type.hpp"
#include "forms/national_id.hpp"
#include "forms/steps.hpp"
#include "forms/texts.hpp"
#include "forms/utf8.hpp"

namespace civic::forms {

namespace {

// The HTML standard's "valid email address" (what browsers check).
const Pattern& email_pattern() {
  static const std::shared_ptr<const Pattern> p = std::get<0>(Pattern::compile(
      "^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
      "(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)+$"));
  return *p;
}

const Pattern& tel_pattern() {
  static const std::shared_ptr<const Pattern> p =
      std::get<0>(Pattern::compile("^\\+?[0-9](?:[0-9 ()./-]*[0-9])?$"));
  return *p;
}

const Pattern& url_pattern() {
  static const std::shared_ptr<const Pattern> p =
      std::get<0>(Pattern::compile("^(?i:https?)://[^\\s/?#@]+(?:[/?#]\\S*)?$"));
  return *p;
}

std::string number_text(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

std::size_t digit_count(std::string_view s) {
  std::size_t n = 0;
  for (char c : s) n += (c >= '0' && c <= '9');
  return n;
}

class Checker {
 public:
  Checker(const Form& form, std::string_view lang, Validated& out) : form_(form), lang_(lang), out_(out) {}

  void error(const Field& f, Text text, std::initializer_list<std::pair<std::string_view, std::string_view>> values = {}) {
    out_.errors.push_back({f.name, fill(builtin_text(text, lang_), values)});
  }

  // One text value of a field; false if it broke a rule (the error is added).
  bool check_value(const Field& f, std::string& v) {
    bool multiline = f.type == FieldType::textarea;
    if (has_control_chars(v, multiline)) {
      error(f, Text::control_chars);
      return false;
    }
    std::size_t chars = char_count(v);
    if (f.max_length && chars > *f.max_length) {
      error(f, Text::too_long, {{"n", std::to_string(*f.max_length)}});
      return false;
    }
    if (f.min_length && chars < *f.min_length) {
      error(f, Text::too_short, {{"n", std::to_string(*f.min_length)}});
      return false;
    }
    switch (f.type) {
      case FieldType::email:
        if (v.size() > 254 || !email_pattern().matches(v)) {
          error(f, Text::not_email, {{"example", email_example(form_.country, lang_)}});
          return false;
        }
        break;
      case FieldType::tel:
        if (!tel_pattern().matches(v) || digit_count(v) < 5 || digit_count(v) > 20) {
          error(f, Text::not_tel, {{"example", tel_example(form_.country)}});
          return false;
        }
        break;
      case FieldType::url:
        if (v.size() > 2000 || !url_pattern().matches(v)) return fail(f, Text::not_url);
        break;
      case FieldType::number: {
        auto n = parse_decimal(v);
        if (!n) return fail(f, Text::not_number);
        if (f.min_number && *n < *f.min_number) {
          error(f, Text::too_small, {{"min", number_text(*f.min_number)}});
          return false;
        }
        if (f.max_number && *n > *f.max_number) {
          error(f, Text::too_large, {{"max", number_text(*f.max_number)}});
          return false;
        }
        for (char& c : v)
          if (c == ',') c = '.';
        break;
      }
      case FieldType::date:
        if (!is_valid_date(v)) return fail(f, Text::not_date);
        if (f.min_date && v < *f.min_date) {
          error(f, Text::too_early, {{"min", *f.min_date}});
          return false;
        }
        if (f.max_date && v > *f.max_date) {
          error(f, Text::too_late, {{"max", *f.max_date}});
          return false;
        }
        break;
      case FieldType::select:
      case FieldType::radios:
      case FieldType::checkboxes:
        if (!f.option(v)) return fail(f, Text::not_option);
        break;
      case FieldType::national_id: {
        auto normal = f.country == Country::FI ? normalize_finnish_id(v) : normalize_danish_cpr(v);
        if (!normal) return fail(f, f.country == Country::FI ? Text::national_id_fi : Text::national_id_dk);
        v = *normal;
        break;
      }
      default:
        break;
    }
    if (f.pattern && !f.pattern->matches(v)) {
      std::string_view custom = f.pattern_message.in(lang_, form_.languages);
      out_.errors.push_back({f.name, custom.empty() ? std::string(builtin_text(Text::pattern, lang_)) : std::string(custom)});
      return false;
    }
    return true;
  }

  void check_files(const Field& f, FormInput& input, bool required_now) {
    std::vector<CleanFile> files;
    for (UploadedFile& up : input.files) {
      if (up.field != f.name) continue;
      files.push_back(CleanFile{f.name, up.filename, {}, std::move(up.content)});
    }
    if (files.empty()) {
      if (required_now) error(f, Text::required);
      return;
    }
    if (files.size() > 1 && !f.multiple) {
      error(f, Text::one_file);
      return;
    }
    for (CleanFile& file : files) {
      if (file.content.size() > f.max_size) {
        error(f, Text::file_too_large, {{"size", human_size(f.max_size)}});
        return;
      }
      file.media_type = detect_media_type(file.content);
      if (!f.accept.empty() && !media_type_accepted(file.media_type, f.accept)) {
        std::string types = readable_types(f.accept, builtin_text(Text::any_image, lang_));
        error(f, Text::file_type, {{"types", types}});
        return;
      }
    }
    for (CleanFile& file : files) out_.files.push_back(std::move(file));
  }

 private:
  bool fail(const Field& f, Text text) {
    error(f, text);
    return false;
  }

  const Form& form_;
  std::string_view lang_;
  Validated& out_;
};

}  // namespace

const FieldError* Validated::error_for(std::string_view field) const {
  for (const FieldError& e : errors)
    if (e.field == field) return &e;
  return nullptr;
}

std::optional<double> parse_decimal(std::string_view text) {
  if (text.empty() || text.size() > 40) return std::nullopt;
  std::string s(text);
  std::size_t i = 0;
  if (s[0] == '-') i = 1;
  std::size_t digits_before = 0, digits_after = 0;
  bool point = false;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c >= '0' && c <= '9') {
      (point ? digits_after : digits_before)++;
    } else if ((c == '.' || c == ',') && !point) {
      point = true;
      s[i] = '.';
    } else {
      return std::nullopt;
    }
  }
  if (digits_before == 0 || (point && digits_after == 0)) return std::nullopt;
  double v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

bool is_valid_date(std::string_view t) {
  if (t.size() != 10 || t[4] != '-' || t[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (t[i] < '0' || t[i] > '9') return false;
  auto num = [&](std::size_t from, std::size_t len) {
    int n = 0;
    for (std::size_t i = from; i < from + len; ++i) n = n * 10 + (t[i] - '0');
    return n;
  };
  return is_valid_ymd(num(0, 4), num(5, 2), num(8, 2));
}

bool says_checked(std::string_view v) { return v == "yes" || v == "on" || v == "true" || v == "1"; }

Validated validate(const Form& form, FormInput& input, std::string_view lang) {
  return validate_fields(form, input, lang, nullptr);
}

Validated validate_fields(const Form& form, FormInput& input, std::string_view lang, const Step* only) {
  Validated out;
  Checker check(form, lang, out);
  for (const Field& f : form.fields) {
    if (only && std::find(only->fields.begin(), only->fields.end(), f.name) == only->fields.end()) continue;
    if (!field_visible(form, f, input)) continue;
    bool required_now = f.required || (f.required_if && condition_holds(form, *f.required_if, input));
    if (f.type == FieldType::file) {
      check.check_files(f, input, required_now);
      continue;
    }
    std::vector<std::string> values;
    if (f.type == FieldType::hidden) {
      // What the form says, whatever a client sent back for it.
      for (const std::string& d : f.defaults)
        if (!d.empty()) values.push_back(d);
    } else {
      for (std::string_view raw : input.values_of(f.name)) {
        std::string v = f.type == FieldType::textarea ? normalize_newlines(raw) : std::string(raw);
        v = std::string(trim(v));
        if (v.empty()) continue;
        // The same option twice (a crafted post) counts once.
        if (f.many_values() && std::find(values.begin(), values.end(), v) != values.end()) continue;
        values.push_back(std::move(v));
      }
    }
    if (f.is_flag()) {
      bool checked = false;
      bool bad = false;
      for (const std::string& v : values) {
        if (says_checked(v)) checked = true;
        else if (v != "no" && v != "off" && v != "false" && v != "0") bad = true;  // those say: not checked
      }
      if (bad || values.size() > 1) {
        check.error(f, Text::one_value);
        continue;
      }
      if (!checked && required_now) {
        check.error(f, f.type == FieldType::consent ? Text::consent_required : Text::required);
        continue;
      }
      out.values.push_back(CleanValue{&f, {}, checked});
      continue;
    }
    if (values.empty()) {
      if (required_now) check.error(f, Text::required);
      continue;
    }
    if (values.size() > 1 && !f.many_values()) {
      check.error(f, Text::one_value);
      continue;
    }
    bool ok = true;
    for (std::string& v : values) {
      if (!check.check_value(f, v)) {
        ok = false;
        break;
      }
    }
    if (ok) out.values.push_back(CleanValue{&f, std::move(values), false});
  }
  if (!out.ok()) out.values.clear();
  return out;
}

}  // namespace civic::forms
