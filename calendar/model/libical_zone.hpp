// For ical/ files that call libical directly: the libical zone of a name.
#pragma once

#include <libical/ical.h>

#include <cstdint>
#include <string_view>

#include "calendar/model/civil_time.hpp"

namespace civic::calendar {

// nullptr if `name` is not "UTC" or a zone of the system tz database. The
// caller holds libical_mutex().
icaltimezone* find_libical_zone(std::string_view name);

// The offset from UTC, in seconds, that `zone` (a tz database zone or a
// VTIMEZONE of a file) had at `utc`. The caller holds libical_mutex().
int libical_utc_offset(icaltimezone* zone, std::int64_t utc);

// A wall-clock time in `zone` as seconds since the epoch, read as
// local_to_utc (ical/timezone.hpp) reads it. The caller holds libical_mutex().
std::int64_t libical_local_to_utc(icaltimezone* zone, const CivilTime& local);

}  // namespace civic::calendar
