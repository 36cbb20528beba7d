// Durations and sizes as nginx writes them in its configuration: one parser
// for the directives, the form and calendar settings, and civicctl.
#pragma once

#include <cstdint>
#include <string_view>

namespace civic {

// "30d", "12h", "1h30m", "90s", "2" (seconds), "1y" -> seconds; -1 if
// malformed or longer than a hundred years. Units: s m h d w y.
std::int64_t parse_duration(std::string_view text);

// "5m", "100k", "1g", "512" (bytes) -> bytes; -1 if malformed or larger
// than a petabyte. Units: k m g, either case.
std::int64_t parse_size(std::string_view text);

}  // namespace civic
