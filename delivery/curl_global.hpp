// libcurl's process-wide setup, done once before any thread uses curl.
#pragma once

#include "common/result.hpp"

namespace civic::delivery {

// curl_global_init(CURL_GLOBAL_DEFAULT) exactly once per process, however
// many threads call it; later calls return the first call's outcome.
civic::Status global_init();

}  // namespace civic::delivery
