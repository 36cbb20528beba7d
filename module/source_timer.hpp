// Calendars that follow a source (`source ics URL interval=15m`): every
// worker arms one timer per such calendar; when it fires, a pool thread
// claims the calendar's turn in the store (so that one worker fetches per
// interval) and runs calendar::sync_source, which fetches with libcurl and
// imports in that pool thread. The outcome is logged on the event loop.
#pragma once

#include "module/ngx.hpp"

namespace civic::module {

struct MainConf;

// In init_process, after the store has opened.
void start_source_timers(ngx_cycle_t* cycle, MainConf* mc) noexcept;

}  // namespace civic::module
