// The settings of multi-step forms: `step NAME { ... }` blocks and the form
// lines check_answers, save_and_return, max_drafts and prefill; and the
// checks finish() makes of them and of every condition.
#include <algorithm>
#include <vector>

#include "common/config_hints.hpp"
#include "common/quantity.hpp"
#include "common/quote.hpp"
#include "forms/form_builder.hpp"
#include "forms/setting_words.hpp"
#include "forms/utf8.hpp"

namespace civic::forms {

using namespace setting_words;

namespace {

constexpr std::string_view kStepSettings[] = {"title", "fields", "show_if"};
constexpr std::int64_t kDefaultSavedDraftTtl = 30 * 86400;
constexpr std::size_t kLargestMaxDrafts = 10'000'000;
// The name of the check-answers page in a step's place.
constexpr std::string_view kCheckPage = "check";

FieldError refused(std::string text, int line) {
  FieldError error;
  error.message = std::move(text);
  error.line = line;
  return error;
}

bool on_or_off(std::string_view word, bool& out) {
  if (word != "on" && word != "off") return false;
  out = word == "on";
  return true;
}

// Why a URL may not fill a field of this type; "" if it may.
std::string_view no_prefill_reason(FieldType type) {
  switch (type) {
    case FieldType::file: return "a file cannot come in a URL";
    case FieldType::hidden: return "a hidden field always stores its default";
    case FieldType::consent: return "consent is given actively, by the citizen, never filled in for them";
    case FieldType::national_id: return "an identity code must not travel in URLs (they end up in logs and histories)";
    default: return {};
  }
}

}  // namespace

std::span<const std::string_view> FormBuilder::step_setting_names() { return kStepSettings; }

std::string FormBuilder::step_error(std::string_view text) const {
  return form_error("step " + quoted(step_.name) + ": " + std::string(text));
}

std::string FormBuilder::begin_step(Words words, int line) {
  if (in_field_ || in_step_) return form_error("a step block cannot be inside another block");
  if (words.size() != 2) return form_error("a step is written: step NAME { title LANG \"TEXT\"; fields F1 F2; }");
  std::string_view name = words[1];
  if (!valid_name(name))
    return form_error("the step name " + quoted(name) +
                      " is not valid (a letter, then letters, digits, \"_\" or \"-\"; at most 64)");
  if (name == kCheckPage) return form_error("the step name \"check\" is reserved for the check-answers page");
  if (form_.step(name)) return form_error("duplicate step " + quoted(name));
  step_ = Step{};
  step_.name = name;
  step_.line = line;
  in_step_ = true;
  seen_step_settings_.clear();
  return {};
}

std::string FormBuilder::step_setting(Words words, int line) {
  if (!in_step_ || words.empty()) return form_error("unexpected line in a step");
  std::string_view setting = words[0];
  if (!is_one_of(setting, kStepSettings)) {
    if (is_one_of(setting, form_setting_names()) || is_one_of(setting, field_setting_names()))
      return step_error(quoted(setting) + " is not a setting of a step (those are: title, fields, show_if)");
    return step_error(unknown_setting(setting, kStepSettings, "a step"));
  }
  if (setting != "title") {
    if (std::find(seen_step_settings_.begin(), seen_step_settings_.end(), setting) != seen_step_settings_.end())
      return step_error("duplicate " + quoted(setting));
    seen_step_settings_.emplace_back(setting);
  }
  if (setting == "title") {
    if (words.size() != 3)
      return step_error("title takes a language and a text, as in: title en \"...\"" + missing_semicolon(words, kStepSettings));
    if (!valid_language(words[1])) return step_error(quoted(words[1]) + " is not a language code (two or three lowercase letters)");
    if (!is_valid_utf8(words[2])) return step_error("title is not valid UTF-8");
    if (step_.title.exact(words[1])) return step_error("duplicate title in " + quoted(words[1]));
    step_.title.set(words[1], words[2]);
    lang_uses_.push_back({std::string(words[1]), line, "step " + quoted(step_.name) + ": title"});
    return {};
  }
  if (setting == "fields") {
    if (words.size() < 2) return step_error("fields lists the step's fields, as in: fields name email");
    for (std::string_view f : words.subspan(1)) {
      if (is_one_of(f, kStepSettings)) return step_error("fields: " + missing_semicolon(words, kStepSettings));
      if (!valid_name(f)) return step_error("fields: " + quoted(f) + " is not a field name");
      if (std::find(step_.fields.begin(), step_.fields.end(), f) != step_.fields.end())
        return step_error("fields: " + quoted(f) + " is listed twice");
      step_.fields.emplace_back(f);
    }
    return {};
  }
  if (words.size() != 2) return step_error("show_if takes one condition, as in: show_if kind=festival" + missing_semicolon(words, kStepSettings));
  auto condition = parse_condition(words[1]);
  if (!condition)
    return step_error("show_if is written FIELD=VALUE[,VALUE...], FIELD!=VALUE[,VALUE...] or FIELD, as in: show_if kind=festival");
  step_.show_if = *condition;
  conditions_.push_back({{}, step_.name, "show_if", *condition, line});
  return {};
}

std::string FormBuilder::end_step() {
  if (!in_step_) return form_error("unexpected end of a step");
  in_step_ = false;
  if (step_.fields.empty()) return step_error("needs at least one field: fields F1 F2 ...");
  form_.steps.push_back(std::move(step_));
  step_ = Step{};
  return {};
}

// check_answers on|off; save_and_return on|off [ttl=DURATION]; max_drafts N;
// prefill F... from=query
std::string FormBuilder::set_journey(Words words, int line) {
  std::string_view setting = words[0];
  if (setting == "check_answers") {
    if (words.size() != 2 || !on_or_off(words[1], form_.check_answers))
      return form_error("check_answers takes on or off" + missing_semicolon(words, form_setting_names()));
    check_answers_line_ = form_.check_answers ? line : 0;
    return {};
  }
  if (setting == "save_and_return") {
    if (words.size() < 2 || words.size() > 3 || !on_or_off(words[1], form_.save_and_return))
      return form_error("save_and_return takes on or off, and a ttl, as in: save_and_return on ttl=30d" +
                        missing_semicolon(words, form_setting_names()));
    save_and_return_line_ = form_.save_and_return ? line : 0;
    if (!form_.save_and_return) {
      if (words.size() == 3) return form_error("save_and_return off takes no ttl");
      return {};
    }
    form_.draft_ttl_seconds = kDefaultSavedDraftTtl;
    if (words.size() == 3) {
      if (!words[2].starts_with("ttl="))
        return form_error("save_and_return: " + quoted(words[2]) + " is not ttl=DURATION (such as ttl=30d)");
      long long s = parse_duration(words[2].substr(4));
      if (s < 60)
        return form_error("save_and_return: " + quoted(words[2]) + " is not a duration of at least a minute (such as ttl=30d, 12h or 6w)");
      form_.draft_ttl_seconds = s;
    }
    return {};
  }
  if (setting == "max_drafts") {
    std::size_t n = 0;
    if (words.size() != 2 || !parse_count(words[1], n) || n == 0 || n > kLargestMaxDrafts)
      return form_error("max_drafts takes a whole number from 1 to " + std::to_string(kLargestMaxDrafts) +
                        missing_semicolon(words, form_setting_names()));
    form_.max_drafts = n;
    return {};
  }
  // prefill
  if (words.size() < 3 || words.back() != "from=query")
    return form_error("prefill lists fields and where their values come from, as in: prefill topic area from=query");
  for (std::string_view f : words.subspan(1, words.size() - 2)) {
    if (f.starts_with("from=")) return form_error("prefill: " + quoted(f) + ": the only source is from=query");
    if (!valid_name(f)) return form_error("prefill: " + quoted(f) + " is not a field name");
    if (std::find(form_.prefill.begin(), form_.prefill.end(), f) != form_.prefill.end())
      return form_error("prefill: " + quoted(f) + " is listed twice");
    form_.prefill.emplace_back(f);
  }
  prefill_line_ = line;
  return {};
}

std::optional<FieldError> FormBuilder::check_steps() const {
  if (check_answers_line_ && !form_.multi_step())
    return refused(form_error("check_answers on needs step blocks (step NAME { ... }): this form is one page"), check_answers_line_);
  if (save_and_return_line_ && !form_.multi_step())
    return refused(form_error("save_and_return on needs step blocks (step NAME { ... }): this form is one page"),
                   save_and_return_line_);
  for (const std::string& name : form_.prefill) {
    const Field* f = form_.field(name);
    if (!f) return refused(form_error("prefill names the field " + quoted(name) + ", which this form does not have"), prefill_line_);
    if (auto why = no_prefill_reason(f->type); !why.empty())
      return refused(form_error("prefill: field " + quoted(name) + " cannot be filled from a URL: " + std::string(why)),
                     prefill_line_);
  }
  if (!form_.multi_step()) return std::nullopt;
  for (std::size_t i = 0; i < form_.steps.size(); ++i) {
    const Step& s = form_.steps[i];
    for (const std::string& name : s.fields) {
      std::string where = "step " + quoted(s.name) + ": ";
      const Field* f = form_.field(name);
      if (!f) return refused(form_error(where + "names the field " + quoted(name) + ", which this form does not have"), s.line);
      if (f->type == FieldType::hidden)
        return refused(form_error(where + "field " + quoted(name) + " is hidden: hidden fields belong to no step"), s.line);
      for (std::size_t j = 0; j < i; ++j)
        if (std::find(form_.steps[j].fields.begin(), form_.steps[j].fields.end(), name) != form_.steps[j].fields.end())
          return refused(form_error(where + "field " + quoted(name) + " is already in step " + quoted(form_.steps[j].name)),
                         s.line);
    }
  }
  for (const Field& f : form_.fields)
    if (f.type != FieldType::hidden && !form_.step_of(f.name))
      return refused(form_error("field " + quoted(f.name) + " is in no step: once a form has steps, every field but "
                                "hidden ones is listed in one step's fields"), f.line);
  return std::nullopt;
}

std::optional<FieldError> FormBuilder::check_conditions() const {
  auto step_index = [this](const Step* s) -> std::ptrdiff_t { return s ? s - form_.steps.data() : -1; };
  for (const ConditionUse& use : conditions_) {
    const Condition& c = use.condition;
    const Field* target = form_.field(c.field);
    std::string where = (use.step.empty() ? "field " + quoted(use.field) : "step " + quoted(use.step)) + ": " + use.setting + " ";
    if (!target)
      return refused(form_error(where + "names the field " + quoted(c.field) + ", which this form does not have"), use.line);
    if (target->type == FieldType::file) return refused(form_error(where + "cannot depend on a file field"), use.line);
    if (target->is_flag() && c.op != ConditionOp::answered && (c.values.size() != 1 || c.values.front() != "yes"))
      return refused(form_error(where + "a checkbox is compared with \"yes\" (checked), as in: " + c.field + " or " +
                                c.field + "=yes"), use.line);
    if (target->has_options())
      for (const std::string& v : c.values)
        if (!target->option(v))
          return refused(form_error(where + quoted(v) + " is not an option of field " + quoted(target->name)), use.line);
    if (!form_.multi_step() || target->type == FieldType::hidden) continue;
    // Conditions are evaluated as the citizen goes: an answer not given yet
    // (a later step's) cannot decide.
    std::ptrdiff_t target_at = step_index(form_.step_of(c.field));
    std::ptrdiff_t own_at = use.step.empty() ? step_index(form_.step_of(use.field)) : step_index(form_.step(use.step));
    if (own_at < 0) continue;  // a hidden field's condition
    if (!use.step.empty() && target_at >= own_at)
      return refused(form_error(where + "names field " + quoted(c.field) + " of step " + quoted(form_.steps[target_at].name) +
                                ": a step's show_if names a field of an earlier step"), use.line);
    if (use.step.empty() && target_at > own_at)
      return refused(form_error(where + "names field " + quoted(c.field) + " of the later step " +
                                quoted(form_.steps[target_at].name) + ": a condition names a field of an earlier step or of its own"),
                     use.line);
  }
  // A show_if chain that comes back to where it started could never be shown.
  for (const Field& f : form_.fields) {
    const Field* at = &f;
    for (std::size_t n = 0; at && at->show_if; ++n) {
      if (n > form_.fields.size())
        return refused(form_error("field " + quoted(f.name) + ": its show_if conditions form a loop"), f.line);
      at = form_.field(at->show_if->field);
    }
  }
  return std::nullopt;
}

}  // namespace civic::forms
