// Dates and wall-clock times, the ISO 8601 forms the API takes and writes,
// and the iCalendar DATE / DATE-TIME forms (RFC 5545 §3.3.4, §3.3.5).
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace civic::calendar {

// A date and wall-clock time with no zone attached.
struct CivilTime {
  int year = 1970;
  int month = 1;
  int day = 1;
  int hour = 0;
  int minute = 0;
  int second = 0;

  auto operator<=>(const CivilTime&) const = default;
};

// Years civic accepts; time zones and recurrence behave well inside them.
inline constexpr int kMinYear = 1900;
inline constexpr int kMaxYear = 2199;

std::int64_t days_from_civil(int year, int month, int day) noexcept;
CivilTime civil_from_days(std::int64_t days) noexcept;

// Seconds since the epoch when `t` is read as UTC, and back.
std::int64_t seconds_from_civil(const CivilTime& t) noexcept;
CivilTime civil_from_seconds(std::int64_t seconds) noexcept;

CivilTime add_days(const CivilTime& t, int days) noexcept;
bool is_valid_date(int year, int month, int day) noexcept;

// What an ISO 8601 date or date-time said.
struct IsoTime {
  CivilTime civil;
  bool date_only = false;
  std::optional<int> offset_seconds;  // from "Z" or "+02:00"; nullopt: local time
  int micros = 0;                     // the fraction of a second, to the microsecond
};

// "2026-12-24", "2026-12-05T18:00", "2026-12-05T18:00:00", with optional
// fraction of a second (to the microsecond in `micros`, the rest dropped),
// "Z" or "+02:00" / "+0200" / "+02".
std::optional<IsoTime> parse_iso8601(std::string_view text);

// True if parse_iso8601 refused `text` only for its year, outside kMinYear to
// kMaxYear: such a date deserves a message that names the range.
bool iso8601_year_out_of_range(std::string_view text);

std::string format_iso_date(const CivilTime& t);                       // 2026-12-24
std::string format_iso_datetime(const CivilTime& t, int offset_seconds);  // 2026-12-05T18:00:00+02:00
std::string format_ical_date(const CivilTime& t);                      // 20261224
std::string format_ical_datetime(const CivilTime& t);                  // 20261205T180000
std::string format_ical_utc(std::int64_t seconds);                     // 20261205T160000Z
// Microseconds since the epoch as 2026-12-05T16:00:00.123456Z.
std::string format_iso_utc_micros(std::int64_t micros);

}  // namespace civic::calendar
