// FNV-1a, 64 bits: a fast, stable hash for ETags and render signatures (not
// for anything an attacker could profit from colliding).
#pragma once

#include <cstdint>
#include <string_view>

namespace civic {

inline std::uint64_t fnv1a64(std::string_view data, std::uint64_t hash = 14695981039346656037ull) {
  for (unsigned char c : data) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

inline std::uint64_t fnv1a64_u64(std::uint64_t v, std::uint64_t hash) {
  for (int i = 0; i < 8; ++i) {
    hash ^= (v >> (i * 8)) & 0xff;
    hash *= 1099511628211ull;
  }
  return hash;
}

}  // namespace civic
