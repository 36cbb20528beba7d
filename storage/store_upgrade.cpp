#include "storage/store_upgrade.hpp"

#include <limits>
#include <vector>

#include "storage/event_dictionaries.hpp"
#include "storage/event_keys.hpp"
#include "storage/event_numbers.hpp"
#include "storage/event_store.hpp"
#include "storage/keys.hpp"
#include "storage/record_codec.hpp"

namespace civic::storage {

namespace {

constexpr std::size_t kBatch = 1000;
constexpr std::uint8_t kFormat2 = 2;

Error damaged(std::string_view cal, std::string_view id) {
  return Error(Error::kCorrupt, "upgrade event " + std::string(id) + " of calendar " + std::string(cal),
               "the stored record is damaged");
}

Result<std::vector<std::string>> calendars_of(Env& env, const Databases& db) {
  auto txn = Txn::begin_read(env);
  if (!txn) return txn.error();
  std::vector<std::string> names;
  auto st = for_each_with_prefix(*txn, db.calendar_state, "", [&](const Entry& e) {
    std::string_view rest = e.key;
    if (auto name = keys::take_name(rest)) names.emplace_back(*name);
    return true;
  });
  if (!st) return st.error();
  return names;
}

// Calls visit(id, value) -> Result<bool> for each record of `cal` after the
// id `after` (all of them if it is empty), in id order, until it gives
// false; an error it gives ends the walk.
template <class Visit>
Status records_after(const Txn& txn, const Databases& db, std::string_view cal, const std::string& after,
                     Visit&& visit) {
  const std::string prefix = event_keys::cal_prefix(cal);
  auto cursor = Cursor::open(txn, db.events);
  if (!cursor) return cursor.error();
  for (auto pos = cursor->seek(after.empty() ? prefix : event_keys::event_key(cal, after));; pos = cursor->next()) {
    if (!pos) return pos.error();
    if (!pos.value() || !pos.value()->key.starts_with(prefix)) return {};
    std::string_view rest = pos.value()->key.substr(prefix.size());
    auto id = keys::take_name(rest);
    if (!id) return damaged(cal, "?");
    if (!after.empty() && *id == after) continue;
    auto more = visit(*id, pos.value()->value);
    if (!more) return more.error();
    if (!*more) return {};
  }
}

// Rewrites up to kBatch format-2 records of `cal` after `after` in format
// 3; `after` becomes the last one, or empty when none is left.
Status rewrite_batch(Env& env, const Databases& db, std::string_view cal, std::string& after) {
  auto txn = Txn::begin_write(env);
  if (!txn) return txn.error();
  std::vector<std::pair<std::string, events::EncodedEvent>> rewritten;
  std::string last;
  auto walked = records_after(*txn, db, cal, after, [&](std::string_view id, std::string_view value) -> Result<bool> {
    if (rewritten.size() >= kBatch) return false;
    if (!value.empty() && static_cast<std::uint8_t>(value[0]) != kFormat2) return true;  // done before a stop
    auto rec = read_format2(id, value);
    if (!rec) return damaged(cal, id);
    auto encoded = events::encode(*rec);
    if (!encoded) return encoded.error();
    last = std::string(id);
    rewritten.emplace_back(event_keys::event_key(cal, id), std::move(*encoded));
    return true;
  });
  if (!walked) return walked;
  for (const auto& [key, value] : rewritten) {
    // Deleted first: LMDB would keep a smaller value in the overflow pages
    // of the larger one it replaces.
    if (auto d = txn->del(db.events, key); !d) return d.error();
    if (auto st = txn->put(db.events, key, value.first); !st) return st;
    if (auto st = txn->put(db.event_details, key, value.details); !st) return st;
  }
  if (auto st = txn->commit(); !st) return st;
  after = rewritten.size() >= kBatch ? last : std::string();
  return {};
}

Status pack_calendar(Env& env, const Databases& db, std::string_view cal) {
  CalendarDictionary with;
  {
    auto txn = Txn::begin_write(env);
    if (!txn) return txn.error();
    auto state = events::read_state(*txn, db, cal);
    if (!state) return state.error();
    if (!state.value() || state.value()->live + state.value()->deleted < kTrainAt) return {};
    auto trained = events::train(*txn, db, cal);
    if (!trained) return trained.error();
    if (trained->ref.empty()) return {};  // nothing to learn from: the texts stay plain
    with = *trained;
    if (auto st = txn->commit(); !st) return st;
  }
  std::string after;
  do {
    auto txn = Txn::begin_write(env);
    if (!txn) return txn.error();
    auto packed = events::pack_records(*txn, db, cal, with, after, kBatch);
    if (!packed) return packed.error();
    if (auto st = txn->commit(); !st) return st;
  } while (!after.empty());
  return {};
}

// Runs `step` on every calendar until it has no batch left (then `after_all`,
// if given, on that calendar), letting go of the store's pages after each
// batch as an import does.
Status each_calendar_in_batches(Env& env, const Databases& db,
                                Status (*step)(Env&, const Databases&, std::string_view, std::string&),
                                Status (*after_all)(Env&, const Databases&, std::string_view) = nullptr) {
  auto calendars = calendars_of(env, db);
  if (!calendars) return calendars.error();
  for (const auto& cal : *calendars) {
    std::string after;
    do {
      if (auto st = step(env, db, cal, after); !st) return st;
      env.release_mapped_pages();
    } while (!after.empty());
    if (after_all)
      if (auto st = after_all(env, db, cal); !st) return st;
  }
  return {};
}

Status upgrade_1_to_2(Env& env, const Databases& db) {
  return each_calendar_in_batches(env, db, rewrite_batch, pack_calendar);
}

// Indexes the texts of up to kBatch live events of `cal` after `after` that
// have no number yet (those that have were indexed before a stop); `after`
// becomes the last one looked at, or empty when none is left.
Status index_batch(Env& env, const Databases& db, std::string_view cal, std::string& after) {
  auto txn = Txn::begin_write(env);
  if (!txn) return txn.error();
  struct Pending {
    std::string id;
    std::int64_t first_start;
    std::string search;
    std::vector<events::NameEntry> names;
  };
  std::vector<Pending> pending;
  std::string last;
  std::size_t looked = 0;
  auto walked = records_after(*txn, db, cal, after, [&](std::string_view id, std::string_view value) -> Result<bool> {
    if (looked >= kBatch) return false;
    ++looked;
    last = std::string(id);
    EventView v;
    if (!events::decode(id, value, v)) return damaged(cal, id);
    if (v.deleted()) return true;
    auto number = events::number_of(*txn, db, cal, id);
    if (!number) return number.error();
    if (number.value()) return true;
    if (auto st = events::attach(*txn, db, cal, v); !st) return st.error();
    std::string buffer;
    auto search = v.search_text(buffer);
    auto names = v.name_keys();
    if (!search || !names) return damaged(cal, id);
    pending.push_back(Pending{last, v.first_start, std::string(*search), std::move(*names)});
    return true;
  });
  if (!walked) return walked;
  events::TextIndexChanges changes;
  for (const auto& p : pending) {
    auto number = events::give_number(*txn, db, cal, p.id);
    if (!number) return number.error();
    events::index_texts(cal, *number, p.first_start, p.search, p.names, false, changes);
  }
  if (auto st = changes.apply(*txn, db); !st) return st;
  if (auto st = txn->commit(); !st) return st;
  after = looked >= kBatch ? last : std::string();
  return {};
}

Status upgrade_2_to_3(Env& env, const Databases& db) { return each_calendar_in_batches(env, db, index_batch); }

}  // namespace

// An event record as schema 1 wrote it (format 2): every text plain, a
// directory of 32-byte entries (kind, language length, 2 spare, text
// length, signature, the language padded to 16 bytes).
std::optional<EventRecord> read_format2(std::string_view id, std::string_view value) {
  constexpr std::size_t kEntry = 32;
  RecordReader r(value);
  if (r.u8() != kFormat2) return std::nullopt;
  EventRecord rec;
  rec.id = std::string(id);
  rec.flags = r.u8();
  rec.facts.status = r.u8();
  rec.facts.is_free = r.u8();
  rec.sequence = r.u32();
  rec.created_us = r.i64();
  rec.modified_us = r.i64();
  rec.first_start = r.i64();
  rec.first_end = r.i64();
  rec.last_end = r.i64();
  std::uint16_t tzid_len = r.u16();
  std::uint16_t location_len = r.u16();
  std::uint16_t renditions = r.u16();
  std::uint16_t zone_len = r.u16();
  std::uint32_t keywords_len = r.u32();
  std::uint32_t search_len = r.u32();
  std::uint32_t model_len = r.u32();
  std::string_view directory = r.bytes(std::size_t{renditions} * kEntry);
  rec.tzid = std::string(r.bytes(tzid_len));
  rec.zone = std::string(r.bytes(zone_len));
  rec.facts.location_id = std::string(r.bytes(location_len));
  rec.facts.keywords = std::string(r.bytes(keywords_len));
  rec.facts.search_text = std::string(r.bytes(search_len));
  rec.model_json = std::string(r.bytes(model_len));
  if (!r.ok()) return std::nullopt;
  for (std::size_t at = 0; at < directory.size(); at += kEntry) {
    RecordReader e(directory.substr(at, kEntry));
    Rendition rendition;
    rendition.kind = static_cast<RenditionKind>(e.u8());
    std::uint8_t lang_len = e.u8();
    e.u16();
    std::uint32_t length = e.u32();
    rendition.signature = e.u64();
    std::string_view lang = e.bytes(16);
    if (!e.ok() || lang_len > 16) return std::nullopt;
    rendition.lang = std::string(lang.substr(0, lang_len));
    rendition.text = std::string(r.bytes(length));
    if (!r.ok()) return std::nullopt;
    rec.renditions.push_back(std::move(rendition));
  }
  if (!r.at_end()) return std::nullopt;
  return rec;
}

Status upgrade_store(Env& env, const Databases& db, std::uint32_t from_version) {
  if (from_version < 2)
    if (auto st = upgrade_1_to_2(env, db); !st) return st;
  if (from_version < 3)
    if (auto st = upgrade_2_to_3(env, db); !st) return st;
  return {};
}

}  // namespace civic::storage
