#include "forms/steps.hpp"

#include <algorithm>

#include "forms/utf8.hpp"

namespace civic::forms {

namespace {

// Conditions may chain (a field shown when another is shown ...); finish()
// refuses loops, and the depth bound keeps a form built otherwise finite.
std::size_t depth_bound(const Form& form) { return form.fields.size() + form.steps.size() + 1; }

bool holds(const Form& form, const Condition& c, const FormInput& answers, std::size_t depth);

bool step_shown(const Form& form, const Step& step, const FormInput& answers, std::size_t depth) {
  return !step.show_if || holds(form, *step.show_if, answers, depth + 1);
}

bool field_shown(const Form& form, const Field& field, const FormInput& answers, std::size_t depth) {
  if (const Step* s = form.step_of(field.name); s && !step_shown(form, *s, answers, depth)) return false;
  return !field.show_if || holds(form, *field.show_if, answers, depth + 1);
}

// The values a condition compares: a hidden field's defaults, "yes" for a
// checked flag, else the trimmed non-empty answers.
std::vector<std::string_view> values_for_conditions(const Field& field, const FormInput& answers) {
  std::vector<std::string_view> out;
  if (field.type == FieldType::hidden) {
    for (const std::string& d : field.defaults)
      if (!d.empty()) out.emplace_back(d);
    return out;
  }
  for (std::string_view v : answers.values_of(field.name)) {
    v = trim(v);
    if (field.is_flag()) {
      if (says_checked(v)) return {"yes"};
    } else if (!v.empty()) {
      out.push_back(v);
    }
  }
  return out;
}

bool holds(const Form& form, const Condition& c, const FormInput& answers, std::size_t depth) {
  const Field* target = form.field(c.field);
  if (target == nullptr || depth > depth_bound(form)) return false;
  if (!field_shown(form, *target, answers, depth)) return false;
  std::vector<std::string_view> values = values_for_conditions(*target, answers);
  if (values.empty()) return false;
  auto listed = [&](std::string_view v) { return std::find(c.values.begin(), c.values.end(), v) != c.values.end(); };
  switch (c.op) {
    case ConditionOp::answered: return true;
    case ConditionOp::equals: return std::any_of(values.begin(), values.end(), listed);
    case ConditionOp::not_equals: return std::none_of(values.begin(), values.end(), listed);
  }
  return false;
}

}  // namespace

bool condition_holds(const Form& form, const Condition& condition, const FormInput& answers) {
  return holds(form, condition, answers, 0);
}

bool field_visible(const Form& form, const Field& field, const FormInput& answers) {
  return field_shown(form, field, answers, 0);
}

bool step_visible(const Form& form, const Step& step, const FormInput& answers) {
  return step_shown(form, step, answers, 0);
}

std::vector<const Step*> visible_steps(const Form& form, const FormInput& answers) {
  std::vector<const Step*> out;
  for (const Step& s : form.steps)
    if (step_visible(form, s, answers)) out.push_back(&s);
  return out;
}

const Step* next_step(const Form& form, const FormInput& answers, const Step& current) {
  bool after = false;
  for (const Step& s : form.steps) {
    if (after && step_visible(form, s, answers)) return &s;
    if (&s == &current) after = true;
  }
  return nullptr;
}

const Step* previous_step(const Form& form, const FormInput& answers, const Step& current) {
  const Step* before = nullptr;
  for (const Step& s : form.steps) {
    if (&s == &current) return before;
    if (step_visible(form, s, answers)) before = &s;
  }
  return nullptr;
}

StepProgress step_progress(const Form& form, const FormInput& answers, const Step& current) {
  // The current step counts even when not shown: the place it would have.
  StepProgress p{1, 0};
  bool reached = false;
  for (const Step& s : form.steps) {
    bool is_current = &s == &current;
    if (!is_current && !step_visible(form, s, answers)) continue;
    ++p.count;
    if (is_current) reached = true;
    else if (!reached) ++p.number;
  }
  if (p.count == 0) p.count = 1;
  return p;
}

Validated validate_step(const Form& form, const Step& step, const FormInput& answers, std::string_view lang) {
  // validate() moves files out of its input: give it a copy holding the
  // step's files alone (the values are all needed, for the conditions).
  FormInput copy;
  copy.values = answers.values;
  for (const UploadedFile& f : answers.files)
    if (std::find(step.fields.begin(), step.fields.end(), f.field) != step.fields.end()) copy.files.push_back(f);
  return validate_fields(form, copy, lang, &step);
}

const Step* first_step_with_errors(const Form& form, const FormInput& answers, std::string_view lang) {
  for (const Step* s : visible_steps(form, answers))
    if (!validate_step(form, *s, answers, lang).ok()) return s;
  return nullptr;
}

}  // namespace civic::forms
