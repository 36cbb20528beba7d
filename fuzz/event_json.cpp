// Event JSON (PUT body, bulk POST array): parsed, then rendered back as a
// VEVENT and JSON and expanded, as a write and a query would.
#include <string_view>
#include <vector>

#include "fuzz/fuzz_support.hpp"
#include "calendar/formats/event_json.hpp"
#include "calendar/model/recurrence.hpp"
#include "calendar/formats/jcal.hpp"
#include "calendar/formats/vevent.hpp"
#include "calendar/formats/xcal.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace civic::calendar;
  const CalendarConfig& cal = civic::fuzz::demo_calendar();
  std::string_view text(reinterpret_cast<const char*>(data), size);
  EventDefaults defaults{cal.default_language(), cal.timezone};
  std::vector<Event> events;
  Event one;
  if (!event_from_json(text, defaults, one)) events.push_back(std::move(one));
  (void)events_from_json_array(text, defaults, events, 100);
  VeventStyle style = vevent_style(cal, "en");
  for (const Event& event : events) {
    ComponentTree tree;
    (void)render_vevent(event, style, &tree);
    (void)component_jcal(tree);
    (void)component_xcal(tree);
    (void)event_to_json(event, {true, "https://example.fi/calendars/", "culture", {}});
    (void)expand_occurrences(event, 4102444800, 500);
    // As a query does: from a window years ahead, within a budget.
    ExpansionBudget steps(20000);
    (void)occurrences_between(event, 0, 2524608000 /* 2050 */, 2525212800, steps, 1000);
  }
  return 0;
}
