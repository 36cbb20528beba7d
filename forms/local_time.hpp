// Wall-clock times in a form's time zone, for people reading exports
// (ICU's time zone data; the core of the calendars has its own, libical's).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace civic::forms {

// Whether `zone` is a time zone ICU knows ("Europe/Helsinki").
bool time_zone_known(std::string_view zone);

// "2026-11-28 07:31:05": `utc` (seconds since the epoch) on the wall clock of
// `zone`; "" if the zone is unknown.
std::string local_time_text(std::int64_t utc, std::string_view zone);

// Seconds since the epoch of "2026-11-28T05:31:05Z" (as records store
// created_time); false if it is not written so.
bool parse_utc_time(std::string_view text, std::int64_t& out);

}  // namespace civic::forms
