#include "calendar/formats/ical_tree.hpp"

#include <libical/ical.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <memory>

namespace civic::calendar {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string owned(char* s) {
  std::string out = s ? s : "";
  std::free(s);
  return out;
}

// 2026-12-05T18:00:00 (Z for UTC), or 2026-12-05 for a date: RFC 7265
// §3.6.4/§3.6.5 and RFC 6321 §3.6.4/§3.6.5 write the ISO 8601 extended form.
std::string time_text(const icaltimetype& t) {
  char buf[32];
  if (t.is_date) {
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", t.year, t.month, t.day);
  } else {
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d%s", t.year, t.month, t.day, t.hour, t.minute,
                  t.second, icaltime_is_utc(t) ? "Z" : "");
  }
  return buf;
}

// "20261231T220000Z" (an UNTIL in a RECUR) in the extended form.
std::string basic_time_text(std::string_view v) {
  icaltimetype t = icaltime_from_string(std::string(v).c_str());
  if (icaltime_is_null_time(t)) return std::string(v);
  return time_text(t);
}

std::string utc_offset_text(int seconds) {
  char sign = seconds < 0 ? '-' : '+';
  int s = seconds < 0 ? -seconds : seconds;
  char buf[16];
  if (s % 60 != 0) {
    std::snprintf(buf, sizeof buf, "%c%02d:%02d:%02d", sign, s / 3600, s / 60 % 60, s % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%c%02d:%02d", sign, s / 3600, s / 60 % 60);
  }
  return buf;
}

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    std::size_t end = s.find(sep, start);
    out.emplace_back(s.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) return out;
    start = end + 1;
  }
}

// RFC 5545 §3.3.10 as libical writes it back: FREQ=WEEKLY;COUNT=10;BYDAY=TU,TH.
std::vector<RecurPart> recur_parts(std::string_view rule) {
  static constexpr std::string_view kNumeric[] = {"count",      "interval",  "bysecond", "byminute",
                                                  "byhour",     "bymonthday", "byyearday", "byweekno",
                                                  "bymonth",    "bysetpos"};
  std::vector<RecurPart> parts;
  for (const auto& item : split(rule, ';')) {
    auto eq = item.find('=');
    if (eq == std::string::npos) continue;
    RecurPart p;
    p.name = lower(item.substr(0, eq));
    p.numeric = std::find(std::begin(kNumeric), std::end(kNumeric), p.name) != std::end(kNumeric);
    for (auto& v : split(std::string_view(item).substr(eq + 1), ',')) {
      p.values.push_back(p.name == "until" ? basic_time_text(v) : v);
    }
    parts.push_back(std::move(p));
  }
  return parts;
}

// The jCal/xCal type of an extension property (RFC 7265 §5, RFC 6321 §5:
// "unknown" unless the type is known). civic writes these as TEXT or a
// DURATION.
std::string_view x_property_type(std::string_view name) {
  if (name == "x-published-ttl") return "duration";
  if (name == "x-wr-calname" || name == "x-wr-caldesc" || name == "x-wr-timezone" || name == "x-alt-desc" ||
      name == "x-lic-location")
    return "text";
  return "unknown";
}

