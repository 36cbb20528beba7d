#include "calendar/formats/content_line.hpp"

namespace civic::calendar {

namespace {

// RFC 5545 §3.1: "Lines of text SHOULD NOT be longer than 75 octets,
// excluding the line break."
constexpr std::size_t kMaxOctets = 75;

bool is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// TEXT as written (escaped) or as a reader gets it back (unescaped): the
// same characters either way.
std::string text_value(std::string_view text, bool escaped) {
  std::string out;
  out.reserve(text.size() + 8);
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    switch (c) {
      case '\\':
      case ';':
      case ',':
        if (escaped) out += '\\';
        out += c;
        break;
      case '\r':
        if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
        [[fallthrough]];
      case '\n': out += escaped ? "\\n" : "\n"; break;
      case '\t': out += ' '; break;  // HTAB is allowed, but a space reads the same everywhere
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) break;  // CONTROL: not allowed in TEXT
        out += c;
    }
  }
  return out;
}

}  // namespace

std::string escape_text(std::string_view text) { return text_value(text, true); }

std::string text_read_back(std::string_view text) {
  // libical drops the spaces at either end of a value (a tab was one).
  std::string out = text_value(text, false);
  std::size_t first = out.find_first_not_of(' ');
  if (first == std::string::npos) return {};
  return out.substr(first, out.find_last_not_of(' ') + 1 - first);
}

std::string clean_param(std::string_view value) {
  std::string clean;
  clean.reserve(value.size());
  for (char c : value) {
    auto u = static_cast<unsigned char>(c);
    if (c == '"' || u < 0x20 || u == 0x7f) continue;
    clean += c;
  }
  return clean;
}

std::string param_value(std::string_view value) {
  std::string clean = clean_param(value);
  if (clean.find_first_of(":;,") == std::string::npos) return clean;
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
