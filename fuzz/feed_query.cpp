// Feed query strings (?start=...&keyword=...&lang=...).
#include <string_view>

#include "fuzz/fuzz_support.hpp"
#include "calendar/query/feed_query.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace civic::calendar;
  std::string_view args(reinterpret_cast<const char*>(data), size);
  FeedQuery query;
  if (!parse_feed_query(args, civic::fuzz::demo_calendar(), 1795000000, query)) (void)query.normalized();
  return 0;
}
