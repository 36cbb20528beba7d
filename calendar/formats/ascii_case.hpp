// ASCII case for iCalendar names (RFC 5545 §2: property, parameter and
// component names are case-insensitive), shared by the .ics readers.
#pragma once

#include <cctype>
#include <string>
#include <string_view>

namespace civic::calendar {

// Whether `s` starts with `prefix` (given in upper case), ignoring case.
inline bool starts_with_nocase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (std::toupper(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  return true;
}

inline std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace civic::calendar
