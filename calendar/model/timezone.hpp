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
#include <optional>
#include <string>
#include <string_view>

#include "calendar/model/civil_time.hpp"

namespace civic::calendar {

// Recursive: the helpers below take it too, and call each other.
std::recursive_mutex& libical_mutex();

// "UTC" is its own zone; every other name must be a zone of the system tz
// database ("Europe/Helsinki").
inline constexpr std::string_view kUtc = "UTC";

bool zone_exists(std::string_view name);

// A wall-clock time in `zone` as seconds since the epoch, as RFC 5545 §3.3.5
// reads it: a time that occurs twice (clocks going back) is the first of the
// two; one that does not occur (clocks going forward) takes the offset from
// before the gap, so that it moves forward by the gap (03:30 in Helsinki on
// 2026-03-29 is 04:30+03:00).
std::int64_t local_to_utc(const CivilTime& local, std::string_view zone);

// Seconds since the epoch as the wall clock of `zone` showed them.
CivilTime utc_to_local(std::int64_t utc, std::string_view zone);

// The wall clock of `zone` at `utc` if that wall-clock time names `utc`
// again; nullopt in the second pass through an hour that clocks go back
// over (local_to_utc reads such a time as the first pass).
std::optional<CivilTime> wall_clock_of(std::int64_t utc, std::string_view zone);

// The offset from UTC, in seconds, that `zone` had at `utc`.
int utc_offset(std::int64_t utc, std::string_view zone);

// The VTIMEZONE component for `zone` (CRLF lines, TZID the plain IANA name,
// transitions from 1970 on), generated once per process; empty for UTC.
const std::string& vtimezone_text(std::string_view zone);

// Tells libical to read the system tz database (not a copy of its own) and
// loads what later calls share. Call once before threads start.
void init_timezones();

}  // namespace civic::calendar
