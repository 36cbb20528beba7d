// Preparing the folder a store lives in, before LMDB opens it.
#pragma once

#include <string>

#include "common/result.hpp"

namespace civic::storage {

// Creates `path` (and missing parents, mode 0700) unless it exists, and checks
// that it is a directory this process may write into. The error says which.
Status prepare_store_directory(const std::string& path);

// The same checks without making anything (for `nginx -t`): `path` is a
// directory this process may write into, or could be created.
Status check_store_directory(const std::string& path);

// Hands the directory and the store's files to `uid`:`gid` (used when nginx
// starts as root and its workers run as another user).
Status give_store_to(const std::string& path, unsigned uid, unsigned gid);

}  // namespace civic::storage
