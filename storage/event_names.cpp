#include "storage/event_names.hpp"

#include "storage/chunked_list.hpp"
#include "storage/event_keys.hpp"
#include "storage/keys.hpp"

namespace civic::storage::events {

namespace {

constexpr char kListMark = '\1';  // after the count's key: the list's chunks

Error damaged(std::string_view cal) {
  return Error(Error::kCorrupt, "read the name index of calendar " + std::string(cal),
               "an entry is malformed; `civicctl verify` reports it");
}

}  // namespace

NameItem name_item(const NameEntry& e, std::uint32_t number) {
  std::string_view key = e.key;
  key = key.substr(0, std::min(kIndexedNameKeyBytes, key.find('\0')));
  return NameItem{std::string(key), number};
}

void NameCodec::append_key(std::string& key, const NameItem& item) {
  key.append(item.key);
  key.push_back('\0');
  keys::append_u32(key, item.number);
}

std::optional<NameItem> NameCodec::read_key(std::string_view rest) {
  if (rest.size() < 5 || rest[rest.size() - 5] != '\0') return std::nullopt;
  std::string_view tail = rest.substr(rest.size() - 4);
  auto number = keys::take_u32(tail);
  if (!number) return std::nullopt;
  return NameItem{std::string(rest.substr(0, rest.size() - 5)), *number};
}

void NameCodec::write_next(RecordWriter& w, const NameItem& before, const NameItem& item) {
  std::size_t shared = 0;
  std::size_t most = std::min(before.key.size(), item.key.size());
  while (shared < most && before.key[shared] == item.key[shared]) ++shared;
  w.varint(shared);
  w.varint(item.key.size() - shared);
  w.data().append(item.key, shared, std::string::npos);
  w.varint(item.number);
}

bool NameCodec::read_next(RecordReader& r, const NameItem& before, NameItem& item) {
  std::uint64_t shared = r.varint();
  std::uint64_t rest = r.varint();
  if (!r.ok() || shared > before.key.size() || rest > kIndexedNameKeyBytes) return false;
  std::string_view tail = r.bytes(static_cast<std::size_t>(rest));
  std::uint64_t number = r.varint();
  if (!r.ok() || number > UINT32_MAX) return false;
  item.key.assign(before.key, 0, static_cast<std::size_t>(shared));
  item.key.append(tail);
  item.number = static_cast<std::uint32_t>(number);
  return item.key.size() <= kIndexedNameKeyBytes;
}

std::string name_count_key(std::string_view cal, std::string_view lang, std::uint32_t signature) {
  std::string k = event_keys::cal_prefix(cal);
  keys::append_name(k, lang);
  keys::append_u32(k, signature);
  return k;
}

std::string name_list_prefix(std::string_view cal, std::string_view lang, std::uint32_t signature) {
  return name_count_key(cal, lang, signature) + kListMark;
}

Result<std::uint64_t> count_names(const Txn& txn, const Databases& db, std::string_view cal, std::string_view lang,
                                  std::uint32_t signature) {
  auto value = txn.get(db.event_names, name_count_key(cal, lang, signature));
  if (!value) return value.error();
  if (!value.value()) return std::uint64_t{0};
  std::string_view in = **value;
  auto count = keys::take_u64(in);
  if (!count || !in.empty()) return damaged(cal);
  return *count;
}

Status add_to_name_count(Txn& txn, const Databases& db, std::string_view cal, std::string_view lang,
                         std::uint32_t signature, std::int64_t delta) {
  if (delta == 0) return {};
  auto have = count_names(txn, db, cal, lang, signature);
  if (!have) return have.error();
  std::uint64_t now = delta < 0 && *have < static_cast<std::uint64_t>(-delta)
                          ? 0
                          : *have + static_cast<std::uint64_t>(delta);
  std::string key = name_count_key(cal, lang, signature);
  if (now == 0) {
    if (auto d = txn.del(db.event_names, key); !d) return d.error();
    return {};
  }
  std::string value;
  keys::append_u64(value, now);
  return txn.put(db.event_names, key, value);
}

Status walk_names(const Txn& txn, const Databases& db, std::string_view cal, std::string_view lang,
                  std::uint32_t signature, std::size_t& steps, const std::function<bool(const NameItem&)>& fn) {
  const std::string prefix = name_list_prefix(cal, lang, signature);
  bool bad = false;
  std::vector<NameItem> items;
  auto st = for_each_with_prefix(txn, db.event_names, prefix, [&](const Entry& e) {
    items.clear();
    if (!chunked::read_chunk<NameCodec>(e.key.substr(prefix.size()), e.value, items)) {
      bad = true;
      return false;
    }
    for (const auto& item : items) {
      ++steps;
      if (!fn(item)) return false;
    }
    return true;
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
  out.cal = *cal;
  out.lang = *lang;
  out.signature = *signature;
  out.items.clear();
  out.count = 0;
  out.counter = rest.empty();
  if (out.counter) {
    auto count = keys::take_u64(value);
    out.count = count.value_or(0);
    return count && value.empty();
  }
  if (rest[0] != kListMark) return false;
  return chunked::read_chunk<NameCodec>(rest.substr(1), value, out.items);
}

}  // namespace civic::storage::events
