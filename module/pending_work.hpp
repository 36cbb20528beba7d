// Work in flight in the thread pool keeps the worker alive.
//
// A worker that is shutting down gracefully (reload, binary upgrade, QUIT)
// exits as soon as no timer is left (ngx_event_no_timers_left); a request
// waiting for a pool-thread job or a group commit has no timer of its own,
// so without this the worker would exit before answering it (its commit
// done, its client told nothing). While any such work is in flight, one
// timer stays armed.
#pragma once

#include "module/ngx.hpp"

namespace civic::module {

void pending_work_started() noexcept;
void pending_work_finished() noexcept;

}  // namespace civic::module
