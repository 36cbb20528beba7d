// A word from nginx.conf quoted for an error message: in double quotes, with
// control bytes (a NUL, an escape sequence) written as \xNN so that the
// message prints whole and cannot move a terminal's cursor.
#pragma once

#include <string>
#include <string_view>

namespace civic {

inline std::string quoted(std::string_view word) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out = "\"";
  for (char c : word) {
    auto b = static_cast<unsigned char>(c);
    if (b < 0x20 || b == 0x7f) {
      out += "\\x";
      out.push_back(digits[b >> 4]);
      out.push_back(digits[b & 15]);
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
  return out;
}

}  // namespace civic
