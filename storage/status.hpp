// What GET /admin/status and `civicctl stat` report about a store.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "storage/lmdb.hpp"
#include "storage/store.hpp"

namespace civic::storage {

struct NamedCount {
  std::string name;
  std::uint64_t count = 0;
};

struct StoreStatus {
  std::string path;
  std::string id;
  EnvUsage usage;
  std::uint32_t schema_version = 0;
  std::vector<NamedCount> calendars;  // events per configured calendar
  std::vector<NamedCount> forms;      // submissions per configured form
};

// Reads the store's figures for the named calendars and forms.
Result<StoreStatus> collect_status(Store& store, std::span<const std::string_view> calendars,
                                   std::span<const std::string_view> forms);

// {"store":{...},"calendars":{name:{"events":N}},"forms":{name:{"submissions":N}},"pid":P}
std::string render_status_json(const StoreStatus& status, long pid);

}  // namespace civic::storage
