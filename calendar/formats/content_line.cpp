#include "calendar/formats/content_line.hpp"

namespace civic::calendar {

namespace {

// RFC 5545 §3.1: "Lines of text SHOULD NOT be longer than 75 octets,
// excluding the line break."
constexpr std::size_t kMaxOctets = 75;

bool is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

}  // namespace

std::string escape_text(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 8);
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    switch (c) {
      case '\\': out += "\\\\"; break;
      case ';': out += "\\;"; break;
      case ',': out += "\\,"; break;
      case '\n': out += "\\n"; break;
      case '\r':
        if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
        out += "\\n";
        break;
      case '\t': out += ' '; break;  // HTAB is allowed, but a space reads the same everywhere
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) break;  // CONTROL: not allowed in TEXT
        out += c;
    }
  }
  return out;
}

std::string param_value(std::string_view value) {
  std::string clean;
  bool quote = false;
  for (char c : value) {
    auto u = static_cast<unsigned char>(c);
    if (c == '"' || u < 0x20 || u == 0x7f) continue;
    if (c == ':' || c == ';' || c == ',') quote = true;
    clean += c;
  }
  if (!quote) return clean;
  return '"' + clean + '"';
}

void append_line(std::string& out, std::string_view name_and_params, std::string_view value) {
  std::string line;
  line.reserve(name_and_params.size() + 1 + value.size());
  line.append(name_and_params).append(1, ':').append(value);

  std::size_t pos = 0;
  std::size_t room = kMaxOctets;  // the first line has 75 octets; each continuation 74 after its space
  while (line.size() - pos > room) {
    std::size_t cut = pos + room;
    // Never inside a UTF-8 sequence: move back to the start of the character.
    while (cut > pos && is_continuation(static_cast<unsigned char>(line[cut]))) --cut;
    if (cut == pos) cut = pos + room;  // not UTF-8 at all; cut anyway
    out.append(line, pos, cut - pos);
    out.append("\r\n ");
    pos = cut;
    room = kMaxOctets - 1;
  }
  out.append(line, pos, std::string::npos);
  out.append("\r\n");
}

void append_text_line(std::string& out, std::string_view name_and_params, std::string_view text) {
  if (text.empty()) return;
  append_line(out, name_and_params, escape_text(text));
}

}  // namespace civic::calendar
