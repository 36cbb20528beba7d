// Binary records: fixed-width big-endian integers and length-prefixed
// strings, written into a std::string and read back from a view with every
// length checked (a short or damaged record reads as an error, never past
// its end).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "storage/keys.hpp"

namespace civic::storage {

class RecordWriter {
 public:
  void u8(std::uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void u16(std::uint16_t v) {
    out_.push_back(static_cast<char>(v >> 8));
    out_.push_back(static_cast<char>(v & 0xff));
  }
  void u32(std::uint32_t v) { keys::append_u32(out_, v); }
  void u64(std::uint64_t v) { keys::append_u64(out_, v); }
  void i64(std::int64_t v) { keys::append_i64(out_, v); }
  // Strings up to 64 KiB, and longer ones.
  void str16(std::string_view s) {
    u16(static_cast<std::uint16_t>(s.size()));
    out_.append(s);
  }
  void str32(std::string_view s) {
    u32(static_cast<std::uint32_t>(s.size()));
    out_.append(s);
  }
  // 7 bits a byte, low first; the high bit says another byte follows.
  void varint(std::uint64_t v) {
    while (v >= 0x80) {
      out_.push_back(static_cast<char>((v & 0x7f) | 0x80));
      v >>= 7;
    }
    out_.push_back(static_cast<char>(v));
  }
  std::string& data() { return out_; }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

class RecordReader {
 public:
  explicit RecordReader(std::string_view in) : in_(in) {}

  bool ok() const noexcept { return ok_; }
  bool at_end() const noexcept { return in_.empty(); }
  std::string_view rest() const noexcept { return in_; }

  std::uint8_t u8() {
    if (!need(1)) return 0;
    auto v = static_cast<std::uint8_t>(in_[0]);
    in_.remove_prefix(1);
    return v;
  }
  std::uint16_t u16() {
    if (!need(2)) return 0;
    auto v = static_cast<std::uint16_t>((static_cast<unsigned char>(in_[0]) << 8) | static_cast<unsigned char>(in_[1]));
    in_.remove_prefix(2);
    return v;
  }
  std::uint32_t u32() {
    auto v = keys::take_u32(in_);
    if (!v) ok_ = false;
    return v.value_or(0);
  }
  std::uint64_t u64() {
    auto v = keys::take_u64(in_);
    if (!v) ok_ = false;
    return v.value_or(0);
  }
  std::int64_t i64() {
    auto v = keys::take_i64(in_);
    if (!v) ok_ = false;
    return v.value_or(0);
  }
  std::uint64_t varint() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (!need(1)) return 0;
      auto b = static_cast<unsigned char>(in_[0]);
      in_.remove_prefix(1);
      v |= std::uint64_t{b & 0x7fu} << shift;
      if (!(b & 0x80)) return v;
    }
    ok_ = false;  // more than ten bytes
    return 0;
  }
  std::string_view str16() { return bytes(u16()); }
  std::string_view str32() { return bytes(u32()); }
  std::string_view bytes(std::size_t n) {
    if (!need(n)) return {};
    std::string_view v = in_.substr(0, n);
    in_.remove_prefix(n);
    return v;
  }

 private:
  bool need(std::size_t n) {
    if (!ok_ || in_.size() < n) {
      ok_ = false;
      return false;
    }
    return true;
  }
  std::string_view in_;
  bool ok_ = true;
};

}  // namespace civic::storage
