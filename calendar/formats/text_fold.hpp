// Case-insensitive matching in any language for the `text` filter: texts are
// case-folded with ICU (Unicode full case folding: "Ä" and "ä", "STRASSE" and
// "straße" match) when an event is stored, and the query once per request.
#pragma once

#include <string>
#include <string_view>

namespace civic::calendar {

std::string fold_case(std::string_view utf8);

}  // namespace civic::calendar
