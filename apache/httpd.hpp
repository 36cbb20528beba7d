// The one place Apache httpd's C headers are included. Include it first in
// every apache/ file: APR's headers set feature macros (large files, the
// GNU extensions) that must come before any system header.
#pragma once

#include <httpd.h>
#include <http_config.h>
#include <http_core.h>
#include <http_log.h>
#include <http_protocol.h>
#include <http_request.h>
#include <ap_mpm.h>
#include <apr_strings.h>
#include <unixd.h>

#include <string_view>

// Log lines say [civic:LEVEL] (mod_civic.cpp defines the module record).
APLOG_USE_MODULE(civic);

namespace civic::apache {

inline std::string_view view(const char* s) { return s ? std::string_view(s) : std::string_view(); }

}  // namespace civic::apache
