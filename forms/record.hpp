// The data of an accepted submission as it is stored: a JSON object of the
// visible fields' values in the form's order (text as a string, several
// values as an array, a checkbox as true/false, files as a list of
// {"filename","content_type","size"}), written once when it is accepted so
// that reading it back is a copy.
#pragma once

#include <string>

#include "forms/form.hpp"
#include "forms/validate.hpp"

namespace civic::forms {

std::string encode_submission_data(const Form& form, const Validated& accepted);

}  // namespace civic::forms
