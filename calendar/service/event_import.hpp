// Importing events into a calendar: an .ics file or a JSON array of events,
// upserted by id in one transaction, all or nothing (calendar_writer.hpp).
// The admin API (POST .../events) and `civicctl import` both run this; only
// the number of events they take differs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <variant>

#include "calendar/model/calendar_config.hpp"
#include "common/field_error.hpp"
#include "calendar/model/write_counts.hpp"
#include "common/result.hpp"
#include "storage/store.hpp"

namespace civic::calendar {

// Events one import may carry. Over HTTP (docs/limits.md) a request must
// not hold a worker's memory for long; a sysadmin's file may be larger.
inline constexpr std::size_t kMaxImportEvents = 100000;
inline constexpr std::size_t kMaxFileImportEvents = 1000000;

enum class ImportFormat { ics, json_array };

// A file's format by its first character that is not white space: '[' is
// a JSON array, anything else is read as iCalendar.
ImportFormat sniff_import_format(std::string_view text);

// What an import did: the counts; or, nothing written, the refusal of the
// text (its field, line and component) or the store's failure.
using ImportOutcome = std::variant<WriteCounts, FieldError, Error>;

// `render_threads`: see upsert_events.
ImportOutcome import_events(storage::Store& store, const CalendarConfig& calendar, std::string_view text,
                            ImportFormat format, std::size_t max_events, std::int64_t now_us,
                            unsigned render_threads = 1);

}  // namespace civic::calendar
