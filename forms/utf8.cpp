#include "forms/utf8.hpp"

namespace civic::forms {

bool is_valid_utf8(std::string_view text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  std::size_t n = text.size();
  std::size_t i = 0;
  while (i < n) {
    unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    unsigned char lo = 0x80, hi = 0xbf;  // allowed range of the second byte
    if (c >= 0xc2 && c <= 0xdf) {
      len = 2;
    } else if (c >= 0xe0 && c <= 0xef) {
      len = 3;
      if (c == 0xe0) lo = 0xa0;          // no overlong forms
      if (c == 0xed) hi = 0x9f;          // no surrogates
    } else if (c >= 0xf0 && c <= 0xf4) {
      len = 4;
      if (c == 0xf0) lo = 0x90;          // no overlong forms
      if (c == 0xf4) hi = 0x8f;          // nothing above U+10FFFF
    } else {
      return false;
    }
    if (n - i < len) return false;
    if (s[i + 1] < lo || s[i + 1] > hi) return false;
    for (std::size_t k = 2; k < len; ++k)
      if (s[i + k] < 0x80 || s[i + k] > 0xbf) return false;
    i += len;
  }
  return true;
}

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

std::string_view trim(std::string_view text) {
  auto space_at_front = [&]() -> std::size_t {
    if (text.empty()) return 0;
    char c = text.front();
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') return 1;
    if (text.starts_with("\xc2\xa0")) return 2;
    return 0;
  };
  auto space_at_back = [&]() -> std::size_t {
    if (text.empty()) return 0;
    char c = text.back();
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') return 1;
    if (text.ends_with("\xc2\xa0")) return 2;
    return 0;
  };
  while (std::size_t k = space_at_front()) text.remove_prefix(k);
  while (std::size_t k = space_at_back()) text.remove_suffix(k);
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
