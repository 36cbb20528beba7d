// The civic store: one LMDB environment with the sub-databases every part of
// civic uses, and the schema version that guards its layout.
#pragma once

#include <cstdint>
#include <string>

#include "storage/lmdb.hpp"
#include "storage/result.hpp"

namespace civic::storage {

// Version 1: meta only; the layout of each later database is described where
// the database is used.
inline constexpr std::uint32_t kSchemaVersion = 1;

struct Databases {
  Db meta;  // store-wide settings: schema version, secrets
  // Submissions: see storage/submission_store.hpp.
  Db submissions;
  Db receipts;
  Db attachments;
  Db replays;
  Db replay_expiry;
  Db form_counters;
  Db replay_owners;  // issue 6: see storage/submission_store.hpp
  Db form_defs;      // storage/form_definitions.hpp
  Db form_purges;    // storage/retention.hpp
  Db form_days;      // storage/submission_store.hpp (max_submissions_per_day)
  // Calendars: see storage/event_store.hpp for the layout.
  Db events;
  Db event_time;
  Db event_long;
  Db event_occurrences;
  Db event_modified;
  Db event_series;
  Db event_tombstones;
  Db calendar_state;
  Db calendar_defs;
};

class Store {
 public:
  // Opens (creating if needed) the store in `options.path`, clears reader
  // slots of dead processes, and checks the schema version: a store written
  // by a newer civic is refused.
  static Result<Store> open(const EnvOptions& options);

  Env& env() noexcept { return env_; }
  const Databases& db() const noexcept { return db_; }
  const std::string& path() const noexcept { return path_; }
  // Made at random when the store is created; tells stores (and backups) apart.
  const std::string& id() const noexcept { return id_; }
  int stale_readers_cleared() const noexcept { return stale_readers_cleared_; }

 private:
  Store(Env env, Databases db, std::string path, std::string id, int cleared)
      : env_(std::move(env)),
        db_(db),
        path_(std::move(path)),
        id_(std::move(id)),
        stale_readers_cleared_(cleared) {}

  Env env_;
  Databases db_;
  std::string path_;
  std::string id_;
  int stale_readers_cleared_ = 0;
};

// The store's id, read in the given transaction.
Result<std::string> read_store_id(const Txn& txn, const Databases& db);

// The schema version recorded in a store, read in the given transaction.
Result<std::uint32_t> read_schema_version(const Txn& txn, const Databases& db);

}  // namespace civic::storage
