#include "common/url.hpp"

namespace civic::url {

namespace {

bool unreserved(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

bool kept(unsigned char c, Keep keep) {
  switch (keep) {
    case Keep::unreserved:
      return unreserved(c);
    case Keep::path_segment:
      return unreserved(c) || std::string_view(":@!$&'()*+,;=").find(static_cast<char>(c)) != std::string_view::npos;
    case Keep::query_value:
      return unreserved(c) || c == ':';
    case Keep::attr_char:
      return unreserved(c) || std::string_view("!#$&+^`|").find(static_cast<char>(c)) != std::string_view::npos;
    case Keep::query_text:
      return c > 0x20 && c < 0x7f && std::string_view("<>\"\\^`{|}").find(static_cast<char>(c)) == std::string_view::npos;
  }
  return false;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string& append_encoded(std::string& out, std::string_view text, Keep keep) {
  static constexpr char hex[] = "0123456789ABCDEF";
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (kept(u, keep)) {
      out += c;
    } else {
      out += '%';
      out += hex[u >> 4];
      out += hex[u & 15];
    }
  }
  return out;
}

std::string encoded(std::string_view text, Keep keep) {
  std::string out;
  out.reserve(text.size());
  return append_encoded(out, text, keep);
}

bool percent_decode(std::string_view in, std::string& out) {
  out.clear();
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%') {
      if (i + 2 >= in.size()) return false;
      int h = hex_value(in[i + 1]);
      int l = hex_value(in[i + 2]);
      if (h < 0 || l < 0) return false;
      out += static_cast<char>(h * 16 + l);
      i += 2;
    } else {
      out += c;
    }
  }
  return true;
}

}  // namespace civic::url
