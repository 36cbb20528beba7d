// The one guard around every function nginx calls (content and body
// handlers, thread-pool completions, timers, configuration callbacks):
// nothing may throw into nginx's C. An exception from the core (bad_alloc, a
// bug) is logged and turned into what nginx understands from that callback.
#pragma once

#include "module/ngx.hpp"

#include <exception>
#include <string_view>

namespace civic::module {

// body() or, if it throws, on_throw(what it said). on_throw must not throw:
// it only logs and answers through nginx's C functions.
template <class Body, class OnThrow>
auto guarded(Body&& body, OnThrow&& on_throw) noexcept -> decltype(body()) {
  try {
    return body();
  } catch (const std::exception& e) {
    return on_throw(std::string_view(e.what()));
  } catch (...) {
    return on_throw(std::string_view("unknown exception"));
  }
}

inline void log_throw(ngx_log_t* log, ngx_uint_t level, const char* where, std::string_view what) noexcept {
  ngx_log_error(level, log, 0, "civic: %s: %*s", where, what.size(), what.data());
}

// A content handler: 500 if it throws.
template <class Body>
ngx_int_t guard_handler(ngx_http_request_t* r, const char* where, Body&& body) noexcept {
  return guarded(body, [&](std::string_view what) -> ngx_int_t {
    log_throw(r->connection->log, NGX_LOG_ERR, where, what);
    return NGX_HTTP_INTERNAL_SERVER_ERROR;
  });
}

// A request body handler, which must finalize the request itself.
template <class Body>
void guard_body_handler(ngx_http_request_t* r, const char* where, Body&& body) noexcept {
  guarded(body, [&](std::string_view what) {
    log_throw(r->connection->log, NGX_LOG_ERR, where, what);
    ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
  });
}

// An event handler (timer, thread completion) with nothing to return.
template <class Body>
void guard_event(ngx_log_t* log, const char* where, Body&& body) noexcept {
  guarded(body, [&](std::string_view what) { log_throw(log, NGX_LOG_ALERT, where, what); });
}

// A process or configuration step that returns NGX_OK / NGX_ERROR.
template <class Body>
ngx_int_t guard_step(ngx_log_t* log, const char* where, Body&& body) noexcept {
  return guarded(body, [&](std::string_view what) -> ngx_int_t {
    log_throw(log, NGX_LOG_EMERG, where, what);
    return NGX_ERROR;
  });
}

// A directive's handler: NGX_CONF_ERROR with the file and line.
template <class Body>
char* guard_directive(ngx_conf_t* cf, const char* where, Body&& body) noexcept {
  return guarded(body, [&](std::string_view what) -> char* {
    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "%s: %*s", where, what.size(), what.data());
    return static_cast<char*>(NGX_CONF_ERROR);
  });
}

}  // namespace civic::module
