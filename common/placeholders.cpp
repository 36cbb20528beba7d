#include "common/placeholders.hpp"

namespace civic {

std::string fill(std::string_view pattern, std::initializer_list<std::pair<std::string_view, std::string_view>> values) {
  std::string out;
  out.reserve(pattern.size() + 16);
  while (!pattern.empty()) {
    std::size_t open = pattern.find('{');
    out.append(pattern.substr(0, open));
    if (open == std::string_view::npos) break;
    std::size_t close = pattern.find('}', open);
    if (close == std::string_view::npos) {
      out.append(pattern.substr(open));
      break;
    }
    std::string_view key = pattern.substr(open + 1, close - open - 1);
    bool found = false;
    for (const auto& [k, v] : values) {
      if (k == key) {
        out.append(v);
        found = true;
        break;
      }
    }
    if (!found) out.append(pattern.substr(open, close - open + 1));
    pattern.remove_prefix(close + 1);
  }
  return out;
}

}  // namespace civic
