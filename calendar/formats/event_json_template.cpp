#include "calendar/formats/event_json_template.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "calendar/model/civil_time.hpp"
#include "calendar/model/timezone.hpp"
#include "common/url.hpp"

namespace civic::calendar {

namespace {

constexpr std::string_view kNotOccurrence = R"(,"super_event":null,"recurrence_id":null)";
constexpr std::string_view kSuperHead = R"(,"super_event":{"@id":")";
constexpr std::string_view kSuperTail = R"("},"recurrence_id":")";
constexpr std::string_view kRecurrenceQuery = "?recurrence_id=";

std::string quoted(std::string_view text) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace

std::string json_string_content(std::string_view text) {
  std::string q = quoted(text);
  return q.substr(1, q.size() - 2);
}

std::string query_component(std::string_view text) { return url::encoded(text, url::Keep::query_value); }

std::string occurrence_time_text(std::int64_t utc, const EventClock& clock) {
  CivilTime local = utc_to_local(utc, clock.zone);
  if (clock.all_day) return format_iso_date(local);
  return format_iso_datetime(local, static_cast<int>(seconds_from_civil(local) - utc));
}

bool append_event_json(Body& body, std::string_view stored, std::string_view base,
                       const std::optional<OccurrenceTimes>& occurrence, const EventClock& clock,
                       unsigned include) {
  std::string_view path;          // the "@id" path, after B up to O
  std::string recurrence_id;      // of the occurrence, as start_time
  if (occurrence) recurrence_id = occurrence_time_text(occurrence->start, clock);
  std::size_t at = 0;
  bool in_times = false;
  unsigned variant = 0;           // in L or K: its include bit
  bool skipping = false;          // in the form of L or K not asked for
  while (at <= stored.size()) {
    std::size_t mark = stored.find(kJsonMark, at);
    std::string_view literal = stored.substr(at, mark == std::string_view::npos ? std::string_view::npos : mark - at);
    if ((!in_times || !occurrence) && !skipping) body.append(literal);
    if (mark == std::string_view::npos) break;
    if (mark + 1 >= stored.size()) return false;
    char slot = stored[mark + 1];
    at = mark + 2;
    switch (slot) {
      case kJsonBase: {
        body.append(base);
        std::size_t query = stored.find(kJsonMark, at);
        if (query == std::string_view::npos) return false;
        path = stored.substr(at, query - at);
        break;
      }
      case kJsonTimes:
      case kJsonTimesNoEnd:
        in_times = true;
        if (occurrence) {
          std::string times = R"(,"start_time":")" + recurrence_id + R"(","end_time":)";
          if (slot == kJsonTimesNoEnd) {
            times += "null";
          } else {
            // The JSON names an all-day event's last day; the occurrence ends
            // at the midnight after it.
            std::int64_t last = clock.all_day ? occurrence->end - 1 : occurrence->end;
            times += '"' + occurrence_time_text(last, clock) + '"';
          }
          body.append_owned(std::move(times));
        }
        break;
      case kJsonTimesEnd:
        in_times = false;
        break;
      case kJsonIdQuery:
        if (occurrence) {
          body.append(kRecurrenceQuery);
          body.append_owned(query_component(recurrence_id));
        }
        break;
      case kJsonSuper:
        if (!occurrence) {
          body.append(kNotOccurrence);
        } else {
          body.append(kSuperHead);
          body.append(base);
          body.append(path);
          body.append(kSuperTail);
          body.append_owned(recurrence_id + '"');
        }
        break;
      case kJsonResourceBase:
        if (!skipping) body.append(base);
        break;
      case kJsonLocation:
      case kJsonKeywords:
        if (variant) return false;
        variant = slot == kJsonLocation ? kIncludeLocation : kIncludeKeywords;
        skipping = (include & variant) != 0;  // the reference comes first
        break;
      case kJsonVariantElse:
        if (!variant) return false;
        skipping = (include & variant) == 0;
        break;
      case kJsonVariantEnd:
        if (!variant) return false;
        variant = 0;
        skipping = false;
        break;
      default:
        return false;
    }
  }
  return !in_times && !variant;
}

}  // namespace civic::calendar
