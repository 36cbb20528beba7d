#include "storage/lmdb.hpp"

#include <pwd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace civic::storage {

namespace {

MDB_val to_val(std::string_view s) {
  return MDB_val{s.size(), const_cast<char*>(s.data())};
}

std::string_view from_val(const MDB_val& v) {
  return {static_cast<const char*>(v.mv_data), v.mv_size};
}

std::string on(const char* what, const Db& db) {
  return std::string(what) + " '" + db.name + "'";
}

}  // namespace

static_assert(Error::kStoreFull == MDB_MAP_FULL && Error::kNoReaderSlot == MDB_READERS_FULL);

Error lmdb_error(int code, std::string operation, std::string detail) {
  const char* reason = nullptr;
  switch (code) {
    case MDB_MAP_FULL:
      reason = "MDB_MAP_FULL: the store is full (raise max_size of civic_store)";
      break;
    case MDB_MAP_RESIZED:
      // Only a worker of the configuration before a reload that raised
      // max_size can see this, while it finishes its last requests.
      reason = "MDB_MAP_RESIZED: the store grew past this process's map (max_size was raised); newer workers serve it";
      break;
    case MDB_READERS_FULL:
      reason = "MDB_READERS_FULL: no free reader slot";
      break;
    case ENOSPC:
    case EDQUOT:
      return Error(code, std::move(operation), std::move(detail));  // the core's own words for a full disk
    default:
      reason = mdb_strerror(code);  // also covers errno values
      break;
  }
  return Error::explained(code, std::move(operation), reason, std::move(detail));
}

// ---- Env

namespace {

// Who was refused: an nginx worker runs as another user than the master that
// tested the configuration.
std::string who_may_not() {
  uid_t uid = ::geteuid();
  const passwd* pw = ::getpwuid(uid);
  std::string user = pw ? std::string(pw->pw_name) + " (uid " + std::to_string(uid) + ")" : "uid " + std::to_string(uid);
  return "user " + user + " may not open it: the store's directory, every directory above it and its files must "
         "let nginx's worker user in (read and write)";
}

}  // namespace

Result<Env> Env::open(const EnvOptions& options) {
  MDB_env* env = nullptr;
  if (int rc = mdb_env_create(&env); rc != 0) return lmdb_error(rc, "mdb_env_create");
  Env owner(env);  // closes on every early return below
  if (int rc = mdb_env_set_mapsize(env, options.map_size); rc != 0)
    return lmdb_error(rc, "mdb_env_set_mapsize");
  if (int rc = mdb_env_set_maxreaders(env, options.max_readers); rc != 0)
    return lmdb_error(rc, "mdb_env_set_maxreaders");
  if (int rc = mdb_env_set_maxdbs(env, options.max_dbs); rc != 0)
    return lmdb_error(rc, "mdb_env_set_maxdbs");
  // NOTLS: read transactions are not tied to a thread, so a worker's event
  // loop and its thread pool can each hold one.
  unsigned flags = MDB_NOTLS;
  if (options.read_only) flags |= MDB_RDONLY;
  if (int rc = mdb_env_open(env, options.path.c_str(), flags, options.file_mode); rc != 0) {
    if (rc == EACCES || rc == EPERM) return lmdb_error(rc, "open store " + options.path, who_may_not());
    return lmdb_error(rc, "open store " + options.path);
  }
  return owner;
}

Env& Env::operator=(Env&& other) noexcept {
  if (this != &other) {
    if (env_) mdb_env_close(env_);
    env_ = std::exchange(other.env_, nullptr);
  }
  return *this;
}

Env::~Env() {
  if (env_) mdb_env_close(env_);
}

namespace {

struct ReaderScan {
  std::uint64_t last_txn = 0;
  unsigned live = 0;
  std::uint64_t oldest = 0;  // 0: none
};

// mdb_reader_list prints one line per held slot: "pid thread txnid", with
// txnid "-" for a slot whose transaction is reset.
int count_reader(const char* line, void* ctx) {
  auto* scan = static_cast<ReaderScan*>(ctx);
  char txn[32] = {0};
  unsigned long pid = 0;
  unsigned long long thread = 0;
  if (std::sscanf(line, "%lu %llx %31s", &pid, &thread, txn) != 3) return 0;
  if (std::strcmp(txn, "-") == 0) return 0;
  char* end = nullptr;
  errno = 0;
  std::uint64_t id = std::strtoull(txn, &end, 10);
  if (errno != 0 || end == txn) return 0;
  scan->live++;
  if (scan->oldest == 0 || id < scan->oldest) scan->oldest = id;
  return 0;
}

}  // namespace

