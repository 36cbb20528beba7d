// sort=name: names compared as a reader of the list's language expects
// (Finnish and Swedish put å, ä and ö after z, in their own orders), by ICU
// collation keys made when an event is stored (a rendition per language).
#pragma once

#include <string>
#include <string_view>

namespace civic::calendar {

// The collation key of `name` under the rules of `lang` (a language tag);
// keys compare byte-wise as the names collate.
std::string name_sort_key(std::string_view name, std::string_view lang);

}  // namespace civic::calendar
