// A full store refuses every write (a citizen's submission, an event) until
// a sysadmin raises max_size and reloads. That is logged at [crit], but a
// flood of refused posts must not flood the log: at most one line a second
// per worker, saying how many refusals it stands for.
#pragma once

#include "module/ngx.hpp"

#include <string_view>

namespace civic::module {

// Logs "civic: WHAT: ERROR" at [crit], unless a line was logged this second.
void log_store_full(ngx_log_t* log, std::string_view what, std::string_view error) noexcept;

}  // namespace civic::module
