#include "calendar/model/civil_time.hpp"

#include <cstdio>

namespace civic::calendar {

// The proleptic Gregorian calendar's day count (the algorithm of
// H. Hinnant's "chrono-Compatible Low-Level Date Algorithms").
std::int64_t days_from_civil(int year, int month, int day) noexcept {
  std::int64_t y = year - (month <= 2 ? 1 : 0);
  std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  std::int64_t yoe = y - era * 400;
  std::int64_t mp = (month + 9) % 12;
  std::int64_t doy = (153 * mp + 2) / 5 + day - 1;
  std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

CivilTime civil_from_days(std::int64_t z) noexcept {
  z += 719468;
  std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  std::int64_t doe = z - era * 146097;
  std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  std::int64_t y = yoe + era * 400;
  std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  std::int64_t mp = (5 * doy + 2) / 153;
  std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
  std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
  CivilTime t;
  t.year = static_cast<int>(y + (m <= 2 ? 1 : 0));
  t.month = static_cast<int>(m);
  t.day = static_cast<int>(d);
  return t;
}

std::int64_t seconds_from_civil(const CivilTime& t) noexcept {
  return days_from_civil(t.year, t.month, t.day) * 86400 + t.hour * 3600 + t.minute * 60 + t.second;
}

CivilTime civil_from_seconds(std::int64_t s) noexcept {
  std::int64_t days = s >= 0 ? s / 86400 : -((-s + 86399) / 86400);
  std::int64_t rest = s - days * 86400;
  CivilTime t = civil_from_days(days);
  t.hour = static_cast<int>(rest / 3600);
  t.minute = static_cast<int>(rest / 60 % 60);
  t.second = static_cast<int>(rest % 60);
  return t;
}

CivilTime add_days(const CivilTime& t, int days) noexcept {
  CivilTime out = civil_from_days(days_from_civil(t.year, t.month, t.day) + days);
  out.hour = t.hour;
  out.minute = t.minute;
  out.second = t.second;
  return out;
}

namespace {

// A day of the proleptic Gregorian calendar, in any year.
bool is_calendar_day(int year, int month, int day) noexcept {
  if (month < 1 || month > 12 || day < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  int max = kDays[month - 1] + (month == 2 && leap ? 1 : 0);
  return day <= max;
}

}  // namespace

bool is_valid_date(int year, int month, int day) noexcept {
  return year >= kMinYear && year <= kMaxYear && is_calendar_day(year, month, day);
}

namespace {

bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

// The date's year is checked against kMinYear..kMaxYear only if `any_year`
// is false.
std::optional<IsoTime> parse_iso8601_years(std::string_view s, bool any_year) {
  IsoTime out;
  CivilTime& t = out.civil;
  if (!digits(s, 0, 4, t.year) || s.size() < 10 || s[4] != '-' || !digits(s, 5, 2, t.month) || s[7] != '-' ||
      !digits(s, 8, 2, t.day))
    return std::nullopt;
  if (!(any_year ? is_calendar_day(t.year, t.month, t.day) : is_valid_date(t.year, t.month, t.day)))
    return std::nullopt;
  if (s.size() == 10) {
    out.date_only = true;
    return out;
  }
  if (s[10] != 'T' && s[10] != 't' && s[10] != ' ') return std::nullopt;
  if (!digits(s, 11, 2, t.hour) || s.size() < 16 || s[13] != ':' || !digits(s, 14, 2, t.minute))
    return std::nullopt;
  std::size_t pos = 16;
  if (pos < s.size() && s[pos] == ':') {
    if (!digits(s, pos + 1, 2, t.second)) return std::nullopt;
    pos += 3;
    if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
      std::size_t start = ++pos;
      int scale = 100000;
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
        out.micros += (s[pos] - '0') * scale;
        scale /= 10;
        ++pos;
      }
      if (pos == start || pos - start > 9) return std::nullopt;
    }
  }
  if (t.hour > 23 || t.minute > 59 || t.second > 59) return std::nullopt;  // no leap seconds
  if (pos == s.size()) return out;
  if ((s[pos] == 'Z' || s[pos] == 'z') && pos + 1 == s.size()) {
    out.offset_seconds = 0;
    return out;
  }
  if (s[pos] != '+' && s[pos] != '-') return std::nullopt;
  int sign = s[pos] == '-' ? -1 : 1;
  int oh = 0;
  int om = 0;
  if (!digits(s, pos + 1, 2, oh)) return std::nullopt;
  std::size_t rest = pos + 3;
  if (rest == s.size()) {
    om = 0;
  } else if (s[rest] == ':' && rest + 3 == s.size() && digits(s, rest + 1, 2, om)) {
  } else if (rest + 2 == s.size() && digits(s, rest, 2, om)) {
  } else {
    return std::nullopt;
  }
  if (oh > 18 || om > 59) return std::nullopt;
  out.offset_seconds = sign * (oh * 3600 + om * 60);
  return out;
}

}  // namespace

std::optional<IsoTime> parse_iso8601(std::string_view text) { return parse_iso8601_years(text, false); }

bool iso8601_year_out_of_range(std::string_view text) {
  auto any = parse_iso8601_years(text, true);
  return any && (any->civil.year < kMinYear || any->civil.year > kMaxYear);
}

std::string format_iso_date(const CivilTime& t) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", t.year, t.month, t.day);
  return buf;
}

std::string format_iso_datetime(const CivilTime& t, int offset) {
  char buf[40];
  int n = std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", t.year, t.month, t.day, t.hour,
                        t.minute, t.second);
  std::string out(buf, static_cast<std::size_t>(n));
  if (offset == 0) {
    out += 'Z';
  } else {
    int a = offset < 0 ? -offset : offset;
    std::snprintf(buf, sizeof buf, "%c%02d:%02d", offset < 0 ? '-' : '+', a / 3600, a / 60 % 60);
    out += buf;
  }
  return out;
}

std::string format_ical_date(const CivilTime& t) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d%02d%02d", t.year, t.month, t.day);
  return buf;
}

std::string format_ical_datetime(const CivilTime& t) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%04d%02d%02dT%02d%02d%02d", t.year, t.month, t.day, t.hour, t.minute,
                t.second);
  return buf;
}

std::string format_ical_utc(std::int64_t seconds) { return format_ical_datetime(civil_from_seconds(seconds)) + 'Z'; }

std::string format_iso_utc_micros(std::int64_t micros) {
  std::int64_t seconds = micros >= 0 ? micros / 1000000 : -((-micros + 999999) / 1000000);
  auto frac = static_cast<long>(micros - seconds * 1000000);
  CivilTime t = civil_from_seconds(seconds);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", t.year, t.month, t.day, t.hour, t.minute,
                t.second, frac);
  return buf;
}

}  // namespace civic::calendar
