#include "storage/store_parameters.hpp"

#include <charconv>
#include <system_error>

#include "common/quantity.hpp"
#include "common/quote.hpp"

namespace civic::storage {

namespace {

bool take_value(std::string_view word, std::string_view key, std::string_view& value) {
  if (!word.starts_with(key)) return false;
  value = word.substr(key.size());
  return true;
}

}  // namespace

std::string read_store_parameter(std::string_view word, StoreParameters& into) {
  std::string_view value;
  if (word == "create") {
    into.create = true;
  } else if (take_value(word, "max_size=", value)) {
    std::int64_t size = parse_size(value);
    if (size < static_cast<std::int64_t>(kSmallestMapSize))
      return "invalid max_size " + quoted(value) + " (a size such as 512m or 4g, at least 1m)";
    into.max_size = static_cast<std::size_t>(size);
  } else if (take_value(word, "max_readers=", value)) {
    unsigned n = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
    if (ec != std::errc() || end != value.data() + value.size() || n < 16 || n > 65536)
      return "invalid max_readers " + quoted(value) + " (16 to 65536)";
    into.max_readers = n;
  } else if (take_value(word, "thread_pool=", value)) {
    if (value.empty()) return "thread_pool= needs the name of a thread_pool";
    into.thread_pool = value;
  } else {
    return "unknown parameter " + quoted(word) + " (known: create, max_size=, max_readers=, thread_pool=)";
  }
  return {};
}

}  // namespace civic::storage
