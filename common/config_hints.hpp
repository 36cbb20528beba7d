// Help for a sysadmin who mistyped a block of nginx.conf (civic_form,
// civic_calendar): the known settings when a word is unknown, with the
// closest one; and a missing ";" when a setting got the words of the next.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace civic {

// "unknown setting "maxlength" (did you mean "max_length"?); the settings of
// a field are: required, ..." (`of_what`: "a field").
std::string unknown_setting(std::string_view word, std::span<const std::string_view> known, std::string_view of_what);

// "; is a ";" missing after "max_length 200"?" when a later word of `words`
// is one of `known`, else "".
std::string missing_semicolon(std::span<const std::string_view> words, std::span<const std::string_view> known);

bool is_one_of(std::string_view word, std::span<const std::string_view> list);

}  // namespace civic
