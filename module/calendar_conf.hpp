// civic_calendar NAME { ... } at http{} level, and the calendars it defines.
#pragma once

#include "module/ngx.hpp"

#include <string_view>

#include "calendar/model/calendars.hpp"
#include "module/module.hpp"

namespace civic::module {

// The calendars of the configuration `r` runs under (never null).
const calendar::Calendars& calendar_registry(ngx_http_request_t* r);

// The directive's handler.
char* civic_calendar_block(ngx_conf_t* cf, ngx_command_t* cmd, void* conf) noexcept;

}  // namespace civic::module
