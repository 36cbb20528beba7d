#include "common/query_string.hpp"

#include <algorithm>

#include "common/url.hpp"
#include "common/utf8.hpp"

namespace civic {

bool decode_query_component(std::string_view in, std::string& out) {
  return url::percent_decode(in, out) && is_valid_utf8(out);
}

std::optional<QueryError> parse_query(std::string_view args, std::span<const std::string_view> known,
                                      std::vector<QueryParameter>& out) {
  out.clear();
  std::size_t pos = 0;
  while (pos < args.size()) {
    std::size_t amp = args.find('&', pos);
    if (amp == std::string_view::npos) amp = args.size();
    std::string_view pair = args.substr(pos, amp - pos);
    pos = amp + 1;
    if (pair.empty()) continue;
    std::size_t eq = pair.find('=');
    QueryParameter p;
    if (!decode_query_component(pair.substr(0, eq), p.name))
      return QueryError{"", "a query parameter name is not valid percent-encoded UTF-8"};
    if (eq != std::string_view::npos && !decode_query_component(pair.substr(eq + 1), p.value))
      return QueryError{p.name, "is not valid percent-encoded UTF-8"};
    if (std::find(known.begin(), known.end(), p.name) == known.end()) continue;
    for (const QueryParameter& seen : out)
      if (seen.name == p.name) return QueryError{p.name, "is given more than once"};
    out.push_back(std::move(p));
  }
  return std::nullopt;
}

}  // namespace civic
