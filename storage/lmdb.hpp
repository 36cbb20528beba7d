// A small RAII layer over LMDB: move-only Env, Txn and Cursor. Every return
// code is checked and turned into an Error that names the operation; a Txn
// that is destroyed without commit() is aborted. Values read are views into
// the map, valid only until their transaction ends: copy them out before.
#pragma once

#include <lmdb.h>
#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "common/result.hpp"

namespace civic::storage {

// An Error for an LMDB (or errno) code, with what the code means.
Error lmdb_error(int code, std::string operation, std::string detail = {});

struct EnvOptions {
  std::string path;                    // a directory
  std::size_t map_size = 1ull << 30;   // upper bound of the store's size
  unsigned max_readers = 1024;         // reader slots shared by all processes
  unsigned max_dbs = 48;
  bool read_only = false;
  mode_t file_mode = 0600;
};

// What mdb_env_info, mdb_env_stat and mdb_reader_list tell about a store.
struct EnvUsage {
  std::size_t map_size = 0;
  std::size_t page_size = 0;
  std::size_t used_bytes = 0;          // pages in use (up to the last one) * page size
  std::uint64_t last_txn_id = 0;
  unsigned max_readers = 0;
  unsigned readers_in_use = 0;         // slots held by a live transaction
  std::uint64_t oldest_reader_lag = 0; // transactions the oldest live reader is behind
};

class Env {
 public:
  static Result<Env> open(const EnvOptions& options);

  Env(Env&& other) noexcept : env_(std::exchange(other.env_, nullptr)) {}
  Env& operator=(Env&& other) noexcept;
  Env(const Env&) = delete;
  Env& operator=(const Env&) = delete;
  ~Env();

  MDB_env* handle() const noexcept { return env_; }
  Result<EnvUsage> usage() const;
  // Lets go of the pages of the map this process has read or written (they
  // stay in the page cache, and come back when touched): a bulk import whose
  // resident memory would otherwise grow with the store.
  void release_mapped_pages() const;
  // Frees reader slots left by processes that died (mdb_reader_check).
  Result<int> clear_stale_readers();
  // Another process grew the map: adopt its size (no transaction may be open).
  Status adopt_map_size();
  // A consistent copy; compact leaves out free pages.
  Status copy_to(const std::string& directory, bool compact) const;
  // The same into an open file (its data.mdb), written from the start.
  Status copy_to_fd(int fd, bool compact) const;
  Status sync(bool force);

 private:
  explicit Env(MDB_env* env) : env_(env) {}
  MDB_env* env_;
};

// A named sub-database. The name is kept for error messages.
struct Db {
  MDB_dbi dbi = 0;
  const char* name = "";
};

struct Entry {
  std::string_view key;
  std::string_view value;
};

class Txn {
 public:
  static Result<Txn> begin_read(Env& env);
  static Result<Txn> begin_write(Env& env);

  Txn(Txn&& other) noexcept : txn_(std::exchange(other.txn_, nullptr)) {}
  Txn& operator=(Txn&& other) noexcept;
  Txn(const Txn&) = delete;
  Txn& operator=(const Txn&) = delete;
  ~Txn() { abort(); }

  // Opens (and with create, makes) the sub-database `name`; `name` must
  // outlive the handle (a string literal).
  Result<Db> open_db(const char* name, bool create, unsigned flags = 0);

  Result<std::optional<std::string_view>> get(Db db, std::string_view key) const;
  Status put(Db db, std::string_view key, std::string_view value, unsigned flags = 0);
  // Reserves `size` bytes for the value and returns where to write them.
  Result<char*> reserve(Db db, std::string_view key, std::size_t size);
  // True if something was deleted.
  Result<bool> del(Db db, std::string_view key);
  Result<std::size_t> count(Db db) const;
  Status clear(Db db);

  Status commit();
  void abort() noexcept;

  MDB_txn* handle() const noexcept { return txn_; }
  std::uint64_t id() const noexcept;

 private:
  explicit Txn(MDB_txn* txn) : txn_(txn) {}
  MDB_txn* txn_;
};

class Cursor {
 public:
  static Result<Cursor> open(const Txn& txn, Db db);

  Cursor(Cursor&& other) noexcept
      : cursor_(std::exchange(other.cursor_, nullptr)), db_(other.db_) {}
  Cursor& operator=(Cursor&& other) noexcept;
  Cursor(const Cursor&) = delete;
  Cursor& operator=(const Cursor&) = delete;
  ~Cursor();

  using Position = Result<std::optional<Entry>>;
  Position first() { return move(MDB_FIRST, {}); }
  Position last() { return move(MDB_LAST, {}); }
  Position next() { return move(MDB_NEXT, {}); }
  Position prev() { return move(MDB_PREV, {}); }
  Position current() { return move(MDB_GET_CURRENT, {}); }
  // The first entry whose key is >= `key`.
  Position seek(std::string_view key) { return move(MDB_SET_RANGE, key); }
  // The last entry whose key is < `key`.
  Position seek_before(std::string_view key);
  Status del_current();

 private:
  Cursor(MDB_cursor* cursor, Db db) : cursor_(cursor), db_(db) {}
  Position move(MDB_cursor_op op, std::string_view key);
  MDB_cursor* cursor_;
  Db db_;
};

// Calls fn(Entry) for every entry whose key starts with `prefix`, in key
// order, until fn returns false.
template <class Fn>
Status for_each_with_prefix(const Txn& txn, Db db, std::string_view prefix, Fn&& fn) {
  auto cursor = Cursor::open(txn, db);
  if (!cursor) return cursor.error();
  // LMDB takes no empty key: an empty prefix starts at the first entry.
  for (auto pos = prefix.empty() ? cursor->first() : cursor->seek(prefix);; pos = cursor->next()) {
    if (!pos) return pos.error();
    if (!pos.value() || !pos.value()->key.starts_with(prefix)) return {};
    if (!fn(*pos.value())) return {};
  }
}

}  // namespace civic::storage
