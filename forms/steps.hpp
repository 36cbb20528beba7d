// Multi-step forms (`step NAME { ... }` blocks): which steps and questions
// are shown for the answers given so far, where Continue and Back lead, and
// the checks of one step. Conditions are evaluated on the server, at every
// step and again at the final commit, over every answer known (a draft's,
// or a whole JSON submission). A question that is not shown is never
// required, never validated and never stored.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "forms/form.hpp"
#include "forms/input.hpp"
#include "forms/validate.hpp"

namespace civic::forms {

// Whether `condition` holds for `answers` (form.hpp says what each kind of
// condition means).
bool condition_holds(const Form& form, const Condition& condition, const FormInput& answers);

// A step is shown when its show_if holds (or it has none).
bool step_visible(const Form& form, const Step& step, const FormInput& answers);

// The steps shown, in order.
std::vector<const Step*> visible_steps(const Form& form, const FormInput& answers);

// Where Continue leads from `current`: the next step shown; null after the
// last one (then the check-answers page, or the submission).
const Step* next_step(const Form& form, const FormInput& answers, const Step& current);
// Where Back leads: the step shown before `current`; null from the first.
const Step* previous_step(const Form& form, const FormInput& answers, const Step& current);

// "Vaihe 2/4": `current`'s place among the steps shown (from 1) and how many
// are shown. A step that is not shown itself gets the place it would have.
struct StepProgress {
  std::size_t number = 1;
  std::size_t count = 1;
};
StepProgress step_progress(const Form& form, const FormInput& answers, const Step& current);

// The checks of validate() for the fields of `step` that are shown, with
// conditions evaluated over all `answers`; files are copied, not moved.
Validated validate_step(const Form& form, const Step& step, const FormInput& answers, std::string_view lang);

// The first step shown whose fields do not pass validate_step; null if
// every step passes.
const Step* first_step_with_errors(const Form& form, const FormInput& answers, std::string_view lang);

}  // namespace civic::forms
