// For ical/ files that call libical directly: the libical zone of a name.
#pragma once

#include <libical/ical.h>

#include <string_view>

namespace civic::ical {

// nullptr if `name` is not "UTC" or a zone of the system tz database. The
// caller holds libical_mutex().
icaltimezone* find_libical_zone(std::string_view name);

}  // namespace civic::ical
