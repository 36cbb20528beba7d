// The storage layer's errors are the core's (common/result.hpp); LMDB's codes
// are explained by lmdb_error (storage/lmdb.hpp).
#pragma once

#include "common/result.hpp"

namespace civic::storage {

using civic::Error;
using civic::Result;
using civic::Status;

}  // namespace civic::storage
