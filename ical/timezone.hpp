// Time zones from the system tz database, through libical (which reads
// /usr/share/zoneinfo): checking a name, converting wall-clock times, and the
// VTIMEZONE text a feed carries for every TZID it uses.
//
// libical keeps its built-in zones as shared objects that it fills in lazily
// (the list of transitions grows as later years are asked for). Every libical
// call that may touch a zone therefore runs under libical_mutex(), and holds
// it briefly (one conversion, one recurrence step, one VEVENT of an import):
// the event loop takes it for the times of a query and for series past their
// materialized horizon, and must never wait long. libical's parser itself
// needs no lock: its state is per parser, its error number and scratch
// buffers per thread (Debian builds it with pthread support).
// t/calendar_admin.t runs six imports at once, also under ASan.
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