void Env::release_mapped_pages() const {
  // LMDB does not say where its map is (me_mapaddr is only set with
  // MDB_FIXEDMAP): it is the mapping of data.mdb's inode in /proc/self/maps.
  // The map is read-only and shared (no MDB_WRITEMAP): dropped pages are
  // read again from the file when touched; nothing is lost. Advice only:
  // errors are ignored.
  mdb_filehandle_t fd;
  struct stat st;
  if (mdb_env_get_fd(env_, &fd) != 0 || ::fstat(fd, &st) != 0) return;
  std::FILE* maps = std::fopen("/proc/self/maps", "r");
  if (!maps) return;
  char line[4096];
  while (std::fgets(line, sizeof line, maps)) {
    unsigned long start = 0, end = 0, inode = 0, offset = 0;
    unsigned major = 0, minor = 0;
    char perms[8];
    if (std::sscanf(line, "%lx-%lx %7s %lx %x:%x %lu", &start, &end, perms, &offset, &major, &minor, &inode) != 7)
      continue;
    if (inode != st.st_ino || makedev(major, minor) != st.st_dev) continue;
    ::madvise(reinterpret_cast<void*>(start), end - start, MADV_DONTNEED);
  }
  std::fclose(maps);
}

Result<EnvUsage> Env::usage() const {
  MDB_envinfo info;
  if (int rc = mdb_env_info(env_, &info); rc != 0) return lmdb_error(rc, "mdb_env_info");
  MDB_stat stat;
  if (int rc = mdb_env_stat(env_, &stat); rc != 0) return lmdb_error(rc, "mdb_env_stat");
  EnvUsage usage;
  usage.map_size = info.me_mapsize;
  usage.page_size = stat.ms_psize;
  usage.used_bytes = (info.me_last_pgno + 1) * stat.ms_psize;
  usage.last_txn_id = info.me_last_txnid;
  usage.max_readers = info.me_maxreaders;
  ReaderScan scan;
  scan.last_txn = info.me_last_txnid;
  if (int rc = mdb_reader_list(env_, count_reader, &scan); rc < 0)
    return lmdb_error(rc, "mdb_reader_list");
  usage.readers_in_use = scan.live;
  if (scan.oldest != 0 && scan.oldest <= info.me_last_txnid)
    usage.oldest_reader_lag = info.me_last_txnid - scan.oldest;
  return usage;
}

Result<int> Env::clear_stale_readers() {
  int dead = 0;
  if (int rc = mdb_reader_check(env_, &dead); rc != 0) return lmdb_error(rc, "mdb_reader_check");
  return dead;
}

Status Env::adopt_map_size() {
  if (int rc = mdb_env_set_mapsize(env_, 0); rc != 0) return lmdb_error(rc, "mdb_env_set_mapsize");
  return {};
}

Status Env::copy_to(const std::string& directory, bool compact) const {
  unsigned flags = compact ? MDB_CP_COMPACT : 0;
  if (int rc = mdb_env_copy2(env_, directory.c_str(), flags); rc != 0)
    return lmdb_error(rc, "copy store to " + directory);
  return {};
}

Status Env::copy_to_fd(int fd, bool compact) const {
  unsigned flags = compact ? MDB_CP_COMPACT : 0;
  if (int rc = mdb_env_copyfd2(env_, fd, flags); rc != 0) return lmdb_error(rc, "copy the store");
  return {};
}

Status Env::sync(bool force) {
  if (int rc = mdb_env_sync(env_, force ? 1 : 0); rc != 0) return lmdb_error(rc, "mdb_env_sync");
  return {};
}

// ---- Txn

Result<Txn> Txn::begin_read(Env& env) {
  MDB_txn* txn = nullptr;
  if (int rc = mdb_txn_begin(env.handle(), nullptr, MDB_RDONLY, &txn); rc != 0)
    return lmdb_error(rc, "begin read transaction");
  return Txn(txn);
}

Result<Txn> Txn::begin_write(Env& env) {
  MDB_txn* txn = nullptr;
  if (int rc = mdb_txn_begin(env.handle(), nullptr, 0, &txn); rc != 0)
    return lmdb_error(rc, "begin write transaction");
  return Txn(txn);
}

Txn& Txn::operator=(Txn&& other) noexcept {
  if (this != &other) {
    abort();
    txn_ = std::exchange(other.txn_, nullptr);
  }
  return *this;
}

