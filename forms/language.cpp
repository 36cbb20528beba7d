#include "forms/language.hpp"

#include <algorithm>
#include <cctype>

#include "common/protocol_words.hpp"

namespace civic::forms {

namespace {

// "q=0.8" -> 800; malformed -> -1.
int parse_q(std::string_view v) {
  if (v.empty() || (v[0] != '0' && v[0] != '1')) return -1;
  int q = (v[0] - '0') * 1000;
  if (v.size() == 1) return q;
  if (v[1] != '.' || v.size() > 5) return -1;
  int scale = 100;
  for (char c : v.substr(2)) {
    if (c < '0' || c > '9') return -1;
    q += (c - '0') * scale;
    scale /= 10;
  }
  return q > 1000 ? -1 : q;
}

}  // namespace

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
    std::size_t semi = item.find(';');
    std::string_view range = trim_ows(item.substr(0, semi));
    int q = 1000;
    if (semi != std::string_view::npos) {
      std::string_view param = trim_ows(item.substr(semi + 1));
      if (param.size() >= 2 && (param[0] == 'q' || param[0] == 'Q') && param[1] == '=') q = parse_q(param.substr(2));
      else q = -1;
    }
    if (q <= best_q) continue;  // ties keep the earlier entry
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

}  // namespace civic::forms
