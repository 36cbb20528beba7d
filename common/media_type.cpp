#include "common/media_type.hpp"

#include <cctype>

#include "common/protocol_words.hpp"

namespace civic {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

MediaType parse_media_type(std::string_view header) {
  MediaType out;
  std::size_t semi = header.find(';');
  out.type = lower(trim_ows(header.substr(0, semi)));
  // Parameters: ; name=token or ; name="quoted string"
  std::string_view rest = semi == std::string_view::npos ? std::string_view() : header.substr(semi + 1);
  while (!rest.empty()) {
    rest = trim_ows(rest);
    std::size_t eq = rest.find('=');
    if (eq == std::string_view::npos) break;
    std::string name = lower(trim_ows(rest.substr(0, eq)));
    rest.remove_prefix(eq + 1);
    rest = trim_ows(rest);
    std::string value;
    if (!rest.empty() && rest.front() == '"') {
      std::size_t i = 1;
      for (; i < rest.size() && rest[i] != '"'; ++i) {
        if (rest[i] == '\\' && i + 1 < rest.size()) ++i;
        value.push_back(rest[i]);
      }
      rest.remove_prefix(i < rest.size() ? i + 1 : i);
      std::size_t next = rest.find(';');
      rest = next == std::string_view::npos ? std::string_view() : rest.substr(next + 1);
    } else {
      std::size_t next = rest.find(';');
      value = std::string(trim_ows(rest.substr(0, next)));
      rest = next == std::string_view::npos ? std::string_view() : rest.substr(next + 1);
    }
    if (name == "boundary") out.boundary = value;
    if (name == "charset") out.charset = lower(value);
  }
  return out;
}

}  // namespace civic
