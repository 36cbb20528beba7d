// What GET /admin/status and `civicctl stat` report about a store.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "storage/lmdb.hpp"
#include "storage/retention.hpp"
#include "storage/outbox.hpp"
#include "storage/source_state.hpp"
#include "storage/store.hpp"

namespace civic::storage {

struct NamedCount {
  std::string name;
  std::uint64_t count = 0;
};

// A form as the status reports it: from the configuration (nginx) or as
// recorded in the store (civicctl).
// A delivery target of a form (storage/outbox.hpp), named for people.
struct TargetToReport {
  std::uint32_t id = 0;
  std::string description;  // "webhook https://…"
};

struct FormToReport {
  std::string_view name;
  std::int64_t retention_seconds = 0;
  std::uint64_t max_per_day = 0;  // max_submissions_per_day; 0: none (or not known)
  bool retired = false;           // no longer configured (storage/form_definitions.hpp)
  std::vector<TargetToReport> targets = {};
  std::string seal_key_id = {};   // `seal`: the key new submissions are sealed for; "": not sealed
};

struct DeliveryFigures {
  std::uint32_t id = 0;
  std::string description;  // "" for a target no longer configured
  outbox::TargetStats stats;
  std::optional<std::int64_t> oldest_pending_ms;
};

struct FormFigures {
  std::string name;
  std::uint64_t submissions = 0;
  std::uint64_t drafts = 0;  // storage/drafts.hpp: kept now (expired ones not yet purged too)
  std::int64_t retention_seconds = 0;
  std::uint64_t today = 0;        // stored on the server's local day
  std::uint64_t max_per_day = 0;
  bool retired = false;
  std::string seal_key_id;  // "": not sealed
  std::optional<std::int64_t> oldest_created;  // seconds since the epoch
  std::optional<PurgeRecord> last_purge;
  std::vector<DeliveryFigures> deliveries;  // configured targets first, then others with counts
};

struct StoreStatus {
  std::string path;
  std::string id;
  std::string receipt_tag;
  std::optional<RecordedConfiguration> configuration;  // what the running nginx recorded
  EnvUsage usage;
  std::uint32_t schema_version = 0;
  std::vector<NamedCount> calendars;  // events per configured calendar
  std::vector<std::optional<SourceState>> calendar_sources;  // of each, if it follows a source
  std::vector<FormFigures> forms;     // per configured form
  std::int64_t now = 0;               // when collected (ages are counted from it)
};

// Reads the store's figures for the named calendars and forms at `now`.
Result<StoreStatus> collect_status(Store& store, std::span<const std::string_view> calendars,
                                   std::span<const FormToReport> forms, std::int64_t now);

// {"store":{...},"calendars":{name:{"events":N[,"source":{"url","runs","last_attempt_time",
//                 "last_success_time","last_change_time","last_error","last_run":{"created",
//                 "updated","deleted"},"total":{...}}]}},
//  "forms":{name:{"submissions":N,"retired":B,"retention_seconds":R,"submissions_today":D,
//                 "max_submissions_per_day":M|null,"sealed_for":KEYID|null,"oldest_created_time":T,
//                 "oldest_age_seconds":A,"last_purge":{"time","removed","removed_total"},
//                 "deliveries":[{"target","id","pending","failed","delivered",
//                                "oldest_pending_age_seconds","last_error":{"text","time"}|null}]}},"pid":P}
std::string render_status_json(const StoreStatus& status, long pid);

}  // namespace civic::storage
