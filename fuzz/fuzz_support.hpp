// Shared by the fuzz harnesses: a calendar like the demo's, and splitting a
// configuration-like text into lines of words.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "calendar/model/calendar_config.hpp"

namespace civic::fuzz {

inline const calendar::CalendarConfig& demo_calendar() {
  static const calendar::CalendarConfig calendar = [] {
    calendar::CalendarConfigBuilder builder("culture");
    for (auto line : {"title fi Kulttuuri", "languages fi sv en", "timezone Europe/Helsinki", "refresh 6h"}) {
      std::vector<std::string_view> words;
      std::string_view rest(line);
      while (!rest.empty()) {
        auto space = rest.find(' ');
        words.push_back(rest.substr(0, space));
        rest = space == std::string_view::npos ? std::string_view{} : rest.substr(space + 1);
      }
      builder.add(words);
    }
    calendar::CalendarConfig out;
    builder.finish(out);
    return out;
  }();
  return calendar;
}

// One line of a block as nginx would hand it over: words, and whether it
// opened a block ("{") or closed one ("}").
struct BlockLine {
  std::vector<std::string_view> words;
  bool opens = false;
  bool closes = false;
};

// A crude reader of nginx's syntax, enough to drive the block builders:
// ';' ends a line, '{' opens, '}' closes, words split on white space, and a
// double-quoted word may hold spaces.
inline std::vector<BlockLine> split_block(std::string_view text, std::vector<std::string>& storage) {
  std::vector<BlockLine> lines;
  BlockLine current;
  std::string word;
  bool in_word = false, quoted = false;
  storage.reserve(text.size() + 1);  // words point into storage: no reallocation
  auto end_word = [&] {
    if (!in_word) return;
    storage.push_back(word);
    current.words.push_back(storage.back());
    word.clear();
    in_word = false;
  };
  for (char c : text) {
    if (quoted) {
      if (c == '"') quoted = false; else word.push_back(c);
      continue;
    }
    if (c == '"') { quoted = true; in_word = true; continue; }
    if (c == ';' || c == '{' || c == '}') {
      end_word();
      current.opens = c == '{';
      current.closes = c == '}';
      if (!current.words.empty() || c != ';') lines.push_back(std::move(current));
      current = BlockLine{};
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') { end_word(); continue; }
    word.push_back(c);
    in_word = true;
  }
  return lines;
}

}  // namespace civic::fuzz
