// Re-rendering in the background (calendar/service/rerender.hpp): every
// worker arms one timer; when it fires, a pool thread claims the turn in the
// store (one worker at a time) and takes a slice of each calendar whose
// stored renditions are of another style (its languages, title or
// organizer changed). While there is work it fires again soon; then once a
// minute, to notice a reload's changes.
#pragma once

#include "module/ngx.hpp"

namespace civic::module {

struct MainConf;

// In init_process, after the store has opened.
void start_rerender_timer(ngx_cycle_t* cycle, MainConf* mc) noexcept;

}  // namespace civic::module
