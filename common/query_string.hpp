// A URL's query string as the public feeds and the admin API read it: the
// parameters a resource knows (others are passed over, as Linked Events does),
// each percent-decoded ("+" is a space) into valid UTF-8, and each at most
// once: a repeated one is an error, not a silent choice of one of them.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace civic {

struct QueryParameter {
  std::string name;
  std::string value;
};

struct QueryError {
  std::string parameter;  // "" when a name cannot be read
  std::string message;    // "is given more than once"
};

// Fills `out` with the known parameters in the order given; nullopt on success.
std::optional<QueryError> parse_query(std::string_view args, std::span<const std::string_view> known,
                                      std::vector<QueryParameter>& out);

// One component: "+" is a space, %XX a byte; false if an escape is malformed
// or the result is not valid UTF-8.
bool decode_query_component(std::string_view in, std::string& out);

}  // namespace civic
