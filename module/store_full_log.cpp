#include "module/store_full_log.hpp"

#include <cstdint>

#include "common/log_throttle.hpp"

namespace civic::module {

void log_store_full(ngx_log_t* log, std::string_view what, std::string_view error) noexcept {
  static LogThrottle throttle;  // per worker: the event loop is its only caller
  std::uint64_t held_back = 0;
  if (!throttle.admit(static_cast<std::int64_t>(ngx_time()), held_back)) return;
  auto* w = reinterpret_cast<u_char*>(const_cast<char*>(what.data()));
  auto* e = reinterpret_cast<u_char*>(const_cast<char*>(error.data()));
  if (held_back == 0) {
    ngx_log_error(NGX_LOG_CRIT, log, 0, "civic: %*s: %*s", what.size(), w, error.size(), e);
  } else {
    ngx_log_error(NGX_LOG_CRIT, log, 0, "civic: %*s: %*s (and %uL more refused since the last line)", what.size(), w,
                  error.size(), e, static_cast<uint64_t>(held_back));
  }
}

}  // namespace civic::module
