// Time zones from the system tz database, through libical (which reads
// /usr/share/zoneinfo): checking a name, converting wall-clock times, and the
// VTIMEZONE text a feed carries for every TZID it uses.
//
// libical keeps its built-in zones as shared objects that it fills in lazily
// (the list of transitions grows as later years are asked for). Every libical
// call in civic therefore runs under libical_mutex(): writes are rare, and the
// read path only needs libical for cached VTIMEZONE texts and for series
// beyond their materialized horizon.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

#include "ical/civil_time.hpp"

namespace civic::ical {

// Recursive: the helpers below take it too, and call each other.
std::recursive_mutex& libical_mutex();

// "UTC" is its own zone; every other name must be a zone of the system tz
// database ("Europe/Helsinki").
inline constexpr std::string_view kUtc = "UTC";

bool zone_exists(std::string_view name);

// A wall-clock time in `zone` as seconds since the epoch. A time that falls
// in a daylight-saving gap is moved forward as the clock was.
std::int64_t local_to_utc(const CivilTime& local, std::string_view zone);

// Seconds since the epoch as the wall clock of `zone` showed them.
CivilTime utc_to_local(std::int64_t utc, std::string_view zone);

// The offset from UTC, in seconds, that `zone` had at `utc`.
int utc_offset(std::int64_t utc, std::string_view zone);

// The VTIMEZONE component for `zone` (CRLF lines, TZID the plain IANA name,
// transitions from 1970 on), generated once per process; empty for UTC.
const std::string& vtimezone_text(std::string_view zone);

// Tells libical to read the system tz database (not a copy of its own) and
// loads what later calls share. Call once before threads start.
void init_timezones();

}  // namespace civic::ical
