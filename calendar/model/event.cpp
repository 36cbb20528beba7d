#include "calendar/model/event.hpp"

namespace civic::calendar {

namespace {

constexpr std::string_view kStatusNames[] = {"EventScheduled", "EventCancelled", "EventPostponed",
                                             "EventRescheduled"};

}  // namespace

std::string_view status_name(EventStatus s) { return kStatusNames[static_cast<int>(s)]; }

std::optional<EventStatus> status_from_name(std::string_view name) {
  for (int i = 0; i < 4; ++i)
    if (kStatusNames[i] == name) return static_cast<EventStatus>(i);
  return std::nullopt;
}

bool is_valid_event_id(std::string_view id) {
  if (id.empty() || id.size() > EventLimits::kIdBytes) return false;
  for (char c : id) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f || c == '/' || c == '%' || c == '?' || c == '#' || c == '\\') return false;
  }
  return id != "." && id != "..";
}

}  // namespace civic::calendar
