// The one place nginx's C headers are included. Include it first in every
// module/ file: nginx's headers set feature macros (64-bit off_t and others)
// that must come before any system header.
#pragma once

extern "C" {
#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>
#include <ngx_thread_pool.h>
}

#include <string_view>

namespace civic::ngx {

inline std::string_view view(const ngx_str_t& s) {
  return {reinterpret_cast<const char*>(s.data), s.len};
}

}  // namespace civic::ngx
