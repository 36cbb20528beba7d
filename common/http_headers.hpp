// Reading the request headers conditional GETs and content negotiation use
// (RFC 9110 §13.1.2, §12.5.1), without nginx.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace civic {

// If-None-Match: true if `etag` (a quoted strong tag) is in the list, by the
// weak comparison §13.1.2 asks for, or the header is "*".
bool if_none_match_hits(std::string_view header, std::string_view etag);

// The Last-Modified an answer carries: its resource's time, but never later
// than the answer itself (RFC 9110 §8.8.2.1).
std::int64_t sent_last_modified(std::int64_t last_modified, std::int64_t now);

// Whether the client's copy is current (RFC 9110 §13.2.2): If-None-Match if
// given, else If-Modified-Since (`modified_since`, a parsed time; nullopt
// if absent or malformed) against the Last-Modified that was sent, so that
// sending back exactly what came gets a 304.
bool client_copy_is_current(std::optional<std::string_view> if_none_match, std::optional<std::int64_t> modified_since,
                            std::string_view etag, std::int64_t last_modified, std::int64_t now);

// One element of a weighted list ("text/html;q=0.8", "fi;q=0.5"): what it
// names, and its weight in thousandths (RFC 9110 §12.4.2): 1000 without a q
// parameter, nullopt when the q parameter is not a qvalue ("q=2", "q=0.5x").
struct WeightedElement {
  std::string_view range;
  std::optional<int> weight;
};
WeightedElement weighted_element(std::string_view element);

// The quality (0 to 1000) the Accept header gives `type` ("text/calendar"),
// through "text/*" and "*/*" too; an absent header accepts everything and
// a malformed weight counts as 1 (lenient with clients).
int accept_quality(std::string_view header, std::string_view type);

}  // namespace civic
