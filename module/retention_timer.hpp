// The retention purge on a timer (storage/retention.hpp): every worker arms
// one; when it fires, a pool thread claims the turn (so that only one worker
// purges per interval) and removes each form's expired submissions in small
// transactions. The interval is a quarter of the shortest retention, at least
// 1 s and at most 60 s, so that nothing outlives its retention by much.
#pragma once

#include "module/ngx.hpp"

#include "storage/store.hpp"

namespace civic::module {

struct MainConf;

// In init_process, after the store has opened.
void start_retention_timer(ngx_cycle_t* cycle, MainConf* mc) noexcept;

}  // namespace civic::module
