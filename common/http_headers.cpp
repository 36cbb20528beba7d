#include "common/http_headers.hpp"

#include <algorithm>
#include <cctype>

#include "common/protocol_words.hpp"

namespace civic {

namespace {

// A qvalue: "0" ["." 0*3DIGIT] / "1" ["." 0*3("0")], in thousandths.
std::optional<int> qvalue(std::string_view v) {
  if (v.empty() || (v[0] != '0' && v[0] != '1')) return std::nullopt;
  int q = (v[0] - '0') * 1000;
  if (v.size() == 1) return q;
  if (v[1] != '.' || v.size() > 5) return std::nullopt;
  int scale = 100;
  for (char c : v.substr(2)) {
    if (c < '0' || c > '9') return std::nullopt;
    q += (c - '0') * scale;
    scale /= 10;
  }
  if (q > 1000) return std::nullopt;
  return q;
}

}  // namespace

WeightedElement weighted_element(std::string_view element) {
  std::size_t semi = element.find(';');
  WeightedElement e{trim_ows(element.substr(0, semi)), 1000};
  while (semi != std::string_view::npos) {
    std::size_t next = element.find(';', semi + 1);
    std::string_view param = trim_ows(element.substr(semi + 1, next == std::string_view::npos ? next : next - semi - 1));
    if (param.size() >= 2 && (param[0] == 'q' || param[0] == 'Q') && param[1] == '=') e.weight = qvalue(param.substr(2));
    semi = next;
  }
  return e;
}

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
    auto [range, weight] = weighted_element(item);
    int quality = weight.value_or(1000);
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
