#include "calendar/model/feed_window.hpp"

#include "calendar/model/civil_time.hpp"
#include "calendar/model/recurrence.hpp"
#include "calendar/model/timezone.hpp"
#include "common/quantity.hpp"
#include "common/quote.hpp"

namespace civic::calendar {

namespace {

constexpr std::int64_t kDay = 86400;

// One side of the window in days, within [min_days, kMaxFeedWindowDays];
// an error text names `side` and the limits.
std::string parse_side(std::string_view word, std::string_view side, int min_days, int& days) {
  std::int64_t seconds = parse_duration(word);
  if (seconds < 0) return "\"feed_window\": " + quoted(word) + " is not a time (such as 30d, 2y)";
  if (seconds % kDay != 0)
    return "\"feed_window\": " + quoted(word) + " is not a whole number of days (such as 30d, 2y)";
  std::string limits = min_days == 0 ? "from 0 to 10y" : "from 1d to 10y";
  if (seconds / kDay < min_days || seconds / kDay > kMaxFeedWindowDays)
    return "\"feed_window\": the " + std::string(side) + " (" + quoted(word) + ") must be " + limits;
  days = static_cast<int>(seconds / kDay);
  return {};
}

}  // namespace

std::string parse_feed_window(std::span<const std::string_view> args, FeedWindow& out) {
  if (args.size() != 2)
    return "\"feed_window\" takes two times, the past and the future around today: feed_window 30d 2y";
  FeedWindow window;
  if (auto error = parse_side(args[0], "past", 0, window.past_days); !error.empty()) return error;
  if (auto error = parse_side(args[1], "future", kMinFeedWindowFuture, window.future_days); !error.empty())
    return error;
  out = window;
  return {};
}

std::string format_feed_window(const FeedWindow& window) {
  return std::to_string(window.past_days) + "d " + std::to_string(window.future_days) + "d";
}

FeedWindowRange feed_window_range(const FeedWindow& window, std::string_view zone, std::int64_t now) {
  CivilTime local = utc_to_local(now, zone);
  CivilTime midnight{local.year, local.month, local.day, 0, 0, 0};
  CivilTime first = add_days(midnight, -window.past_days);
  CivilTime after = add_days(midnight, window.future_days);
  FeedWindowRange range;
  range.today = local_to_utc(midnight, zone);
  // Past the dates civic takes, the range is open there.
  range.start = first.year < kMinYear ? local_to_utc(CivilTime{kMinYear, 1, 1, 0, 0, 0}, zone)
                                      : local_to_utc(first, zone);
  range.end = after.year > kMaxYear ? kEndOfTime : local_to_utc(after, zone);
  return range;
}

}  // namespace civic::calendar
