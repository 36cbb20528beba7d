#include "common/http_headers.hpp"

#include <algorithm>
#include <cctype>

#include "common/protocol_words.hpp"

namespace civic {

namespace {

// "q=0.5" -> 500; malformed -> 1000 (be lenient with clients).
int parse_quality(std::string_view v) {
  if (v.empty()) return 1000;
  if (v[0] == '1') return 1000;
  if (v[0] != '0') return 1000;
  int q = 0;
  int scale = 100;
  for (std::size_t i = 2; i < v.size() && i < 5 && v[1] == '.'; ++i) {
    if (v[i] < '0' || v[i] > '9') break;
    q += (v[i] - '0') * scale;
    scale /= 10;
  }
  return q;
}

}  // namespace

bool if_none_match_hits(std::string_view header, std::string_view etag) {
  header = trim_ows(header);
  if (header == "*") return true;
  std::size_t pos = 0;
  while (pos < header.size()) {
    std::size_t comma = header.find(',', pos);
    if (comma == std::string_view::npos) comma = header.size();
    std::string_view tag = trim_ows(header.substr(pos, comma - pos));
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    if (tag == etag) return true;
    pos = comma + 1;
  }
  return false;
}

int accept_quality(std::string_view header, std::string_view type) {
  header = trim_ows(header);
  if (header.empty()) return 1000;
  std::string_view major = type.substr(0, type.find('/'));
  int best = -1;
  int best_specificity = -1;
  std::size_t pos = 0;
  while (pos <= header.size()) {
    std::size_t comma = header.find(',', pos);
    if (comma == std::string_view::npos) comma = header.size();
    std::string_view item = trim_ows(header.substr(pos, comma - pos));
    pos = comma + 1;
    if (item.empty()) continue;
    std::string_view range = trim_ows(item.substr(0, item.find(';')));
    int quality = 1000;
    for (std::size_t semi = item.find(';'); semi != std::string_view::npos; semi = item.find(';', semi + 1)) {
      std::string_view param = trim_ows(item.substr(semi + 1, item.find(';', semi + 1) - semi - 1));
      if (param.size() >= 2 && (param[0] == 'q' || param[0] == 'Q') && param[1] == '=') quality = parse_quality(param.substr(2));
    }
    int specificity = -1;
    if (iequals_ascii(range, type)) specificity = 2;
    else if (range.size() == major.size() + 2 && iequals_ascii(range.substr(0, major.size()), major) && range.ends_with("/*"))
      specificity = 1;
    else if (range == "*/*") specificity = 0;
    if (specificity > best_specificity) {
      best_specificity = specificity;
      best = quality;
    }
  }
  return best < 0 ? 0 : best;
}

std::int64_t sent_last_modified(std::int64_t last_modified, std::int64_t now) { return std::min(last_modified, now); }

bool client_copy_is_current(std::optional<std::string_view> if_none_match, std::optional<std::int64_t> modified_since,
                            std::string_view etag, std::int64_t last_modified, std::int64_t now) {
  if (if_none_match) return if_none_match_hits(*if_none_match, etag);
  return modified_since && sent_last_modified(last_modified, now) <= *modified_since;
}

}  // namespace civic
