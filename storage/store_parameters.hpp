// civic_store PATH [create] [max_size=SIZE] [max_readers=N] [thread_pool=NAME]:
// its parameters after the path, read by the core so that the directive's
// rules (and their errors in `nginx -t`) are in one tested place.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace civic::storage {

inline constexpr std::size_t kDefaultMapSize = std::size_t{1} << 30;  // 1g
inline constexpr std::size_t kSmallestMapSize = std::size_t{1} << 20;
inline constexpr unsigned kDefaultMaxReaders = 1024;

struct StoreParameters {
  bool create = false;                    // make the store if it is missing
  std::optional<std::size_t> max_size;    // the map size
  std::optional<unsigned> max_readers;    // LMDB reader slots
  std::string_view thread_pool;           // a view of the word read; "": nginx's default pool
};

// Reads one parameter into `into`: "" or what is wrong with it, a sentence
// to follow "civic_store: ".
std::string read_store_parameter(std::string_view word, StoreParameters& into);

}  // namespace civic::storage
