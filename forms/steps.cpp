#include "forms/steps.hpp"

#include <algorithm>

#include "forms/utf8.hpp"

namespace civic::forms {

namespace {

bool holds(const Form& form, const Condition& c, const FormInput& answers, std::size_t depth);

bool step_shown(const Form& form, const Step& step, const FormInput& answers, std::size_t depth) {
  return !step.show_if || holds(form, *step.show_if, answers, depth + 1);
}

bool shown(const Form& form, const Field& field, const FormInput& answers, std::size_t depth) {
  if (const Step* step = form.step_of(field.name); step && !step_shown(form, *step, answers, depth)) return false;
  return !field.show_if || holds(form, *field.show_if, answers, depth + 1);
}

// A field's values as conditions see them: a hidden field's are its
// defaults (what is stored, whatever is posted), a checkbox's "yes" when
// ticked, others what was answered (trimmed, empty ones left out).
std::vector<std::string> condition_values(const Field& f, const FormInput& answers) {
  std::vector<std::string> out;
  if (f.type == FieldType::hidden) {
    for (const std::string& d : f.defaults)
      if (!d.empty()) out.push_back(d);
    return out;
  }
  for (std::string_view v : answers.values_of(f.name)) {
    std::string_view t = trim(v);
    if (t.empty()) continue;
    if (f.is_flag()) {
      if (t == "yes" || t == "on" || t == "true" || t == "1") return {"yes"};
      continue;
    }
    out.emplace_back(t);
  }
  return out;
}

bool holds(const Form& form, const Condition& c, const FormInput& answers, std::size_t depth) {
  const Field* target = form.field(c.field);
  // The builder refuses loops; the depth bound keeps a bad form from recursing.
  if (target == nullptr || depth > 2 * (form.fields.size() + form.steps.size())) return false;
  if (!shown(form, *target, answers, depth)) return false;  // a field not shown has no value
  std::vector<std::string> values = condition_values(*target, answers);
  auto listed = [&](const std::string& v) { return std::find(c.values.begin(), c.values.end(), v) != c.values.end(); };
  switch (c.op) {
    case ConditionOp::answered: return !values.empty();
    case ConditionOp::equals: return std::any_of(values.begin(), values.end(), listed);
    case ConditionOp::not_equals: return !values.empty() && std::none_of(values.begin(), values.end(), listed);
  }
  return false;
}

std::ptrdiff_t index_of(const Form& form, const Step& step) { return &step - form.steps.data(); }

}  // namespace

bool condition_holds(const Form& form, const Condition& condition, const FormInput& answers) {
  return holds(form, condition, answers, 0);
}

bool step_visible(const Form& form, const Step& step, const FormInput& answers) {
  return step_shown(form, step, answers, 0);
}

bool field_visible(const Form& form, const Field& field, const FormInput& answers) {
  return shown(form, field, answers, 0);
}

std::vector<const Step*> visible_steps(const Form& form, const FormInput& answers) {
  std::vector<const Step*> out;
  for (const Step& s : form.steps)
    if (step_visible(form, s, answers)) out.push_back(&s);
  return out;
}

const Step* next_step(const Form& form, const FormInput& answers, const Step& current) {
  for (std::size_t i = static_cast<std::size_t>(index_of(form, current)) + 1; i < form.steps.size(); ++i)
    if (step_visible(form, form.steps[i], answers)) return &form.steps[i];
  return nullptr;
}

const Step* previous_step(const Form& form, const FormInput& answers, const Step& current) {
  for (std::ptrdiff_t i = index_of(form, current) - 1; i >= 0; --i)
    if (step_visible(form, form.steps[static_cast<std::size_t>(i)], answers)) return &form.steps[static_cast<std::size_t>(i)];
  return nullptr;
}

StepProgress step_progress(const Form& form, const FormInput& answers, const Step& current) {
  StepProgress p{1, 0};
  bool current_shown = false;
  for (const Step& s : form.steps) {
    bool visible = step_visible(form, s, answers);
    if (&s == &current) current_shown = visible;
    else if (visible && index_of(form, s) < index_of(form, current)) ++p.number;
    if (visible) ++p.count;
  }
  if (!current_shown) ++p.count;
  return p;
}

const Step* first_step_with_errors(const Form& form, const FormInput& answers, std::string_view lang) {
  for (const Step* s : visible_steps(form, answers))
    if (!validate_step(form, *s, answers, lang).ok()) return s;
  return nullptr;
}

}  // namespace civic::forms
