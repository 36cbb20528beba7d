#include "storage/status.hpp"

#include "storage/submission_store.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "storage/event_store.hpp"

namespace civic::storage {

Result<StoreStatus> collect_status(Store& store, std::span<const std::string_view> calendars,
                                   std::span<const std::string_view> forms) {
  StoreStatus status;
  status.path = store.path();
  status.id = store.id();
  auto usage = store.env().usage();
  if (!usage) return usage.error();
  status.usage = *usage;
  auto txn = Txn::begin_read(store.env());
  if (!txn) return txn.error();
  auto version = read_schema_version(*txn, store.db());
  if (!version) return version.error();
  status.schema_version = *version;
  for (auto name : calendars) {
    auto state = events::read_state(*txn, store.db(), name);
    if (!state) return state.error();
    status.calendars.push_back({std::string(name), state.value() ? state.value()->live : 0});
  }
  for (auto name : forms) {
    auto count = submission_count(*txn, store.db(), name);
    if (!count) return count.error();
    status.forms.push_back({std::string(name), *count});
  }
  return status;
}

std::string render_status_json(const StoreStatus& status, long pid) {
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> w(out);
  const EnvUsage& u = status.usage;
  w.StartObject();
  w.Key("store");
  w.StartObject();
  w.Key("path");
  w.String(status.path.data(), static_cast<rapidjson::SizeType>(status.path.size()));
  w.Key("id");
  w.String(status.id.data(), static_cast<rapidjson::SizeType>(status.id.size()));
  w.Key("schema_version");
  w.Uint(status.schema_version);
  w.Key("map_size");
  w.Uint64(u.map_size);
  w.Key("used_bytes");
  w.Uint64(u.used_bytes);
  w.Key("page_size");
  w.Uint64(u.page_size);
  w.Key("last_txn_id");
  w.Uint64(u.last_txn_id);
  w.Key("readers");
  w.StartObject();
  w.Key("in_use");
  w.Uint(u.readers_in_use);
  w.Key("max");
  w.Uint(u.max_readers);
  w.Key("oldest_lag_txns");
  w.Uint64(u.oldest_reader_lag);
  w.EndObject();
  w.EndObject();

  auto counts = [&w](const char* key, const char* what, const std::vector<NamedCount>& list) {
    w.Key(key);
    w.StartObject();
    for (const auto& item : list) {
      w.Key(item.name.data(), static_cast<rapidjson::SizeType>(item.name.size()));
      w.StartObject();
      w.Key(what);
      w.Uint64(item.count);
      w.EndObject();
    }
    w.EndObject();
  };
  counts("calendars", "events", status.calendars);
  counts("forms", "submissions", status.forms);
  w.Key("pid");
  w.Int64(pid);
  w.EndObject();
  return std::string(out.GetString(), out.GetSize());
}

}  // namespace civic::storage
