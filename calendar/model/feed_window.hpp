// feed_window PAST FUTURE: the days around today that a subscriber's feed
// holds when the request gives neither start nor end (docs/calendars.md,
// "The feed window").
//
// A whole feed of a big calendar is a trap: calendar apps download it again
// on every refresh and give up on large ones, and a subscriber looks at the
// coming weeks. So a feed without start/end is [today - PAST, today + FUTURE)
// in the calendar's zone; civicctl export keeps the whole calendar.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace civic::calendar {

struct FeedWindow {
  // The default (docs/calendars.md says why): last month, and as far ahead as
  // an open range already expands recurring series (kOpenRangeYears).
  int past_days = 30;
  int future_days = 2 * 365;

  bool operator==(const FeedWindow&) const = default;
};

// The limits of each side, in days (10y as nginx counts years).
inline constexpr int kMaxFeedWindowDays = 10 * 365;
inline constexpr int kMinFeedWindowFuture = 1;

// The words after "feed_window" as nginx.conf gives them ("30d", "2y").
// Returns an error text, or "" and fills `out`.
std::string parse_feed_window(std::span<const std::string_view> args, FeedWindow& out);

// "30d 730d": how the setting is stored with the calendar's definition.
std::string format_feed_window(const FeedWindow& window);

// The window's bounds, UTC seconds: local midnights in `zone`, PAST days
// before the start of today and FUTURE days after it (so a DST change
// between them moves neither off midnight). `end` is exclusive.
struct FeedWindowRange {
  std::int64_t start = 0;
  std::int64_t end = 0;
  std::int64_t today = 0;  // the start of today: the range changes with it
};
FeedWindowRange feed_window_range(const FeedWindow& window, std::string_view zone, std::int64_t now);

}  // namespace civic::calendar
