#include "module/pending_work.hpp"

namespace civic::module {

namespace {

constexpr ngx_msec_t kCheckEvery = 1000;

ngx_uint_t in_flight = 0;
ngx_event_t keep_alive;

void recheck(ngx_event_t* ev) {
  if (in_flight > 0) ngx_add_timer(ev, kCheckEvery);
}

void awaiting_work(ngx_http_request_t*) {}

}  // namespace

void wait_for_work(ngx_http_request_t* r) noexcept {
  r->main->blocked++;
  pending_work_started();
  r->write_event_handler = awaiting_work;
}

bool work_done(ngx_http_request_t* r) noexcept {
  r->main->blocked--;
  pending_work_finished();
  if (r->write_event_handler == awaiting_work) {
    r->write_event_handler = ngx_http_request_empty_handler;
    return true;
  }
  ngx_connection_t* c = r->connection;
  r->write_event_handler(r);  // terminated while it waited: nginx's handler finishes it
  ngx_http_run_posted_requests(c);
  return false;
}

void finalize(ngx_http_request_t* r, ngx_int_t rc) noexcept {
  ngx_connection_t* c = r->connection;
  ngx_http_finalize_request(r, rc);
  ngx_http_run_posted_requests(c);
}

void pending_work_started() noexcept {
  if (in_flight++ > 0) return;
  keep_alive.handler = recheck;
  // The cycle's log, not a request's: the timer may outlive any request.
  keep_alive.log = ngx_cycle->log;
  keep_alive.data = nullptr;
  keep_alive.cancelable = 0;  // this is what makes a shutting-down worker wait
  if (!keep_alive.timer_set) ngx_add_timer(&keep_alive, kCheckEvery);
}

void pending_work_finished() noexcept {
  if (in_flight == 0) return;
  if (--in_flight == 0 && keep_alive.timer_set) ngx_del_timer(&keep_alive);
}

}  // namespace civic::module
