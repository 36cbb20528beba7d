// .ics import (POST text/calendar, civicctl import): libical reads the text
// and every VEVENT becomes an Event; what parses is then rendered back as a
// VEVENT and as JSON, and its occurrences are expanded, as a write and a
// query would.
#include <string_view>
#include <vector>

#include "fuzz/fuzz_support.hpp"
#include "calendar/formats/event_json.hpp"
#include "calendar/formats/ics_reader.hpp"
#include "calendar/model/recurrence.hpp"
#include "calendar/formats/jcal.hpp"
#include "calendar/formats/vevent.hpp"
#include "calendar/formats/xcal.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace civic::calendar;
  const CalendarConfig& cal = civic::fuzz::demo_calendar();
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<Event> events;
  EventDefaults defaults{cal.default_language(), cal.timezone};
  if (events_from_ics(text, defaults, events, 200)) return 0;
  VeventStyle style = vevent_style(cal, "sv");
  for (const Event& event : events) {
    ComponentTree tree;
    (void)render_vevent(event, style, &tree);
    (void)component_jcal(tree);
    (void)component_xcal(tree);
    std::string json = canonical_json(event);
    Event back;
    (void)event_from_canonical_json(json, back);
    (void)expand_occurrences(event, 4102444800 /* 2100 */, 500);
    // As a query does: from a window years ahead, within a budget.
    ExpansionBudget steps(20000);
    (void)occurrences_between(event, 0, 2524608000 /* 2050 */, 2525212800, steps, 1000);
  }
  return 0;
}
