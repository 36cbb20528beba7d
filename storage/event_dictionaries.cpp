#include "storage/event_dictionaries.hpp"

#include <optional>

#include "common/hash.hpp"
#include "storage/event_keys.hpp"
#include "storage/keys.hpp"

namespace civic::storage::event_dictionaries {

namespace {

std::string dict_key(std::string_view cal, std::uint32_t seq) {
  std::string k = event_keys::cal_prefix(cal);
  keys::append_u32(k, seq);
  return k;
}

Error missing(std::string_view cal, std::uint32_t seq, std::string_view why) {
  return Error(Error::kCorrupt, "read dictionary " + std::to_string(seq) + " of calendar " + std::string(cal),
               std::string(why));
}

// A stored dictionary: the hash of its bytes (u64), then the bytes; the
// hash is read on every write, the bytes once a process.
struct Stored {
  std::uint64_t hash = 0;
  std::string_view bytes;
};

std::optional<Stored> split(std::string_view value) {
  auto hash = keys::take_u64(value);
  if (!hash) return std::nullopt;
  return Stored{*hash, value};
}

Result<const TextDictionary*> load(std::string_view cal, std::uint32_t seq, const Stored& stored) {
  if (auto known = cached_dictionary(stored.hash)) return known.get();
  if (fnv1a64(stored.bytes) != stored.hash) return missing(cal, seq, "its bytes are damaged");
  auto loaded = TextDictionary::load(std::string(stored.bytes));
  if (!loaded) return missing(cal, seq, "zstd cannot load it");
  return remember_dictionary(std::move(loaded)).get();
}

}  // namespace

Result<CalendarDictionary> latest(const Txn& txn, const Databases& db, std::string_view cal) {
  const std::string prefix = event_keys::cal_prefix(cal);
  CalendarDictionary found;
  std::optional<Stored> stored;
  bool bad = false;
  auto st = for_each_with_prefix(txn, db.event_dicts, prefix, [&](const Entry& e) {
    std::string_view rest = e.key.substr(prefix.size());
    auto seq = keys::take_u32(rest);
    stored = split(e.value);
    if (!seq || !rest.empty() || !stored) {
      bad = true;
      return false;
    }
    found.ref.seq = *seq;
    return true;
  });
  if (!st) return st.error();
  if (bad) return missing(cal, 0, "a dictionary record is malformed");
  if (found.ref.seq == 0) return found;
  found.ref.hash = stored->hash;
  auto dictionary = load(cal, found.ref.seq, *stored);
  if (!dictionary) return dictionary.error();
  found.dictionary = *dictionary;
  return found;
}

Result<const TextDictionary*> find(const Txn& txn, const Databases& db, std::string_view cal, DictionaryRef ref) {
  // Every event of a feed names the same one or two: no store read, no lock.
  thread_local std::uint64_t last_hash = 0;
  thread_local const TextDictionary* last = nullptr;
  if (last && last_hash == ref.hash) return last;
  if (auto known = cached_dictionary(ref.hash)) {
    last_hash = ref.hash;
    last = known.get();
    return last;
  }
  auto value = txn.get(db.event_dicts, dict_key(cal, ref.seq));
  if (!value) return value.error();
  if (!value.value()) return missing(cal, ref.seq, "the store has no such dictionary, which a record names");
  auto stored = split(**value);
  if (!stored || stored->hash != ref.hash) return missing(cal, ref.seq, "it is not the dictionary a record names");
  return load(cal, ref.seq, *stored);
}

Status check_stored(const Txn& txn, const Databases& db, std::string_view cal, DictionaryRef ref) {
  auto value = txn.get(db.event_dicts, dict_key(cal, ref.seq));
  if (!value) return value.error();
  if (!value.value()) return missing(cal, ref.seq, "the store has no such dictionary, which a record names");
  auto stored = split(**value);
  if (!stored || stored->hash != ref.hash) return missing(cal, ref.seq, "it is not the dictionary a record names");
  if (fnv1a64(stored->bytes) != stored->hash) return missing(cal, ref.seq, "its bytes are damaged");
  return {};
}

Result<CalendarDictionary> add(Txn& txn, const Databases& db, std::string_view cal, std::string bytes) {
  auto previous = latest(txn, db, cal);
  if (!previous) return previous.error();
  CalendarDictionary made;
  made.ref.seq = previous->ref.seq + 1;
  made.ref.hash = fnv1a64(bytes);
  std::string value;
  keys::append_u64(value, made.ref.hash);
  value += bytes;
  auto dictionary = load(cal, made.ref.seq, Stored{made.ref.hash, bytes});
  if (!dictionary) return dictionary.error();
  made.dictionary = *dictionary;
  if (auto st = txn.put(db.event_dicts, dict_key(cal, made.ref.seq), value); !st) return st.error();
  return made;
}

Result<std::size_t> count(const Txn& txn, const Databases& db, std::string_view cal) {
  std::size_t n = 0;
  auto st = for_each_with_prefix(txn, db.event_dicts, event_keys::cal_prefix(cal), [&](const Entry&) {
    ++n;
    return true;
  });
  if (!st) return st.error();
  return n;
}

}  // namespace civic::storage::event_dictionaries
