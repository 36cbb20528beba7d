// GET /forms/{form}.json: the form as JavaScript front ends need it: fields,
// types, rules and labels in every language.
#pragma once

#include <string>
#include <string_view>

#include "forms/form.hpp"

namespace civic::forms {

// `form_url`: where the form is posted; `token`: a fresh form token.
std::string render_schema_json(const Form& form, std::string_view form_url, std::string_view token);

}  // namespace civic::forms
