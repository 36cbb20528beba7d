#include "storage/backup.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace civic::storage {

namespace {

bool is_space_error(int code) { return code == ENOSPC || code == EDQUOT || code == EFBIG; }

Status fsync_path(const std::string& path, int flags) {
  int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return Error(errno, "open " + path);
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0) return Error(err, "fsync " + path);
  return {};
}

// Empty, or not there at all; an error says why DEST cannot be used.
Result<bool> dest_exists_empty(const std::string& dest) {
  struct stat st;
  if (::lstat(dest.c_str(), &st) != 0) {
    if (errno == ENOENT) return false;
    return Error(errno, "backup to " + dest);
  }
  if (!S_ISDIR(st.st_mode))
    return Error(Error::kInvalid, "backup to " + dest, "it exists and is not a directory; give a new directory");
  DIR* dir = ::opendir(dest.c_str());
  if (dir == nullptr) return Error(errno, "backup to " + dest);
  bool empty = true;
  while (dirent* e = ::readdir(dir)) {
    if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0) {
      empty = false;
      break;
    }
  }
  ::closedir(dir);
  if (!empty)
    return Error(Error::kInvalid, "backup to " + dest,
                 "it exists and is not empty; give a new (or empty) directory, so that no store is overwritten");
  return true;
}

// Removes what a failed copy left (the file, then its directory).
void remove_partial(const std::string& dir) {
  ::unlink((dir + "/data.mdb").c_str());
  ::rmdir(dir.c_str());
}

}  // namespace

Result<BackupResult> backup_store(Store& store, const std::string& dest_in) {
  std::string dest = dest_in;
  while (dest.size() > 1 && dest.back() == '/') dest.pop_back();
  if (dest.empty()) return Error(Error::kInvalid, "backup", "no destination given");
  auto exists = dest_exists_empty(dest);
  if (!exists) return exists.error();

  auto slash = dest.rfind('/');
  std::string parent = slash == std::string::npos ? "." : (slash == 0 ? "/" : dest.substr(0, slash));
  std::string base = slash == std::string::npos ? dest : dest.substr(slash + 1);
  struct stat pst;
  if (::stat(parent.c_str(), &pst) != 0 || !S_ISDIR(pst.st_mode))
    return Error(Error::kInvalid, "backup to " + dest, "the folder " + parent + " does not exist");

  std::string temp = parent + "/." + base + ".civic-backup-XXXXXX";
  if (::mkdtemp(temp.data()) == nullptr) return Error(errno, "backup to " + dest + ": make a directory in " + parent);
  std::string file = temp + "/data.mdb";

  auto fail = [&](int code, const std::string& what) -> Error {
    remove_partial(temp);
    if (is_space_error(code))
      return Error(Error::kInvalid, "backup to " + dest,
                   "no space left for the copy on the file system of " + parent + " (" + std::strerror(code) +
                       "); nothing was left behind: free some space or choose another place");
    return lmdb_error(code, "backup to " + dest + ": " + what);
  };

  // Personal data: readable by the owner only, as the store itself.
  int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return fail(errno, "create " + file);
  if (auto st = store.env().copy_to_fd(fd, true); !st) {
    ::close(fd);
    return fail(st.error().code(), "copy");
  }
  if (::fsync(fd) != 0) {
    int err = errno;
    ::close(fd);
    return fail(err, "fsync " + file);
  }
  struct stat fst;
  if (::fstat(fd, &fst) != 0) {
    int err = errno;
    ::close(fd);
    return fail(err, "stat " + file);
  }
  if (::close(fd) != 0) return fail(errno, "close " + file);
  if (auto st = fsync_path(temp, O_RDONLY | O_DIRECTORY); !st) return fail(st.error().code(), "fsync " + temp);
  // rename() replaces an empty directory at DEST in one step.
  if (::rename(temp.c_str(), dest.c_str()) != 0) return fail(errno, "rename " + temp);
  if (auto st = fsync_path(parent, O_RDONLY | O_DIRECTORY); !st) return st.error();
  BackupResult result;
  result.path = dest;
  result.bytes = static_cast<std::uint64_t>(fst.st_size);
  return result;
}

}  // namespace civic::storage
