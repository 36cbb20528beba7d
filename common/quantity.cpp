#include "common/quantity.hpp"

#include <charconv>
#include <system_error>

namespace civic {

namespace {

constexpr std::int64_t kLongestDuration = std::int64_t{100} * 365 * 86400;
constexpr std::int64_t kLargestSize = std::int64_t{1} << 50;

// The digits at the front of `text` (taken off it); -1 if there are none or
// they pass `limit`.
std::int64_t take_number(std::string_view& text, std::int64_t limit) {
  std::int64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end == text.data() || n > limit || n < 0) return -1;
  text.remove_prefix(static_cast<std::size_t>(end - text.data()));
  return n;
}

std::int64_t seconds_of(char unit) {
  switch (unit) {
    case 's': return 1;
    case 'm': return 60;
    case 'h': return 3600;
    case 'd': return 86400;
    case 'w': return 7 * 86400;
    case 'y': return 365 * 86400;
    default: return 0;
  }
}

std::int64_t bytes_of(char unit) {
  switch (unit) {
    case 'k': case 'K': return std::int64_t{1} << 10;
    case 'm': case 'M': return std::int64_t{1} << 20;
    case 'g': case 'G': return std::int64_t{1} << 30;
    default: return 0;
  }
}

}  // namespace

std::int64_t parse_duration(std::string_view text) {
  if (text.empty()) return -1;
  if (text.find_first_not_of("0123456789") == std::string_view::npos)
    return take_number(text, kLongestDuration);  // bare seconds
  std::int64_t total = 0;
  while (!text.empty()) {  // "1h30m": every number has its unit
    std::int64_t n = take_number(text, kLongestDuration);
    if (n < 0 || text.empty()) return -1;
    std::int64_t unit = seconds_of(text.front());
    if (unit == 0 || n > (kLongestDuration - total) / unit) return -1;
    total += n * unit;
    text.remove_prefix(1);
  }
  return total;
}

std::int64_t parse_size(std::string_view text) {
  if (text.empty()) return -1;
  std::int64_t unit = bytes_of(text.back());
  if (unit != 0) text.remove_suffix(1);
  else unit = 1;
  std::int64_t n = take_number(text, kLargestSize);
  if (n < 0 || !text.empty() || n > kLargestSize / unit) return -1;
  return n * unit;
}

}  // namespace civic
