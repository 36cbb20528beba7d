// The delivery of submissions (forms/service/delivery_round.hpp) on a pool
// timer: every worker runs rounds while deliveries are due (the outbox's
// leases keep two workers from sending the same one), once a second when
// idle, and at once after a commit that stored deliveries.
#pragma once

#include "module/ngx.hpp"

namespace civic::module {

struct MainConf;

// In init_process, after the store has opened.
void start_delivery_timer(ngx_cycle_t* cycle, MainConf* mc) noexcept;
// After a commit that stored deliveries.
void deliveries_stored() noexcept;

}  // namespace civic::module
