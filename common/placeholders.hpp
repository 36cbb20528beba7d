// Texts with {key} placeholders, as civic's own words are written (forms'
// pages and errors, delivery's e-mails).
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace civic {

// Replaces {key} in `pattern` with the value given for it; an unknown {key}
// and an unclosed "{" stay as they are. Values are not searched again.
std::string fill(std::string_view pattern, std::initializer_list<std::pair<std::string_view, std::string_view>> values);

}  // namespace civic