Result<Db> Txn::open_db(const char* name, bool create, unsigned flags) {
  Db db;
  db.name = name;
  if (create) flags |= MDB_CREATE;
  if (int rc = mdb_dbi_open(txn_, name, flags, &db.dbi); rc != 0)
    return lmdb_error(rc, on("open database", db));
  return db;
}

Result<std::optional<std::string_view>> Txn::get(Db db, std::string_view key) const {
  MDB_val k = to_val(key);
  MDB_val v;
  int rc = mdb_get(txn_, db.dbi, &k, &v);
  if (rc == MDB_NOTFOUND) return std::optional<std::string_view>{};
  if (rc != 0) return lmdb_error(rc, on("get from", db));
  return std::optional<std::string_view>{from_val(v)};
}

Status Txn::put(Db db, std::string_view key, std::string_view value, unsigned flags) {
  MDB_val k = to_val(key);
  MDB_val v = to_val(value);
  if (int rc = mdb_put(txn_, db.dbi, &k, &v, flags); rc != 0) return lmdb_error(rc, on("put into", db));
  return {};
}

Result<char*> Txn::reserve(Db db, std::string_view key, std::size_t size) {
  MDB_val k = to_val(key);
  MDB_val v{size, nullptr};
  if (int rc = mdb_put(txn_, db.dbi, &k, &v, MDB_RESERVE); rc != 0)
    return lmdb_error(rc, on("reserve in", db));
  return static_cast<char*>(v.mv_data);
}

Result<bool> Txn::del(Db db, std::string_view key) {
  MDB_val k = to_val(key);
  int rc = mdb_del(txn_, db.dbi, &k, nullptr);
  if (rc == MDB_NOTFOUND) return false;
  if (rc != 0) return lmdb_error(rc, on("delete from", db));
  return true;
}

Result<std::size_t> Txn::count(Db db) const {
  MDB_stat stat;
  if (int rc = mdb_stat(txn_, db.dbi, &stat); rc != 0) return lmdb_error(rc, on("stat", db));
  return static_cast<std::size_t>(stat.ms_entries);
}

Status Txn::clear(Db db) {
  if (int rc = mdb_drop(txn_, db.dbi, 0); rc != 0) return lmdb_error(rc, on("clear", db));
  return {};
}

Status Txn::commit() {
  MDB_txn* txn = std::exchange(txn_, nullptr);
  if (txn == nullptr) return Error(EINVAL, "commit", "transaction already ended");
  if (int rc = mdb_txn_commit(txn); rc != 0) return lmdb_error(rc, "commit");  // LMDB frees txn
  return {};
}

void Txn::abort() noexcept {
  if (txn_) mdb_txn_abort(std::exchange(txn_, nullptr));
}

std::uint64_t Txn::id() const noexcept { return txn_ ? mdb_txn_id(txn_) : 0; }

// ---- Cursor

Result<Cursor> Cursor::open(const Txn& txn, Db db) {
  MDB_cursor* cursor = nullptr;
  if (int rc = mdb_cursor_open(txn.handle(), db.dbi, &cursor); rc != 0)
    return lmdb_error(rc, on("open cursor on", db));
  return Cursor(cursor, db);
}

Cursor& Cursor::operator=(Cursor&& other) noexcept {
  if (this != &other) {
    if (cursor_) mdb_cursor_close(cursor_);
    cursor_ = std::exchange(other.cursor_, nullptr);
    db_ = other.db_;
  }
  return *this;
}

Cursor::~Cursor() {
  if (cursor_) mdb_cursor_close(cursor_);
}

Cursor::Position Cursor::move(MDB_cursor_op op, std::string_view key) {
  MDB_val k = to_val(key);
  MDB_val v{0, nullptr};
  int rc = mdb_cursor_get(cursor_, &k, &v, op);
  if (rc == MDB_NOTFOUND) return std::optional<Entry>{};
  if (rc != 0) return lmdb_error(rc, on("move cursor on", db_));
  return std::optional<Entry>{Entry{from_val(k), from_val(v)}};
}

Cursor::Position Cursor::seek_before(std::string_view key) {
  auto pos = seek(key);
  if (!pos) return pos;
  if (!pos.value()) return last();  // every key is < `key`
  return prev();
}

Status Cursor::del_current() {
  if (int rc = mdb_cursor_del(cursor_, 0); rc != 0) return lmdb_error(rc, on("delete at cursor on", db_));
  return {};
}

}  // namespace civic::storage
