// JSON answers of the calendar endpoints that are not events: the list of
// calendars, import counts, and refusals that name a field or a line.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "calendar/model/calendar_config.hpp"
#include "calendar/model/write_counts.hpp"
#include "common/field_error.hpp"

namespace civic::calendar {

// {"data":[{"name","title","description","languages","timezone","refresh",
//           "feeds":{"ics","webcal"}}]}; `base_url` ends with the calendars
// location, e.g. "https://example.org/calendars/".
std::string calendar_list_json(const std::vector<const CalendarConfig*>& calendars, std::string_view base_url);

// {"created":N,"updated":N,"unchanged":N}
std::string write_counts_json(const WriteCounts& counts);

// {"error": message, "field": field, "component": "VEVENT", "line": 12}
// (field, component and line only when known).
std::string field_error_json(const FieldError& error);

}  // namespace civic::calendar
