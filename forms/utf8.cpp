#include "forms/utf8.hpp"

#include <algorithm>

namespace civic::forms {

bool has_control_chars(std::string_view text, bool multiline) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  for (std::size_t i = 0; i < text.size(); ++i) {
    unsigned char c = s[i];
    if (c < 0x20) {
      if (multiline && (c == '\n' || c == '\t')) continue;
      return true;
    }
    if (c == 0x7f) return true;
    // U+0080..U+009F are encoded C2 80..C2 9F.
    if (c == 0xc2 && i + 1 < text.size() && s[i + 1] >= 0x80 && s[i + 1] <= 0x9f) return true;
  }
  return false;
}

std::size_t char_count(std::string_view text) {
  std::size_t count = 0;
  for (char c : text)
    if ((static_cast<unsigned char>(c) & 0xc0) != 0x80) ++count;
  return count;
}

namespace {

// Unicode's White_Space property (PropList.txt; U+0085 NEXT LINE aside, a C1
// control refused like the others), and the zero-width characters a pasted
// text may carry that show nothing: a value made only of these is empty.
bool is_blank(char32_t c) {
  switch (c) {
    case 0x09: case 0x0a: case 0x0b: case 0x0c: case 0x0d: case 0x20: case 0xa0:
    case 0x1680: case 0x2028: case 0x2029: case 0x202f: case 0x205f: case 0x3000:
    // zero width: MONGOLIAN VOWEL SEPARATOR, ZERO WIDTH SPACE, NON-JOINER, JOINER, WORD JOINER, BOM
    case 0x180e: case 0x200b: case 0x200c: case 0x200d: case 0x2060: case 0xfeff:
      return true;
    default:
      return c >= 0x2000 && c <= 0x200a;  // EN QUAD ... HAIR SPACE
  }
}

// The code point at the start of valid UTF-8 `s`, and its length in bytes.
char32_t first_code_point(std::string_view s, std::size_t& length) {
  auto b = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  unsigned char c = b(0);
  if (c < 0x80 || s.size() < 2) {
    length = 1;
    return c;
  }
  if (c < 0xe0) {
    length = 2;
    return static_cast<char32_t>((c & 0x1f) << 6 | (b(1) & 0x3f));
  }
  if (c < 0xf0 || s.size() < 4) {
    length = std::min<std::size_t>(3, s.size());
    if (length < 3) return 0xfffd;
    return static_cast<char32_t>((c & 0x0f) << 12 | (b(1) & 0x3f) << 6 | (b(2) & 0x3f));
  }
  length = 4;
  return static_cast<char32_t>((c & 0x07) << 18 | (b(1) & 0x3f) << 12 | (b(2) & 0x3f) << 6 | (b(3) & 0x3f));
}

// The code point that ends valid UTF-8 `s`, and its length in bytes.
char32_t last_code_point(std::string_view s, std::size_t& length) {
  std::size_t start = s.size() - 1;
  while (start > 0 && s.size() - start < 4 && (static_cast<unsigned char>(s[start]) & 0xc0) == 0x80) --start;
  char32_t c = first_code_point(s.substr(start), length);
  if (start + length != s.size()) {  // not valid UTF-8 there: leave it
    length = 0;
    return 0xfffd;
  }
  return c;
}

}  // namespace

std::string_view trim(std::string_view text) {
  std::size_t length = 0;
  while (!text.empty() && is_blank(first_code_point(text, length)) && length > 0) text.remove_prefix(length);
  while (!text.empty() && is_blank(last_code_point(text, length)) && length > 0) text.remove_suffix(length);
  return text;
}

std::string normalize_newlines(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') {
      out.push_back('\n');
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

}  // namespace civic::forms
