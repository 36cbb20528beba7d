// civic_admin's calendar routes (see admin_events.cpp).
#pragma once

#include "module/ngx.hpp"

#include <string_view>

namespace civic::module {

// `path` is what follows "calendars/" below the admin location.
ngx_int_t admin_calendar_request(ngx_http_request_t* r, std::string_view path);

}  // namespace civic::module
