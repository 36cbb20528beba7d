// civic_calendar NAME { ... } at http{} level, and the calendars it defines.
#pragma once

#include "module/ngx.hpp"

#include <deque>
#include <string_view>
#include <vector>

#include "calendar/model/calendar_config.hpp"
#include "module/module.hpp"
#include "storage/store.hpp"

namespace civic::module {

// The calendars of one configuration. Owned by the configuration's pool (a
// cleanup runs the destructor); nginx code sees only a pointer in MainConf.
class CalendarRegistry {
 public:
  const calendar::CalendarConfig* find(std::string_view name) const;
  std::vector<const calendar::CalendarConfig*> all() const;
  std::vector<std::string_view> names() const;
  std::deque<calendar::CalendarConfig>& items() { return calendars_; }

 private:
  std::deque<calendar::CalendarConfig> calendars_;  // stable addresses
};

// The registry of the configuration `r` runs under (never null).
const CalendarRegistry& calendar_registry(ngx_http_request_t* r);

// The directive's handler.
char* civic_calendar_block(ngx_conf_t* cf, ngx_command_t* cmd, void* conf) noexcept;

// At the end of the configuration, with the store open: records each
// calendar's definition (civicctl reads it) and when it last changed.
ngx_int_t record_calendar_definitions(ngx_conf_t* cf, MainConf* mc, storage::Store& store) noexcept;

}  // namespace civic::module
