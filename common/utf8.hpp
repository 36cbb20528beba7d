// UTF-8 as civic takes it from the outside (form values, query strings).
#pragma once

#include <string_view>

namespace civic {

// RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF.
bool is_valid_utf8(std::string_view text);

}  // namespace civic
