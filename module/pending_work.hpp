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

// A request waiting for such work (a job, a commit): nginx must not free it
// (r->main->blocked), the worker must not exit before it is answered, and
// its write handler marks it as waiting: nginx replaces that handler if it
// terminates the request meanwhile (the client went away, the worker shuts
// down).
void wait_for_work(ngx_http_request_t* r) noexcept;

// Its work is done: true if the request is to be answered now; false if
// nginx terminated it meanwhile (nginx's own handler has finished it).
bool work_done(ngx_http_request_t* r) noexcept;

// ngx_http_finalize_request, and the requests that posted.
void finalize(ngx_http_request_t* r, ngx_int_t rc) noexcept;

}  // namespace civic::module
