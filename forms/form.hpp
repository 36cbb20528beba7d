// The form model: what a `civic_form NAME { ... }` block describes. Built once
// at configuration time by FormBuilder, then only read (by every request, in
// the event loop and in pool threads alike), so it holds no mutable state.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "forms/delivery.hpp"
#include "forms/pattern.hpp"
#include "sealing/seal_keys.hpp"

namespace civic::forms {

enum class FieldType {
  text, textarea, email, tel, url, number, date,
  select, radios, checkboxes, checkbox, consent,
  file, hidden, national_id,
};

std::string_view type_name(FieldType type);
std::optional<FieldType> parse_type(std::string_view name);

// Texts in several languages, in the order they were written.
class LocalText {
 public:
  void set(std::string_view lang, std::string_view text);
  bool empty() const noexcept { return texts_.empty(); }
  // The text in `lang`, else the first along `chain` that exists, else "".
  std::string_view in(std::string_view lang, std::span<const std::string> chain) const;
  const std::string* exact(std::string_view lang) const;
  const std::vector<std::pair<std::string, std::string>>& all() const noexcept { return texts_; }

 private:
  std::vector<std::pair<std::string, std::string>> texts_;
};

// `required_if` / `show_if` on a field or a step (docs/forms.md):
//   F=V[,V...]   F has one of the values (for fields with several values:
//                one of its values is among them)
//   F!=V[,V...]  F is shown and answered, and none of its values is among them
//   F            F is shown and answered (a checkbox or consent: checked)
// A field that is not shown has no value: only its own conditions decide.
enum class ConditionOp { equals, not_equals, answered };

struct Condition {
  std::string field;
  ConditionOp op = ConditionOp::equals;
  std::vector<std::string> values;  // equals, not_equals: at least one

  // As written: "kind=festival,market", "kind!=other", "kind".
  std::string text() const;
};

struct Option {
  std::string value;
  LocalText label;
};

// A country whose conventions a form follows: its national_id checks (FI,
// DK) and the examples citizens are shown (telephone numbers, addresses).
enum class Country { FI, DK, SE, NO };

struct Field {
  std::string name;
  FieldType type = FieldType::text;
  int line = 0;  // where it was defined, for configuration errors

  bool required = false;
  std::optional<Condition> required_if;
  std::optional<Condition> show_if;
  LocalText label;
  LocalText help;
  std::optional<std::size_t> min_length;  // in characters
  std::optional<std::size_t> max_length;  // in characters; always set after build
  std::optional<double> min_number, max_number;  // number
  std::optional<std::string> min_date, max_date;  // date, YYYY-MM-DD
  std::shared_ptr<const Pattern> pattern;
  LocalText pattern_message;
  std::vector<Option> options;  // select, radios, checkboxes
  bool multiple = false;        // select, file
  std::size_t max_size = 0;     // file: bytes per file; always set after build
  std::vector<std::string> accept;  // file: media types, "image/*" allowed
  std::vector<std::string> defaults;
  Country country = Country::FI;  // national_id

  bool has_options() const noexcept {
    return type == FieldType::select || type == FieldType::radios || type == FieldType::checkboxes;
  }
  // Several values at once: checkboxes, select multiple, file multiple.
  bool many_values() const noexcept {
    return type == FieldType::checkboxes || ((type == FieldType::select || type == FieldType::file) && multiple);
  }
  bool is_flag() const noexcept { return type == FieldType::checkbox || type == FieldType::consent; }
  const Option* option(std::string_view value) const;
};

// `step NAME { title LANG TEXT; fields F...; show_if COND; }`: one page of
// a multi-step form.
struct Step {
  std::string name;
  int line = 0;
  LocalText title;
  std::vector<std::string> fields;  // in the order shown
  std::optional<Condition> show_if;
};

enum class ConfirmKind { message, redirect };

// What a JSON post needs (json_submissions): refused outright, a form token
// fetched from the schema (as a browser posts the page's), or nothing more.
enum class JsonSubmissions { off, token, on };

struct Form {
  std::string name;
  LocalText title;
  LocalText description;
  std::vector<std::string> languages;  // first is the default; order is the fallback chain
  std::int64_t retention_seconds = 0;   // 0: kept until erased
  std::string receipt_prefix;
  ConfirmKind confirm = ConfirmKind::message;
  std::string confirm_url;             // redirect=
  LocalText confirm_message;
  std::string honeypot;                // a field name, or empty
  std::int64_t min_fill_seconds = 2;
  std::int64_t token_lifetime_seconds = 24 * 3600;
  std::uint64_t max_submissions_per_day = 0;  // 0: no limit
  JsonSubmissions json_submissions = JsonSubmissions::token;
  // `country CC`; else the country of its national_id field, else DK for a
  // form whose first language is Danish, NO for Norwegian, FI otherwise.
  Country country = Country::FI;
  // `timezone NAME`; else the country's (Europe/Helsinki for FI): the
  // exports' local times.
  std::string timezone;
  std::vector<Field> fields;
  // Where submissions go besides the store, in the order of the lines.
  std::vector<Delivery> deliveries;

  // `step NAME { ... }` blocks in order; empty: the form is one page.
  // Every field but hidden ones is in exactly one step.
  std::vector<Step> steps;
  bool check_answers = false;        // `check_answers on`: a summary page before Submit
  bool save_and_return = false;      // `save_and_return on`: "Save and continue later"
  // How long an unfinished form (a draft) is kept after its last change:
  // `save_and_return on ttl=`, else one day.
  std::int64_t draft_ttl_seconds = 24 * 3600;
  std::uint64_t max_drafts = 10000;  // `max_drafts N`: drafts kept at once
  std::vector<std::string> prefill;  // `prefill F... from=query`: fields ?F= fills
  // `seal FILE`: submissions are sealed for this public key before they
  // are stored (docs/sealing.md); null: stored as sent.
  std::optional<sealing::PublicKey> seal;
  std::string seal_file;  // where the key was read from (for messages)

  const Field* field(std::string_view name) const;
  bool has_files() const;
  bool multi_step() const noexcept { return !steps.empty(); }
  const Step* step(std::string_view name) const;
  // The step that holds field `name`; null for hidden fields or one-page forms.
  const Step* step_of(std::string_view field) const;
};

// Reserved for civic's own fields (the form token).
inline constexpr std::string_view kTokenField = "_token";

}  // namespace civic::forms
