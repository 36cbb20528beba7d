// Multi-step forms in a civic_form block: `step NAME { ... }` blocks, the
// form settings that only they use (check_answers, save_and_return,
// max_drafts) and prefill, and the checks finish() makes of them and of
// every condition.
#include <algorithm>

#include "common/config_hints.hpp"
#include "common/quantity.hpp"
#include "common/quote.hpp"
#include "forms/form_builder.hpp"
#include "forms/setting_words.hpp"

namespace civic::forms {

using namespace setting_words;

namespace {

constexpr std::string_view kStepSettings[] = {"title", "fields", "show_if"};
// Words a step may not be called: the pages of a journey (?step=check, ?step=saved).
constexpr std::string_view kReservedSteps[] = {"check", "saved"};
constexpr std::int64_t kDefaultSaveTtl = 30 * 86400;
constexpr std::uint64_t kLargestMaxDrafts = 10'000'000;

bool on_off(std::string_view word, bool& out) {
  if (word == "on" || word == "off") {
    out = word == "on";
    return true;
  }
  return false;
}

}  // namespace

std::string FormBuilder::step_error(std::string_view text) const {
  return form_error("step " + quoted(step_.name) + ": " + std::string(text));
}

std::string FormBuilder::begin_step(Words words, int line) {
  if (in_field_ || in_step_) return form_error("a step block cannot be inside another block");
  if (words.size() != 2) return form_error("a step is written: step NAME { title LANG \"...\"; fields A B; }");
  std::string_view name = words[1];
  if (!valid_name(name))
    return form_error("the step name " + quoted(name) +
                      " is not valid (a letter, then letters, digits, \"_\" or \"-\"; at most 64)");
  if (is_one_of(name, kReservedSteps))
    return form_error("a step cannot be called " + quoted(name) + ": ?step=" + std::string(name) +
                      " is a page of every multi-step form");
  if (form_.step(name)) return form_error("duplicate step " + quoted(name));
  step_ = Step{};
  step_.name = name;
  step_.line = line;
  in_step_ = true;
  seen_step_settings_.clear();
  return {};
}

std::string FormBuilder::step_setting(Words words, int line) {
  if (words.empty()) return step_error("empty line");
  std::string_view setting = words[0];
  if (!is_one_of(setting, kStepSettings))
    return step_error(unknown_setting(setting, kStepSettings, "a step"));
  if (setting == "title") {
    std::string e = set_text(step_.title, words, line, "title", false);
    if (e.empty()) return e;
    // "civic_form "x": ..." → "civic_form "x": step "y": ..."
    std::string prefix = form_error("");
    return step_error(e.starts_with(prefix) ? std::string_view(e).substr(prefix.size()) : std::string_view(e));
  }
  if (std::find(seen_step_settings_.begin(), seen_step_settings_.end(), setting) != seen_step_settings_.end())
    return step_error("duplicate " + quoted(setting));
  seen_step_settings_.emplace_back(setting);
  if (setting == "fields") {
    if (words.size() < 2) return step_error("fields needs at least one field, as in: fields name email");
    for (std::string_view f : words.subspan(1)) {
      if (!valid_name(f)) return step_error(quoted(f) + " is not a field name" + missing_semicolon(words, kStepSettings));
      if (std::find(step_.fields.begin(), step_.fields.end(), f) != step_.fields.end())
        return step_error("field " + quoted(f) + " is listed twice");
      step_.fields.emplace_back(f);
    }
    return {};
  }
  // show_if
  if (words.size() != 2)
    return step_error("show_if takes one condition, as in: show_if kind=festival" + missing_semicolon(words, kStepSettings));
  auto condition = parse_condition(words[1]);
  if (!condition)
    return step_error("show_if is written FIELD=VALUE[,VALUE...], FIELD!=VALUE[,VALUE...] or FIELD, as in: show_if kind=festival");
  step_.show_if = *condition;
  conditions_.push_back({step_.name, "show_if", *condition, line, true});
  return {};
}

std::string FormBuilder::end_step() {
  if (!in_step_) return form_error("unexpected end of a step");
  in_step_ = false;
  if (step_.fields.empty()) return step_error("has no fields: add fields A B;");
  form_.steps.push_back(std::move(step_));
  step_ = Step{};
  return {};
}

std::string FormBuilder::set_journey(std::string_view setting, Words words, int line) {
  if (setting == "check_answers") {
    if (words.size() != 2 || !on_off(words[1], form_.check_answers))
      return form_error("check_answers takes on or off" + missing_semicolon(words, form_setting_names()));
    check_answers_line_ = line;
    return {};
  }
  if (setting == "save_and_return") {
    if (words.size() < 2 || words.size() > 3 || !on_off(words[1], form_.save_and_return))
      return form_error("save_and_return takes on or off and a ttl, as in: save_and_return on ttl=30d" +
                        missing_semicolon(words, form_setting_names()));
    std::int64_t ttl = kDefaultSaveTtl;
    if (words.size() == 3) {
      if (!words[2].starts_with("ttl=")) return form_error("save_and_return: " + quoted(words[2]) + " is not ttl=DURATION");
      ttl = parse_duration(words[2].substr(4));
      if (ttl < 3600 || ttl > 366 * 86400)
        return form_error("save_and_return ttl=" + std::string(words[2].substr(4)) +
                          " is not a duration from 1h to 366d (such as 30d)");
    }
    if (form_.save_and_return) form_.draft_ttl_seconds = ttl;
    save_and_return_line_ = line;
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
  // prefill F... from=query
  if (words.size() < 3 || words.back() != "from=query")
    return form_error("prefill lists fields and where from, as in: prefill name email from=query");
  for (std::string_view f : words.subspan(1, words.size() - 2)) {
    if (!valid_name(f)) return form_error("prefill: " + quoted(f) + " is not a field name");
    if (std::find(form_.prefill.begin(), form_.prefill.end(), f) != form_.prefill.end())
      return form_error("prefill: field " + quoted(f) + " is listed twice");
    form_.prefill.emplace_back(f);
  }
  prefill_line_ = line;
  return {};
}

std::optional<FieldError> FormBuilder::check_condition(const ConditionUse& use) const {
  const Condition& c = use.condition;
  const Field* target = form_.field(c.field);
  std::string where = (use.on_step ? "step " : "field ") + quoted(use.field) + ": " + use.setting + " ";
  if (!target)
    return refusal(form_error(where + "names the field " + quoted(c.field) + ", which this form does not have"), use.line);
  for (const std::string& v : c.values)
    if (target->has_options() && !target->option(v))
      return refusal(form_error(where + quoted(v) + " is not an option of field " + quoted(target->name)), use.line);
  if (target->is_flag() && !(c.op == ConditionOp::answered || (c.op == ConditionOp::equals && c.values == std::vector<std::string>{"yes"})))
    return refusal(form_error(where + "a checkbox is a condition when ticked: write " + use.setting + " " + c.field), use.line);
  if (target->type == FieldType::file) return refusal(form_error(where + "cannot depend on a file field"), use.line);
  if (form_.multi_step()) {
    // Conditions look back: at the step's own questions or earlier ones.
    auto place = [this](const Step* s) { return s ? s - form_.steps.data() : -1; };
    const Step* owner = use.on_step ? form_.step(use.field) : form_.step_of(use.field);
    const Step* home = form_.step_of(c.field);
    if (owner && home && (place(home) > place(owner) || (use.on_step && home == owner)))
      return refusal(form_error(where + "names field " + quoted(c.field) + " of step " + quoted(home->name) +
                                (use.on_step ? ", which is not before this step" : ", which comes after this field's step")),
                     use.line);
  }
  return std::nullopt;
}

std::optional<FieldError> FormBuilder::check_steps() const {
  if (!form_.multi_step()) {
    if (form_.check_answers) return refusal(form_error("check_answers needs step blocks"), check_answers_line_);
    if (form_.save_and_return) return refusal(form_error("save_and_return needs step blocks"), save_and_return_line_);
  }
  for (const Step& s : form_.steps) {
    for (const std::string& name : s.fields) {
      const Field* f = form_.field(name);
      if (!f)
        return refusal(form_error("step " + quoted(s.name) + " lists the field " + quoted(name) +
                                  ", which this form does not have"), s.line);
      if (f->type == FieldType::hidden)
        return refusal(form_error("step " + quoted(s.name) + ": field " + quoted(name) +
                                  " is hidden: it belongs to no step"), s.line);
      if (form_.step_of(name) != &s)
        return refusal(form_error("field " + quoted(name) + " is in two steps, " + quoted(form_.step_of(name)->name) +
                                  " and " + quoted(s.name)), s.line);
    }
  }
  if (form_.multi_step()) {
    for (const Field& f : form_.fields)
      if (f.type != FieldType::hidden && !form_.step_of(f.name))
        return refusal(form_error("field " + quoted(f.name) + " is in no step: list it in one step's fields"), f.line);
  }
  for (const std::string& name : form_.prefill) {
    const Field* f = form_.field(name);
    if (!f) return refusal(form_error("prefill names the field " + quoted(name) + ", which this form does not have"), prefill_line_);
    std::string_view why = f->type == FieldType::file      ? "a file cannot come from an address"
                           : f->type == FieldType::hidden  ? "a hidden field stores its default"
                           : f->type == FieldType::consent ? "consent is given by the citizen, never by a link"
                           : f->type == FieldType::national_id ? "an identity code must not travel in addresses"
                                                               : "";
    if (!why.empty()) return refusal(form_error("prefill: field " + quoted(name) + " cannot be prefilled: " + std::string(why)), prefill_line_);
  }
  return std::nullopt;
}

}  // namespace civic::forms
