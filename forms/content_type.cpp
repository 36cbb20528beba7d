#include "forms/decode.hpp"

#include <cctype>

namespace civic::forms {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view strip(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

ContentType parse_content_type(std::string_view header) {
  ContentType out;
  std::size_t semi = header.find(';');
  std::string media = lower(strip(header.substr(0, semi)));
  if (media == "application/x-www-form-urlencoded") out.kind = BodyKind::urlencoded;
  else if (media == "multipart/form-data") out.kind = BodyKind::multipart;
  else if (media == "application/json") out.kind = BodyKind::json;
  else return out;

  // Parameters: ; name=token or ; name="quoted string"
  std::string_view rest = semi == std::string_view::npos ? std::string_view() : header.substr(semi + 1);
  while (!rest.empty()) {
    rest = strip(rest);
    std::size_t eq = rest.find('=');
    if (eq == std::string_view::npos) break;
    std::string name = lower(strip(rest.substr(0, eq)));
    rest.remove_prefix(eq + 1);
    rest = strip(rest);
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
      value = std::string(strip(rest.substr(0, next)));
      rest = next == std::string_view::npos ? std::string_view() : rest.substr(next + 1);
    }
    if (name == "boundary") out.boundary = value;
    if (name == "charset") {
      std::string cs = lower(value);
      out.charset_ok = cs == "utf-8" || cs == "utf8";
    }
  }
  return out;
}

DecodeResult decode_body(const ContentType& type, std::string_view body, const DecodeLimits& limits) {
  switch (type.kind) {
    case BodyKind::urlencoded: return decode_urlencoded(body, limits);
    case BodyKind::multipart: return decode_multipart(body, type.boundary, limits);
    case BodyKind::json: return decode_json(body, limits);
    case BodyKind::unsupported: break;
  }
  return DecodeError{"unsupported content type", {}};
}

}  // namespace civic::forms
