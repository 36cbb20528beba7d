// Reading the request headers conditional GETs and content negotiation use
// (RFC 9110 §13.1.2, §12.5.1), without nginx.
#pragma once

#include <string_view>

namespace civic {

// If-None-Match: true if `etag` (a quoted strong tag) is in the list, by the
// weak comparison §13.1.2 asks for, or the header is "*".
bool if_none_match_hits(std::string_view header, std::string_view etag);

// The quality (0 to 1000) the Accept header gives `type` ("text/calendar"),
// through "text/*" and "*/*" too; an absent header accepts everything.
int accept_quality(std::string_view header, std::string_view type);

}  // namespace civic
