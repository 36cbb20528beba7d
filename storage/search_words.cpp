#include "storage/search_words.hpp"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <algorithm>

namespace civic::storage {

namespace {

bool word_char(UChar32 c) {
  if (c < 0x80) return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z');
  return (U_GET_GC_MASK(c) & (U_GC_L_MASK | U_GC_N_MASK | U_GC_M_MASK)) != 0;
}

// Calls fn(word) for every word of `text`, in order (repeats included).
template <class Fn>
void for_each_word(std::string_view text, Fn&& fn) {
  const auto* s = reinterpret_cast<const std::uint8_t*>(text.data());
  const auto length = static_cast<std::int32_t>(std::min<std::size_t>(text.size(), INT32_MAX));
  std::int32_t i = 0;
  std::int32_t start = -1;  // of the word being read
  std::int32_t cut = -1;    // where it ends if it grows past kMaxWordBytes
  while (i < length) {
    std::int32_t at = i;
    UChar32 c;
    U8_NEXT(s, i, length, c);
    bool in_word = c >= 0 && word_char(c);
    if (in_word && start < 0) {
      start = at;
      cut = -1;
    }
    if (in_word && cut < 0 && static_cast<std::size_t>(i - start) > kMaxWordBytes) cut = at;
    if (!in_word && start >= 0) {
      fn(text.substr(static_cast<std::size_t>(start), static_cast<std::size_t>((cut >= 0 ? cut : at) - start)));
      start = -1;
    }
  }
  if (start >= 0) fn(text.substr(static_cast<std::size_t>(start), static_cast<std::size_t>((cut >= 0 ? cut : length) - start)));
}

}  // namespace

std::vector<std::string_view> words_of(std::string_view folded) {
  std::vector<std::string_view> out;
  for_each_word(folded, [&](std::string_view w) { out.push_back(w); });
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

bool text_matches(std::string_view folded, const std::vector<std::string>& query_words) {
  if (query_words.empty()) return false;
  std::vector<bool> found(query_words.size(), false);
  std::size_t left = query_words.size();
  for_each_word(folded, [&](std::string_view w) {
    for (std::size_t i = 0; i < query_words.size(); ++i)
      if (!found[i] && w.starts_with(query_words[i])) {
        found[i] = true;
        --left;
      }
  });
  return left == 0;
}

}  // namespace civic::storage
