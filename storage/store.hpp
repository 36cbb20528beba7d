// The civic store: one LMDB environment with the sub-databases every part of
// civic uses, and the schema version that guards its layout.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "storage/lmdb.hpp"
#include "common/result.hpp"

namespace civic::storage {

// Version 1: meta only; the layout of each later database is described where
// the database is used. Version 2: event records of format 3 (packed texts,
// storage/event_dictionaries.hpp). A store of an earlier version is brought
// up to this one by the first open that may write: storage/store_upgrade.hpp.
inline constexpr std::uint32_t kSchemaVersion = 3;

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
  Db outbox;         // storage/outbox.hpp (deliveries of submissions)
  Db outbox_due;
  Db outbox_stats;
  Db drafts;         // storage/drafts.hpp (issue 15: multi-step forms)
  Db draft_expiry;
  Db draft_counts;
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
  Db event_details;  // storage/event_store.hpp
  Db event_dicts;    // storage/event_dictionaries.hpp
  Db event_numbers;  // storage/event_numbers.hpp
  Db event_ids;
  Db event_words;    // storage/event_words.hpp
  Db event_names;    // storage/event_names.hpp
};

// What open() does where there is no store yet (no data.mdb in the
// directory): refuse (a mistyped path must not become a new, empty store
// whose receipts start again at 1), or make one (`civic_store PATH create`,
// `civicctl init`).
enum class IfMissing { fail, create };

struct NewStoreOptions {
  // The store's receipt tag (receipts look like PAL-2026-TAG-000042): 1 to
  // 8 of A-Z and 0-9. Empty: 4 characters drawn from the random store id.
  std::string receipt_tag;
};

class Store {
 public:
  // Opens the store in `options.path` (with IfMissing::create, makes the
  // directory and the store if there is none), clears reader slots of dead
  // processes, and checks the schema version: a store written by a newer
  // civic is refused. Databases a newer civic added are created.
  static Result<Store> open(const EnvOptions& options, IfMissing if_missing = IfMissing::fail,
                            const NewStoreOptions& fresh = {});

  Env& env() noexcept { return env_; }
  const Databases& db() const noexcept { return db_; }
  const std::string& path() const noexcept { return path_; }
  // Made at random when the store is created; tells stores (and backups) apart.
  const std::string& id() const noexcept { return id_; }
  // In every receipt of this store, so that receipts of different stores
  // (machines) never collide.
  const std::string& receipt_tag() const noexcept { return receipt_tag_; }
  int stale_readers_cleared() const noexcept { return stale_readers_cleared_; }
  // The schema version this open upgraded the store from (0: none).
  std::uint32_t upgraded_from() const noexcept { return upgraded_from_; }

 private:
  Store(Env env, Databases db, std::string path, std::string id, std::string receipt_tag, int cleared)
      : env_(std::move(env)),
        db_(db),
        path_(std::move(path)),
        id_(std::move(id)),
        receipt_tag_(std::move(receipt_tag)),
        stale_readers_cleared_(cleared) {}

  Env env_;
  Databases db_;
  std::string path_;
  std::string id_;
  std::string receipt_tag_;
  int stale_readers_cleared_ = 0;
  std::uint32_t upgraded_from_ = 0;
};

// The store's id, read in the given transaction.
Result<std::string> read_store_id(const Txn& txn, const Databases& db);

// The schema version recorded in a store, read in the given transaction.
Result<std::uint32_t> read_schema_version(const Txn& txn, const Databases& db);

// Whether `path` holds a store (a data.mdb file). A path this process may
// not look into counts as holding one: opening it names the permission error.
bool store_exists(const std::string& path);

// For `nginx -t`: that the store in `path` opens and has a schema this civic
// knows, reading only (nothing in it is written, no database is added).
Status check_store(const EnvOptions& options);

// A receipt tag as a sysadmin may give it: 1 to 8 of A-Z and 0-9.
bool valid_receipt_tag(std::string_view tag);

// The configuration the running nginx recorded its calendars and forms from
// (what civicctl reports and uses): the file, and when (seconds).
struct RecordedConfiguration {
  std::string file;
  std::int64_t recorded = 0;
};
Status record_configuration(Txn& txn, const Databases& db, const RecordedConfiguration& config);
Result<std::optional<RecordedConfiguration>> read_configuration(const Txn& txn, const Databases& db);

}  // namespace civic::storage
