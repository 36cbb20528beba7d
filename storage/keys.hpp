// Key encodings. Keys sort byte-wise in LMDB, so integers are stored
// big-endian (and signed ones with the sign bit flipped) to sort by value, and
// names are followed by a NUL so that "a" and all its entries sort before "ab".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace civic::storage::keys {

inline void append_u64(std::string& key, std::uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) key.push_back(static_cast<char>((v >> shift) & 0xff));
}

inline void append_u32(std::string& key, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) key.push_back(static_cast<char>((v >> shift) & 0xff));
}

// Signed times (seconds since the epoch, possibly before 1970) sort by value.
inline void append_i64(std::string& key, std::int64_t v) {
  append_u64(key, static_cast<std::uint64_t>(v) ^ (std::uint64_t{1} << 63));
}

inline void append_name(std::string& key, std::string_view name) {
  key.append(name);
  key.push_back('\0');
}

// name\0: the prefix of every key under a calendar or a form.
inline std::string name_prefix(std::string_view name) {
  std::string key;
  append_name(key, name);
  return key;
}

// Readers take from the front of a view and advance it; nullopt if short.
inline std::optional<std::uint64_t> take_u64(std::string_view& in) {
  if (in.size() < 8) return std::nullopt;
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(in[i]);
  in.remove_prefix(8);
  return v;
}

inline std::optional<std::uint32_t> take_u32(std::string_view& in) {
  if (in.size() < 4) return std::nullopt;
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(in[i]);
  in.remove_prefix(4);
  return v;
}

inline std::optional<std::int64_t> take_i64(std::string_view& in) {
  auto u = take_u64(in);
  if (!u) return std::nullopt;
  return static_cast<std::int64_t>(*u ^ (std::uint64_t{1} << 63));
}

inline std::optional<std::string_view> take_name(std::string_view& in) {
  auto end = in.find('\0');
  if (end == std::string_view::npos) return std::nullopt;
  std::string_view name = in.substr(0, end);
  in.remove_prefix(end + 1);
  return name;
}

// The smallest key greater than every key that starts with `prefix`.
inline std::string prefix_end(std::string_view prefix) {
  std::string end(prefix);
  while (!end.empty()) {
    auto& c = reinterpret_cast<unsigned char&>(end.back());
    if (c != 0xff) {
      ++c;
      return end;
    }
    end.pop_back();
  }
  return end;  // empty: no upper bound
}

}  // namespace civic::storage::keys
