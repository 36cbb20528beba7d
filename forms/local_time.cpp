#include "forms/local_time.hpp"

#include <unicode/timezone.h>
#include <unicode/unistr.h>

#include <cstdio>
#include <ctime>
#include <memory>

namespace civic::forms {

namespace {

std::unique_ptr<icu::TimeZone> find_zone(std::string_view zone) {
  icu::UnicodeString id = icu::UnicodeString::fromUTF8(icu::StringPiece(zone.data(), static_cast<int32_t>(zone.size())));
  std::unique_ptr<icu::TimeZone> tz(icu::TimeZone::createTimeZone(id));
  icu::UnicodeString found;
  if (!tz || tz->getID(found) == icu::UnicodeString("Etc/Unknown")) return nullptr;
  return tz;
}

}  // namespace

bool time_zone_known(std::string_view zone) { return !zone.empty() && find_zone(zone) != nullptr; }

std::string local_time_text(std::int64_t utc, std::string_view zone) {
  auto tz = find_zone(zone);
  if (!tz) return {};
  UErrorCode status = U_ZERO_ERROR;
  int32_t raw = 0, dst = 0;
  tz->getOffset(static_cast<UDate>(utc) * 1000.0, false, raw, dst, status);
  if (U_FAILURE(status)) return {};
  std::time_t local = static_cast<std::time_t>(utc + (raw + dst) / 1000);
  std::tm tm{};
  gmtime_r(&local, &tm);
  char buf[64];  // room for any int the compiler can imagine (-Wformat-truncation)
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

bool parse_utc_time(std::string_view text, std::int64_t& out) {
  int y, mo, d, h, mi, s;
  char z = 0;
  std::string copy(text);
  if (copy.size() != 20 || std::sscanf(copy.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &s, &z) != 7 ||
      z != 'Z')
    return false;
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  out = static_cast<std::int64_t>(timegm(&tm));
  return true;
}

}  // namespace civic::forms
