// Writing iCalendar content lines (RFC 5545 §3.1): TEXT escaping, parameter
// quoting, and folding at 75 octets without splitting a UTF-8 character.
#pragma once

#include <string>
#include <string_view>

namespace civic::calendar {

// RFC 5545 §3.3.11: backslash, semicolon, comma and newline are escaped; a
// CR (alone or before LF) becomes one newline. Other control characters,
// which TEXT may not hold, are dropped.
std::string escape_text(std::string_view text);

// The text a reader (libical) gets back from escape_text(text): the same
// changes (line ends, tabs, control characters) without the escapes, and
// without spaces at either end.
std::string text_read_back(std::string_view text);

// A parameter value (RFC 5545 §3.2): quoted when it holds ':', ';' or ',';
// DQUOTE and control characters, which cannot appear in one, are dropped.
std::string param_value(std::string_view value);

// The value param_value writes, without its quotes: what a reader gets back.
std::string clean_param(std::string_view value);

// Appends one content line to `out`: `name_and_params` + ':' + `value`,
// folded (CRLF + one space) so that no line exceeds 75 octets, and ended by
// CRLF. The value must already be escaped as its type requires.
void append_line(std::string& out, std::string_view name_and_params, std::string_view value);

// Appends "NAME:value" with TEXT escaping, or nothing if `text` is empty.
void append_text_line(std::string& out, std::string_view name_and_params, std::string_view text);

}  // namespace civic::calendar
