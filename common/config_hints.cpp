#include "common/config_hints.hpp"

#include <algorithm>
#include <vector>

#include "common/quote.hpp"

namespace civic {

namespace {

// Levenshtein distance (words of a configuration are short).
std::size_t distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

}  // namespace

bool is_one_of(std::string_view word, std::span<const std::string_view> list) {
  return std::find(list.begin(), list.end(), word) != list.end();
}

std::string unknown_setting(std::string_view word, std::span<const std::string_view> known, std::string_view of_what) {
  std::string text = "unknown setting " + quoted(word);
  std::string_view best;
  std::size_t best_distance = 3;  // at most two edits away
  for (std::string_view k : known) {
    std::size_t d = distance(word, k);
    if (d < best_distance) {
      best_distance = d;
      best = k;
    }
  }
  if (!best.empty()) text += " (did you mean " + quoted(best) + "?)";
  text += "; the settings of " + std::string(of_what) + " are: ";
  for (std::size_t i = 0; i < known.size(); ++i) text.append(i ? ", " : "").append(known[i]);
  return text;
}

std::string missing_semicolon(std::span<const std::string_view> words, std::span<const std::string_view> known) {
  for (std::size_t i = 1; i < words.size(); ++i) {
    if (!is_one_of(words[i], known)) continue;
    std::string before;
    for (std::size_t j = 0; j < i; ++j) before.append(j ? " " : "").append(words[j]);
    return "; is a \";\" missing after " + quoted(before) + "?";
  }
  return {};
}

}  // namespace civic
