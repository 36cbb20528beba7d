#include "calendar/service/event_import.hpp"

#include <string>
#include <vector>

#include "calendar/formats/event_json.hpp"
#include "calendar/formats/ics_reader.hpp"
#include "calendar/service/calendar_writer.hpp"

namespace civic::calendar {

namespace {

// An id given twice, named as the format names it.
FieldError duplicate_id(const std::vector<Event>& events, std::size_t at, ImportFormat format) {
  FieldError e;
  bool ics = format == ImportFormat::ics;
  e.field = ics ? "UID" : "[" + std::to_string(at) + "].id";
  e.component = ics ? "VEVENT" : "";
  e.message = "the id " + events[at].id + " is given twice";
  return e;
}

}  // namespace

ImportFormat sniff_import_format(std::string_view text) {
  std::size_t first = text.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && text[first] == '[' ? ImportFormat::json_array : ImportFormat::ics;
}

ImportOutcome import_events(storage::Store& store, const CalendarConfig& calendar, std::string_view text,
                            ImportFormat format, std::size_t max_events, std::int64_t now_us,
                            unsigned render_threads) {
  EventDefaults defaults{calendar.default_language(), calendar.timezone};
  std::vector<Event> events;
  auto refused = format == ImportFormat::ics ? events_from_ics(text, defaults, events, max_events)
                                             : events_from_json_array(text, defaults, events, max_events);
  if (refused) return std::move(*refused);
  if (auto dup = first_duplicate_id(events)) return duplicate_id(events, *dup, format);
  auto counts = upsert_events(store, calendar, events, now_us, nullptr, render_threads);
  if (!counts) return counts.error();
  return *counts;
}

}  // namespace civic::calendar
