// Text checks every submitted value goes through: valid UTF-8, no control
// characters, surrounding white space trimmed, length counted in characters.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/utf8.hpp"

namespace civic::forms {

using civic::is_valid_utf8;

// C0 controls, DEL and C1 controls (U+0080..U+009F). With `multiline`, tab and
// line feed are allowed (what a textarea may hold). `text` must be valid UTF-8.
bool has_control_chars(std::string_view text, bool multiline);

// Characters (code points) in valid UTF-8.
std::size_t char_count(std::string_view text);

// Without leading and trailing white space: Unicode's White_Space (U+00A0
// NO-BREAK SPACE and U+3000 IDEOGRAPHIC SPACE among them) and the zero-width
// characters (U+200B-U+200D, U+2060, U+FEFF) that pasted text brings.
std::string_view trim(std::string_view text);

// CR LF and lone CR become LF (HTML forms send textarea lines with CR LF).
std::string normalize_newlines(std::string_view text);

}  // namespace civic::forms
