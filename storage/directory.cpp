#include "storage/directory.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <system_error>

namespace civic::storage {

Status prepare_store_directory(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::file_status st = fs::status(path, ec);
  // A missing path, or one below a file (ENOTDIR): creating it says why.
  if (ec && ec != std::errc::no_such_file_or_directory && ec != std::errc::not_a_directory)
    return Error(ec.value(), "cannot look at the directory");
  if (ec || !fs::exists(st)) {
    fs::create_directories(path, ec);
    if (ec) return Error(ec.value(), "cannot create the directory");
    fs::permissions(path, fs::perms::owner_all, fs::perm_options::replace, ec);
    if (ec) return Error(ec.value(), "cannot set the directory's permissions");
    st = fs::status(path, ec);
    if (ec) return Error(ec.value(), "cannot look at the directory");
  }
  if (!fs::is_directory(st)) return Error(Error::kInvalid, "it is not a directory");
  if (::access(path.c_str(), W_OK | X_OK) != 0) return Error(errno, "the directory is not writable");
  return {};
}

Status check_store_directory(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::file_status st = fs::status(path, ec);
  if (!ec && fs::exists(st)) {
    if (!fs::is_directory(st)) return Error(Error::kInvalid, "it is not a directory");
    if (::access(path.c_str(), W_OK | X_OK) != 0) return Error(errno, "the directory is not writable");
    return {};
  }
  if (ec && ec != std::errc::no_such_file_or_directory && ec != std::errc::not_a_directory)
    return Error(ec.value(), "cannot look at the directory");
  // The nearest part of the path that exists must be a directory we may write into.
  fs::path parent = fs::path(path).parent_path();
  while (!parent.empty()) {
    fs::file_status ps = fs::status(parent, ec);
    if (!ec && fs::exists(ps)) {
      if (!fs::is_directory(ps)) return Error(ENOTDIR, "cannot create the directory");
      if (::access(parent.c_str(), W_OK | X_OK) != 0) return Error(errno, "cannot create the directory");
      return {};
    }
    if (parent == parent.root_path()) break;
    parent = parent.parent_path();
  }
  return Error(ENOENT, "cannot create the directory");
}

Status give_store_to(const std::string& path, unsigned uid, unsigned gid) {
  for (const char* name : {"", "/data.mdb", "/lock.mdb"}) {
    std::string file = path + name;
    struct stat st;
    if (::stat(file.c_str(), &st) != 0) {
      if (errno == ENOENT && *name) continue;
      return Error(errno, "stat " + file);
    }
    if (st.st_uid == uid && st.st_gid == gid) continue;
    if (::chown(file.c_str(), uid, gid) != 0) return Error(errno, "chown " + file);
  }
  return {};
}

}  // namespace civic::storage
