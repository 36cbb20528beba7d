#include "calendar/model/timezone.hpp"

#include <libical/ical.h>

#include "calendar/model/libical_zone.hpp"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <memory>

namespace civic::calendar {

// Caller holds libical_mutex().
icaltimezone* find_libical_zone(std::string_view name) {
  if (name == kUtc) return icaltimezone_get_utc_timezone();
  static std::map<std::string, icaltimezone*, std::less<>> cache;
  if (auto it = cache.find(name); it != cache.end()) return it->second;
  std::string key(name);
  icaltimezone* zone = nullptr;
  // Only names that look like tz database names ("America/Port-au-Prince",
  // "Etc/GMT+2"): never a path, and no byte (a NUL) that would make libical
  // look up a shorter name than the one kept.
  bool plausible = !key.empty() && key.size() < 64 && key.front() != '/' && key.find("..") == std::string::npos &&
                   std::all_of(key.begin(), key.end(), [](char c) {
                     return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '/' ||
                            c == '_' || c == '-' || c == '+';
                   });
  if (plausible) {
    zone = icaltimezone_get_builtin_timezone(key.c_str());
    // A zone that zone.tab lists but whose file cannot be read has no component.
    if (zone != nullptr && icaltimezone_get_component(zone) == nullptr) zone = nullptr;
  }
  cache.emplace(std::move(key), zone);
  return zone;
}

namespace {

icaltimezone* find_zone(std::string_view name) { return find_libical_zone(name); }

icaltimetype to_icaltime(const CivilTime& t) {
  icaltimetype tt = icaltime_null_time();
  tt.year = t.year;
  tt.month = t.month;
  tt.day = t.day;
  tt.hour = t.hour;
  tt.minute = t.minute;
  tt.second = t.second;
  tt.is_date = 0;
  return tt;
}

}  // namespace

std::recursive_mutex& libical_mutex() {
  static std::recursive_mutex m;
  return m;
}

void init_timezones() {
  std::lock_guard lock(libical_mutex());
  icaltimezone_set_builtin_tzdata(0);  // the system's /usr/share/zoneinfo
  (void)icaltimezone_get_utc_timezone();
}

bool zone_exists(std::string_view name) {
  std::lock_guard lock(libical_mutex());
  return find_zone(name) != nullptr;
}

int libical_utc_offset(icaltimezone* zone, std::int64_t utc) {
  icaltimetype tt = to_icaltime(civil_from_seconds(utc));
  return icaltimezone_get_utc_offset_of_utc_time(zone, &tt, nullptr);
}

// RFC 5545 §3.3.5: a wall-clock time that occurs twice (clocks going back)
// is the first of the two; one that does not occur (clocks going forward) is
// read with the offset from before the gap, which moves it forward by the
// gap's length. (libical's own local-to-UTC conversion does neither.)
// The offsets a day or two before and after bound the candidates: no zone
// changes its clock twice within a few days, and a change is never more than
// a day (Samoa's in 2011).
std::int64_t libical_local_to_utc(icaltimezone* zone, const CivilTime& local) {
  constexpr std::int64_t kWindow = 2 * 86400;
  const std::int64_t wall = seconds_from_civil(local);
  const int before = libical_utc_offset(zone, wall - kWindow);
  const int after = libical_utc_offset(zone, wall + kWindow);
  const bool before_fits = libical_utc_offset(zone, wall - before) == before;
  if (before == after && before_fits) return wall - before;
  const bool after_fits = libical_utc_offset(zone, wall - after) == after;
  if (before_fits && after_fits) return std::min(wall - before, wall - after);  // twice: the first
  if (after_fits) return wall - after;
  return wall - before;  // a gap (or no offset fits): the offset before it
}

std::int64_t local_to_utc(const CivilTime& local, std::string_view zone) {
  if (zone == kUtc) return seconds_from_civil(local);
  std::lock_guard lock(libical_mutex());
  icaltimezone* z = find_zone(zone);
  if (z == nullptr) return seconds_from_civil(local);
  return libical_local_to_utc(z, local);
}

CivilTime utc_to_local(std::int64_t utc, std::string_view zone) {
  if (zone == kUtc) return civil_from_seconds(utc);
  std::lock_guard lock(libical_mutex());
  icaltimezone* z = find_zone(zone);
  if (z == nullptr) return civil_from_seconds(utc);
  return civil_from_seconds(utc + libical_utc_offset(z, utc));
}

std::optional<CivilTime> wall_clock_of(std::int64_t utc, std::string_view zone) {
  CivilTime local = utc_to_local(utc, zone);
  if (local_to_utc(local, zone) != utc) return std::nullopt;
  return local;
}

int utc_offset(std::int64_t utc, std::string_view zone) {
  CivilTime local = utc_to_local(utc, zone);
  return static_cast<int>(seconds_from_civil(local) - utc);
}

const std::string& vtimezone_text(std::string_view zone) {
  static const std::string empty;
  if (zone == kUtc) return empty;
  std::lock_guard lock(libical_mutex());
  static std::map<std::string, std::unique_ptr<const std::string>, std::less<>> cache;
  if (auto it = cache.find(zone); it != cache.end()) return *it->second;
  icaltimezone* z = find_zone(zone);
  std::string text;
  if (z != nullptr) {
    icalcomponent* vtz = icalcomponent_new_clone(icaltimezone_get_component(z));
    // Transitions before 1970 only make the feed longer.
    icaltimezone_truncate_vtimezone(vtz, icaltime_from_string("19700101T000000Z"), icaltime_null_time(), 0);
    // libical names its zones "/freeassociation.sourceforge.net/Europe/Helsinki";
    // calendar apps know "Europe/Helsinki" (and our DTSTARTs say that).
    std::string tzid(zone);
    if (icalproperty* p = icalcomponent_get_first_property(vtz, ICAL_TZID_PROPERTY)) icalproperty_set_tzid(p, tzid.c_str());
    char* ics = icalcomponent_as_ical_string_r(vtz);
    if (ics != nullptr) {
      text = ics;
      std::free(ics);
    }
    icalcomponent_free(vtz);
  }
  auto [it, inserted] = cache.emplace(std::string(zone), std::make_unique<const std::string>(std::move(text)));
  return *it->second;
}

}  // namespace civic::calendar
