#include "storage/store.hpp"

#include <sys/random.h>
#include <sys/stat.h>

#include <cerrno>
#include <string_view>
#include <utility>

#include "common/hex.hpp"
#include "storage/directory.hpp"
#include "storage/keys.hpp"
#include "storage/store_upgrade.hpp"
#include "storage/submission_store.hpp"

namespace civic::storage {

namespace {

constexpr std::string_view kSchemaKey = "schema_version";
constexpr std::string_view kIdKey = "store_id";
constexpr std::string_view kReceiptTagKey = "receipt_tag";
constexpr std::string_view kConfigurationKey = "configuration";

// Four characters of Crockford's base32 (no I, L, O or U: a tag read out on
// the phone or typed is not mistaken) from the first 20 bits of the id.
std::string tag_from_id(std::string_view id_hex) {
  static constexpr char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  std::uint32_t bits = 0;
  for (std::size_t i = 0; i < 5 && i < id_hex.size(); ++i) {
    char c = id_hex[i];
    std::uint32_t v = c >= '0' && c <= '9' ? static_cast<std::uint32_t>(c - '0')
                      : c >= 'a' && c <= 'f' ? static_cast<std::uint32_t>(c - 'a' + 10)
                                             : 0;
    bits = bits << 4 | v;
  }
  std::string tag;
  for (int shift = 15; shift >= 0; shift -= 5) tag.push_back(kAlphabet[(bits >> shift) & 31]);
  return tag;
}

Result<std::string> read_receipt_tag(const Txn& txn, const Databases& db, std::string_view id) {
  auto value = txn.get(db.meta, kReceiptTagKey);
  if (!value) return value.error();
  if (!value.value()) return tag_from_id(id);  // a store made before tags were recorded
  if (!valid_receipt_tag(**value))
    return Error(Error::kCorrupt, "read receipt tag", "the stored value is malformed");
  return std::string(**value);
}

Result<std::string> random_id() {
  unsigned char bytes[16];
  if (::getrandom(bytes, sizeof bytes, 0) != static_cast<ssize_t>(sizeof bytes))
    return Error(errno, "getrandom");
  return to_hex(std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
}

// Opens every database; with `create`, makes those that are missing.
Result<Databases> open_databases(Txn& txn, bool create) {
  Databases db;
  auto meta = txn.open_db("meta", create);
  if (!meta) return meta.error();
  db.meta = *meta;
  struct Named {
    Db Databases::*member;
    const char* name;
  };
  static constexpr Named kDatabases[] = {
      // Calendars: storage/event_store.hpp.
      {&Databases::events, "events"},
      {&Databases::event_time, "event_time"},
      {&Databases::event_long, "event_long"},
      {&Databases::event_occurrences, "event_occurrences"},
      {&Databases::event_modified, "event_modified"},
      {&Databases::event_series, "event_series"},
      {&Databases::event_tombstones, "event_tombstones"},
      {&Databases::calendar_state, "calendar_state"},
      {&Databases::calendar_defs, "calendar_defs"},
      {&Databases::event_details, "event_details"},
      {&Databases::event_dicts, "event_dicts"},
      {&Databases::event_numbers, "event_numbers"},
      {&Databases::event_ids, "event_ids"},
      {&Databases::event_words, "event_words"},
      {&Databases::event_names, "event_names"},
      // Forms: storage/submission_store.hpp.
      {&Databases::submissions, "submissions"},
      {&Databases::receipts, "receipts"},
      {&Databases::attachments, "attachments"},
      {&Databases::replays, "replays"},
      {&Databases::replay_expiry, "replay_expiry"},
      {&Databases::form_counters, "form_counters"},
      {&Databases::replay_owners, "replay_owners"},
      {&Databases::form_defs, "form_defs"},
      {&Databases::form_purges, "form_purges"},
      {&Databases::form_days, "form_days"},
      {&Databases::outbox, "outbox"},
      {&Databases::outbox_due, "outbox_due"},
      {&Databases::outbox_stats, "outbox_stats"},
      {&Databases::drafts, "drafts"},
      {&Databases::draft_expiry, "draft_expiry"},
      {&Databases::draft_counts, "draft_counts"},
  };
  for (const auto& named : kDatabases) {
    auto opened = txn.open_db(named.name, create);
    if (!opened) return opened.error();
    db.*named.member = *opened;
  }
  return db;
}

Error needs_upgrade(const std::string& path, std::uint32_t found) {
  return Error(Error::kInvalid, "open store " + path,
               "it was written by an earlier civic (schema version " + std::to_string(found) +
                   "): open it once with write access to upgrade it (nginx does when it starts, "
                   "and so does civicctl)");
}

Status check_schema(std::uint32_t found, const std::string& path) {
  if (found > kSchemaVersion) {
    return Error(Error::kSchemaTooNew, "open store " + path,
                 "it was written by a newer civic (schema version " + std::to_string(found) +
                     ", this civic knows up to " + std::to_string(kSchemaVersion) +
                     "); upgrade civic or use another store");
  }
  return {};
}

// First open of a fresh store, or a store missing databases: create them in
// one write transaction and record the schema version.
Result<Databases> initialize(Env& env, const std::string& path, const NewStoreOptions& fresh,
                             std::uint32_t& upgraded_from) {
  auto txn = Txn::begin_write(env);
  if (!txn) return txn.error();
  auto db = open_databases(*txn, true);
  if (!db) return db.error();
  auto version = read_schema_version(*txn, *db);
  if (!version) return version.error();
  if (*version == 0) {
    std::string value;
    keys::append_u32(value, kSchemaVersion);
    if (auto st = txn->put(db->meta, kSchemaKey, value); !st) return st.error();
    auto id = random_id();
    if (!id) return id.error();
    if (auto st = txn->put(db->meta, kIdKey, *id); !st) return st.error();
    std::string tag = fresh.receipt_tag.empty() ? tag_from_id(*id) : fresh.receipt_tag;
    if (auto st = txn->put(db->meta, kReceiptTagKey, tag); !st) return st.error();
  } else if (auto st = check_schema(*version, path); !st) {
    return st.error();
  }
  if (auto st = ensure_form_token_secret(*txn, *db); !st) return st.error();
  if (auto st = txn->commit(); !st) return st.error();
  if (*version != 0 && *version < kSchemaVersion) {
    upgraded_from = *version;
    if (auto st = upgrade_store(env, *db, *version); !st)
      return Error(st.error().code(), "upgrade store " + path + " from schema version " + std::to_string(*version),
                   st.error().message());
    auto done = Txn::begin_write(env);
    if (!done) return done.error();
    std::string value;
    keys::append_u32(value, kSchemaVersion);
    if (auto st = done->put(db->meta, kSchemaKey, value); !st) return st.error();
    if (auto st = done->commit(); !st) return st.error();
  }
  return db;
}

}  // namespace

Result<std::uint32_t> read_schema_version(const Txn& txn, const Databases& db) {
  auto value = txn.get(db.meta, kSchemaKey);
  if (!value) return value.error();
  if (!value.value()) return std::uint32_t{0};
  std::string_view in = **value;
  auto version = keys::take_u32(in);
  if (!version || !in.empty())
    return Error(Error::kCorrupt, "read schema version", "the stored value is malformed");
  return *version;
}

Result<std::string> read_store_id(const Txn& txn, const Databases& db) {
  auto value = txn.get(db.meta, kIdKey);
  if (!value) return value.error();
  if (!value.value()) return Error(Error::kCorrupt, "read store id", "the store has no id");
  return std::string(**value);
}

bool store_exists(const std::string& path) {
  struct stat st {};
  if (::stat((path + "/data.mdb").c_str(), &st) == 0) return true;
  // Not allowed to look (a worker's user, a directory of mode 0700): there
  // may well be a store, and opening it names the permission error.
  return errno != ENOENT && errno != ENOTDIR;
}

bool valid_receipt_tag(std::string_view tag) {
  if (tag.empty() || tag.size() > 8) return false;
  for (char c : tag)
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return false;
  return true;
}

Status check_store(const EnvOptions& options) {
  if (!store_exists(options.path))
    return Error(Error::kInvalid, "open store " + options.path, "there is no store here (no data.mdb)");
  EnvOptions read_only = options;
  read_only.read_only = true;
  auto env = Env::open(read_only);
  if (!env) return env.error();
  auto txn = Txn::begin_read(*env);
  if (!txn) return txn.error();
  auto meta = txn->open_db("meta", false);
  if (!meta) {
    if (meta.error().code() == MDB_NOTFOUND)
      return Error(Error::kInvalid, "open store " + options.path, "it has not been initialized");
    return meta.error();
  }
  Databases db;
  db.meta = *meta;
  auto version = read_schema_version(*txn, db);
  if (!version) return version.error();
  if (*version == 0) return Error(Error::kInvalid, "open store " + options.path, "it has not been initialized");
  return check_schema(*version, options.path);
}

Status record_configuration(Txn& txn, const Databases& db, const RecordedConfiguration& config) {
  std::string value;
  keys::append_i64(value, config.recorded);
  value += config.file;
  return txn.put(db.meta, kConfigurationKey, value);
}

Result<std::optional<RecordedConfiguration>> read_configuration(const Txn& txn, const Databases& db) {
  auto value = txn.get(db.meta, kConfigurationKey);
  if (!value) return value.error();
  if (!value.value()) return std::optional<RecordedConfiguration>{};
  std::string_view v = **value;
  auto when = keys::take_i64(v);
  if (!when) return Error(Error::kCorrupt, "read the recorded configuration", "the stored value is malformed");
  return std::optional<RecordedConfiguration>{RecordedConfiguration{std::string(v), *when}};
}

Result<Store> Store::open(const EnvOptions& options, IfMissing if_missing, const NewStoreOptions& fresh) {
  if (!store_exists(options.path)) {
    if (if_missing == IfMissing::fail || options.read_only)
      return Error(Error::kInvalid, "open store " + options.path, "there is no store here (no data.mdb)");
    if (!fresh.receipt_tag.empty() && !valid_receipt_tag(fresh.receipt_tag))
      return Error(Error::kInvalid, "make store " + options.path, "a receipt tag is 1 to 8 of A-Z and 0-9");
    if (auto st = prepare_store_directory(options.path); !st) return st.error();
  }
  auto env = Env::open(options);
  if (!env) return env.error();
  int cleared = 0;
  if (!options.read_only) {
    auto stale = env->clear_stale_readers();
    if (!stale) return stale.error();
    cleared = *stale;
  }

  std::uint32_t upgraded_from = 0;
  auto finish = [&](Env& e, const Databases& db) -> Result<Store> {
    auto txn = Txn::begin_read(e);
    if (!txn) return txn.error();
    auto id = read_store_id(*txn, db);
    if (!id) return id.error();
    auto tag = read_receipt_tag(*txn, db, *id);
    if (!tag) return tag.error();
    // Committing (not aborting) keeps the database handles open.
    if (auto st = txn->commit(); !st) return st.error();
    Store store(std::move(e), db, options.path, std::move(*id), std::move(*tag), cleared);
    store.upgraded_from_ = upgraded_from;
    return store;
  };

  // Usual case: everything exists; a read transaction is enough.
  {
    auto txn = Txn::begin_read(*env);
    if (!txn) return txn.error();
    auto db = open_databases(*txn, false);
    if (db) {
      auto version = read_schema_version(*txn, *db);
      if (!version) return version.error();
      auto secret = read_form_token_secret(*txn, *db);
      if (*version != 0 && *version < kSchemaVersion && options.read_only) return needs_upgrade(options.path, *version);
      if (*version >= kSchemaVersion && (secret || options.read_only)) {
        if (auto st = check_schema(*version, options.path); !st) return st.error();
        if (auto st = txn->commit(); !st) return st.error();
        return finish(*env, *db);
      }
    } else if (db.error().code() != MDB_NOTFOUND) {
      return db.error();
    } else if (options.read_only) {
      // A database this civic added is missing: an earlier civic's store?
      Databases meta_only;
      if (auto meta = txn->open_db("meta", false)) {
        meta_only.meta = *meta;
        auto version = read_schema_version(*txn, meta_only);
        if (version && *version != 0 && *version < kSchemaVersion) return needs_upgrade(options.path, *version);
      }
    }
  }
  if (options.read_only)
    return Error(Error::kInvalid, "open store " + options.path, "it has not been initialized");
  auto db = initialize(*env, options.path, fresh, upgraded_from);
  if (!db) return db.error();
  return finish(*env, *db);
}

}  // namespace civic::storage
