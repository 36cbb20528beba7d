// A page of a followed list (calendar/formats/followed_page.hpp): what a
// Linked Events API or another civic sends, read as either, and each event
// it gives rendered as a write would.
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_support.hpp"
#include "calendar/formats/event_json.hpp"
#include "calendar/formats/followed_page.hpp"
#include "calendar/formats/vevent.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace civic::calendar;
  const CalendarConfig& cal = civic::fuzz::demo_calendar();
  std::string_view text(reinterpret_cast<const char*>(data), size);
  EventDefaults defaults{cal.default_language(), cal.timezone};
  VeventStyle style = vevent_style(cal, "en");
  for (SourceKind kind : {SourceKind::linkedevents, SourceKind::civic}) {
    std::string error;
    auto page = read_followed_page(text, kind, defaults, cal.languages, error);
    if (!page) continue;
    for (const FollowedItem& item : page->items) {
      if (item.kind != FollowedItem::Kind::event) continue;
      (void)render_vevent(item.event, style, nullptr);
      (void)event_json_template(item.event, cal.name, cal.default_language());
    }
  }
  return 0;
}
