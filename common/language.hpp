// Which of a form's or calendar's languages a request gets: ?lang= if it names one of them,
// else the best Accept-Language match (RFC 9110 §12.5.4, q-values; "fi-FI"
// matches "fi"), else the first of `languages`.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace civic {

std::string choose_language(std::string_view query_lang, std::string_view accept_language,
                            std::span<const std::string> languages);

}  // namespace civic
