// The calendars of one configuration, by name, in the order they were
// defined. Built while nginx reads its configuration, then only read.
#pragma once

#include <deque>
#include <string_view>
#include <vector>

#include "calendar/model/calendar_config.hpp"

namespace civic::calendar {

class Calendars {
 public:
  const CalendarConfig* find(std::string_view name) const {
    for (const auto& c : calendars_)
      if (c.name == name) return &c;
    return nullptr;
  }
  std::vector<const CalendarConfig*> all() const {
    std::vector<const CalendarConfig*> out;
    for (const auto& c : calendars_) out.push_back(&c);
    return out;
  }
  std::vector<std::string_view> names() const {
    std::vector<std::string_view> out;
    for (const auto& c : calendars_) out.push_back(c.name);
    return out;
  }
  std::deque<CalendarConfig>& items() { return calendars_; }

 private:
  std::deque<CalendarConfig> calendars_;  // stable addresses
};

}  // namespace civic::calendar
