#include "common/language.hpp"

#include <algorithm>
#include <cctype>

#include "common/http_headers.hpp"
#include "common/protocol_words.hpp"

namespace civic {

std::string choose_language(std::string_view query_lang, std::string_view accept_language,
                            std::span<const std::string> languages) {
  if (languages.empty()) return "en";
  for (const std::string& lang : languages)
    if (lang == query_lang) return lang;

  int best_q = 0;
  std::string best;
  while (!accept_language.empty()) {
    std::size_t comma = accept_language.find(',');
    std::string_view item = trim_ows(accept_language.substr(0, comma));
    accept_language = comma == std::string_view::npos ? std::string_view() : accept_language.substr(comma + 1);
    auto [range, weight] = weighted_element(item);
    int q = weight.value_or(-1);  // an entry with a malformed weight is passed over
    if (q <= best_q) continue;    // ties keep the earlier entry
    std::string primary(range.substr(0, range.find('-')));
    for (char& c : primary) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (primary == "*") {
      best_q = q;
      best = languages.front();
      continue;
    }
    auto it = std::find(languages.begin(), languages.end(), primary);
    if (it != languages.end()) {
      best_q = q;
      best = *it;
    }
  }
  return best.empty() ? languages.front() : best;
}

}  // namespace civic
