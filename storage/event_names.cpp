#include "storage/event_names.hpp"

#include <algorithm>
#include <map>
#include <tuple>

#include "storage/event_keys.hpp"
#include "storage/keys.hpp"

namespace civic::storage::events {

namespace {

std::string counter_key(std::string_view cal, std::string_view lang, std::uint32_t signature) {
  std::string k = event_keys::cal_prefix(cal);
  keys::append_name(k, lang);
  keys::append_u32(k, signature);
  return k;
}

// LMDB's longest key.
constexpr std::size_t kMaxKeyBytes = 511;

std::string entry_key(std::string_view cal, const NameEntry& e, std::uint32_t number) {
  std::string k = counter_key(cal, e.lang, e.signature);
  k.append(std::string_view(e.key).substr(0, kIndexedNameKeyBytes));
  k.push_back('\0');
  keys::append_u32(k, number);
  return k;
}

// The key and number of an entry after its counter's key; false if malformed.
bool split_entry(std::string_view rest, std::string_view& key, std::uint32_t& number) {
  if (rest.size() < 5 || rest[rest.size() - 5] != '\0') return false;
  key = rest.substr(0, rest.size() - 5);
  std::string_view tail = rest.substr(rest.size() - 4);
  auto n = keys::take_u32(tail);
  if (!n) return false;
  number = *n;
  return true;
}

Error damaged(std::string_view cal) {
  return Error(Error::kCorrupt, "read the name index of calendar " + std::string(cal),
               "an entry is malformed; `civicctl verify` reports it");
}

Status add_to_count(Txn& txn, const Databases& db, std::string_view cal, std::string_view lang,
                    std::uint32_t signature, std::int64_t delta) {
  std::string key = counter_key(cal, lang, signature);
  auto have = count_names(txn, db, cal, lang, signature);
  if (!have) return have.error();
  std::uint64_t now = delta < 0 && *have < static_cast<std::uint64_t>(-delta) ? 0 : *have + static_cast<std::uint64_t>(delta);
  if (now == 0) {
    if (auto d = txn.del(db.event_names, key); !d) return d.error();
    return {};
  }
  std::string value;
  keys::append_u64(value, now);
  return txn.put(db.event_names, key, value);
}

}  // namespace

std::optional<std::string> name_entry_key(std::string_view cal, const NameEntry& e, std::uint32_t number) {
  std::string key = entry_key(cal, e, number);
  if (key.size() > kMaxKeyBytes) return std::nullopt;
  return key;
}

Status index_names(Txn& txn, const Databases& db, std::string_view cal, std::uint32_t number,
                   const std::vector<NameEntry>& before, const std::vector<NameEntry>& after) {
  std::vector<NameEntry> gone, added;
  std::set_difference(before.begin(), before.end(), after.begin(), after.end(), std::back_inserter(gone));
  std::set_difference(after.begin(), after.end(), before.begin(), before.end(), std::back_inserter(added));
  std::map<std::tuple<std::string_view, std::uint32_t>, std::int64_t> deltas;
  for (const auto& e : gone) {
    auto key = name_entry_key(cal, e, number);
    if (!key) continue;
    auto d = txn.del(db.event_names, *key);
    if (!d) return d.error();
    if (*d) deltas[{e.lang, e.signature}]--;
  }
  for (const auto& e : added) {
    auto key = name_entry_key(cal, e, number);
    if (!key) continue;  // not indexed: the count says the index is incomplete
    if (auto st = txn.put(db.event_names, *key, {}); !st) return st;
    deltas[{e.lang, e.signature}]++;
  }
  for (const auto& [which, delta] : deltas)
    if (delta != 0)
      if (auto st = add_to_count(txn, db, cal, std::get<0>(which), std::get<1>(which), delta); !st) return st;
  return {};
}

Result<std::uint64_t> count_names(const Txn& txn, const Databases& db, std::string_view cal, std::string_view lang,
                                  std::uint32_t signature) {
  auto value = txn.get(db.event_names, counter_key(cal, lang, signature));
  if (!value) return value.error();
  if (!value.value()) return std::uint64_t{0};
  std::string_view in = **value;
  auto count = keys::take_u64(in);
  if (!count || !in.empty()) return damaged(cal);
  return *count;
}

Status walk_names(const Txn& txn, const Databases& db, std::string_view cal, std::string_view lang,
                  std::uint32_t signature, std::size_t& steps,
                  const std::function<bool(std::string_view key, std::uint32_t number)>& fn) {
  const std::string prefix = counter_key(cal, lang, signature);
  bool bad = false;
  auto st = for_each_with_prefix(txn, db.event_names, prefix, [&](const Entry& e) {
    if (e.key.size() == prefix.size()) return true;  // the counter
    ++steps;
    std::string_view key;
    std::uint32_t number = 0;
    if (!split_entry(e.key.substr(prefix.size()), key, number)) {
      bad = true;
      return false;
    }
    return fn(key, number);
  });
  if (!st) return st;
  if (bad) return damaged(cal);
  return {};
}

bool decode_name_entry(std::string_view key, std::string_view value, NameIndexEntry& out) {
  std::string_view rest = key;
  auto cal = keys::take_name(rest);
  auto lang = keys::take_name(rest);
  auto signature = keys::take_u32(rest);
  if (!cal || !lang || !signature) return false;
  out = NameIndexEntry{};
  out.cal = *cal;
  out.lang = *lang;
  out.signature = *signature;
  if (rest.empty()) {
    auto count = keys::take_u64(value);
    out.counter = true;
    out.count = count.value_or(0);
    return count && value.empty();
  }
  return value.empty() && split_entry(rest, out.key, out.number);
}

}  // namespace civic::storage::events
