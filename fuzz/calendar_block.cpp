// The civic_calendar block: lines as nginx hands them to the builder.
#include <string>
#include <vector>

#include "fuzz/fuzz_support.hpp"
#include "calendar/model/calendar_config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace civic::calendar;
  std::vector<std::string> storage;
  auto lines = civic::fuzz::split_block(std::string_view(reinterpret_cast<const char*>(data), size), storage);
  CalendarConfigBuilder builder("fuzzed");
  for (const auto& line : lines) {
    if (line.opens) return 0;  // nginx refuses a nested block
    if (line.closes) break;
    if (!builder.add(line.words).empty()) return 0;
  }
  CalendarConfig config;
  if (builder.finish(config).empty()) {
    CalendarConfig back;
    if (!CalendarConfig::deserialize(config.serialize(), back)) __builtin_trap();
    for (const auto& lang : config.languages) (void)config.fallback_chain(lang);
  }
  return 0;
}
