// libcurl's process-wide setup, done once at process start by the caller
// (before any thread uses curl): curl_global_init is not thread-safe on all
// builds, so it runs under std::call_once here and later calls only return
// the first one's result.
#pragma once

#include "common/result.hpp"

namespace civic::delivery {

Status global_init();

}  // namespace civic::delivery
