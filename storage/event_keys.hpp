// The keys of the event databases (layout in storage/event_store.hpp), shared
// by the record store and the ordered index walks of storage/event_index.hpp.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "storage/event_store.hpp"
#include "storage/keys.hpp"

namespace civic::storage::event_keys {

inline std::string cal_prefix(std::string_view cal) { return keys::name_prefix(cal); }

inline std::string event_key(std::string_view cal, std::string_view id) {
  std::string k = cal_prefix(cal);
  keys::append_name(k, id);
  return k;
}

// event_time, event_modified and event_tombstones: cal, a time, id.
inline std::string time_key(std::string_view cal, std::int64_t t, std::string_view id) {
  std::string k = cal_prefix(cal);
  keys::append_i64(k, t);
  keys::append_name(k, id);
  return k;
}

inline std::string long_key(std::string_view cal, std::int64_t week, std::string_view id, std::int64_t start) {
  std::string k = cal_prefix(cal);
  keys::append_i64(k, week);
  keys::append_name(k, id);
  keys::append_i64(k, start);
  return k;
}

inline std::string i64_value(std::int64_t v) {
  std::string s;
  keys::append_i64(s, v);
  return s;
}

inline std::int64_t week_of(std::int64_t t) { return t >= 0 ? t / kWeek : -((-t + kWeek - 1) / kWeek); }

}  // namespace civic::storage::event_keys