PropertyTree read_property(icalproperty* p) {
  PropertyTree out;
  out.name = lower(icalproperty_get_property_name(p));
  for (icalparameter* pa = icalproperty_get_first_parameter(p, ICAL_ANY_PARAMETER); pa != nullptr;
       pa = icalproperty_get_next_parameter(p, ICAL_ANY_PARAMETER)) {
    if (icalparameter_isa(pa) == ICAL_VALUE_PARAMETER) continue;  // the type says it
    std::string text = owned(icalparameter_as_ical_string_r(pa));
    auto eq = text.find('=');
    if (eq == std::string::npos) continue;
    std::string value = text.substr(eq + 1);
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
    out.params.emplace_back(lower(text.substr(0, eq)), std::move(value));
  }
  icalvalue* v = icalproperty_get_value(p);
  icalvalue_kind kind = v ? icalvalue_isa(v) : ICAL_NO_VALUE;
  switch (kind) {
    case ICAL_TEXT_VALUE:
      out.type = "text";
      out.values.emplace_back(icalvalue_get_text(v) ? icalvalue_get_text(v) : "");
      break;
    case ICAL_DATETIME_VALUE:
    case ICAL_DATE_VALUE: {
      icaltimetype t = icalvalue_get_datetime(v);
      out.type = t.is_date ? "date" : "date-time";
      out.values.push_back(time_text(t));
      break;
    }
    case ICAL_DATETIMEPERIOD_VALUE: {
      icaldatetimeperiodtype dp = icalvalue_get_datetimeperiod(v);
      if (!icaltime_is_null_time(dp.time)) {
        out.type = dp.time.is_date ? "date" : "date-time";
        out.values.push_back(time_text(dp.time));
      } else {
        out.type = "period";
        out.values.push_back(time_text(dp.period.start) + "/" +
                             (icaltime_is_null_time(dp.period.end)
                                  ? owned(icaldurationtype_as_ical_string_r(dp.period.duration))
                                  : time_text(dp.period.end)));
      }
      break;
    }
    case ICAL_INTEGER_VALUE:
      out.type = "integer";
      out.numeric = true;
      out.values.push_back(std::to_string(icalvalue_get_integer(v)));
      break;
    case ICAL_GEO_VALUE: {
      // RFC 7265 §3.4.1.2 / RFC 6321 §3.4.1.2: latitude and longitude, as
      // the text has them ("60.451800;22.268600").
      out.type = "float";
      out.numeric = true;
      out.geo = true;
      out.values = split(owned(icalvalue_as_ical_string_r(v)), ';');
      if (out.values.size() != 2) out.values = {"0", "0"};
      break;
    }
    case ICAL_RECUR_VALUE:
      out.type = "recur";
      out.recur = recur_parts(owned(icalvalue_as_ical_string_r(v)));
      break;
    case ICAL_UTCOFFSET_VALUE:
      out.type = "utc-offset";
      out.values.push_back(utc_offset_text(icalvalue_get_utcoffset(v)));
      break;
    case ICAL_URI_VALUE:
      out.type = "uri";
      out.values.push_back(owned(icalvalue_as_ical_string_r(v)));
      break;
    case ICAL_CALADDRESS_VALUE:
      out.type = "cal-address";
      out.values.push_back(owned(icalvalue_as_ical_string_r(v)));
      break;
    case ICAL_DURATION_VALUE:
      out.type = "duration";
      out.values.push_back(owned(icalvalue_as_ical_string_r(v)));
      break;
    case ICAL_FLOAT_VALUE:
      out.type = "float";
      out.numeric = true;
      out.values.push_back(owned(icalvalue_as_ical_string_r(v)));
      break;
    case ICAL_BOOLEAN_VALUE:
      out.type = "boolean";
      out.values.push_back(icalvalue_get_boolean(v) ? "true" : "false");
      break;
    case ICAL_X_VALUE:
      out.type = std::string(x_property_type(out.name));
      out.values.emplace_back(icalvalue_get_x(v) ? icalvalue_get_x(v) : "");
      break;
    default:
      // Enumerated values (STATUS, TRANSP, CLASS, METHOD, ACTION): TEXT.
      out.type = "text";
      out.values.push_back(owned(icalvalue_as_ical_string_r(v)));
      break;
  }
  return out;
}

ComponentTree read_component(icalcomponent* c) {
  ComponentTree out;
  out.name = lower(icalcomponent_kind_to_string(icalcomponent_isa(c)));
  for (icalproperty* p = icalcomponent_get_first_property(c, ICAL_ANY_PROPERTY); p != nullptr;
       p = icalcomponent_get_next_property(c, ICAL_ANY_PROPERTY)) {
    PropertyTree prop = read_property(p);
    if (!out.properties.empty()) {
      PropertyTree& last = out.properties.back();
      if (last.name == prop.name && last.params == prop.params && last.type == prop.type && !last.geo &&
          last.recur.empty() && prop.values.size() == 1 && (prop.name == "categories" || prop.name == "exdate" || prop.name == "rdate")) {
        last.values.push_back(std::move(prop.values.front()));
        continue;
      }
    }
    out.properties.push_back(std::move(prop));
  }
  for (icalcomponent* sub = icalcomponent_get_first_component(c, ICAL_ANY_COMPONENT); sub != nullptr;
       sub = icalcomponent_get_next_component(c, ICAL_ANY_COMPONENT))
    out.components.push_back(read_component(sub));
  return out;
}

}  // namespace

std::vector<RecurPart> read_recur(std::string_view rule) {
  icalrecurrencetype r = icalrecurrencetype_from_string(std::string(rule).c_str());
  return recur_parts(owned(icalrecurrencetype_as_string_r(&r)));
}

std::optional<ComponentTree> read_component_tree(std::string_view text) {
  std::string copy(text);
  std::unique_ptr<icalcomponent, void (*)(icalcomponent*)> c(icalparser_parse_string(copy.c_str()), icalcomponent_free);
  if (!c) return std::nullopt;
  return read_component(c.get());
}

}  // namespace civic::calendar
