#include "ical/calendar_writer.hpp"

#include <time.h>

#include <algorithm>
#include <unordered_map>

#include "ical/event_json.hpp"
#include "ical/event_record.hpp"
#include "storage/event_store.hpp"
#include "storage/keys.hpp"

namespace civic::ical {

namespace ev = storage::events;

std::int64_t now_micros() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

namespace {

// RFC 5545 §3.8.7.4: SEQUENCE is a 32-bit signed INTEGER. At the top it
// stays there: clients still see the change by LAST-MODIFIED and DTSTAMP.
std::uint32_t next_sequence(std::uint32_t sequence) {
  return sequence >= kMaxSequence ? kMaxSequence : sequence + 1;
}

}  // namespace

std::optional<std::size_t> first_duplicate_id(const std::vector<Event>& events) {
  std::unordered_map<std::string_view, std::size_t> seen;
  for (std::size_t i = 0; i < events.size(); ++i)
    if (!seen.emplace(events[i].id, i).second) return i;
  return std::nullopt;
}

storage::Result<WriteCounts> upsert_events(storage::Store& store, const CalendarConfig& cal,
                                           std::vector<Event>& events, std::int64_t now_us,
                                           std::vector<Upserted>* outcomes) {
  WriteCounts counts;
  auto txn = storage::Txn::begin_write(store.env());
  if (!txn) return txn.error();
  const auto& db = store.db();
  bool changed = false;
  for (Event& e : events) {
    std::string canonical = canonical_json(e);
    std::optional<std::uint32_t> old_sequence;
    std::int64_t old_created = 0;
    std::int64_t old_modified = 0;
    bool old_live = false;
    {
      auto old = ev::get(*txn, db, cal.name, e.id);
      if (!old) return old.error();
      if (old.value()) {
        const storage::EventView& v = **old;
        old_sequence = v.sequence;
        old_created = v.created_us;
        old_modified = v.modified_us;
        old_live = !v.deleted();
        if (old_live && v.model_json == canonical) {
          e.sequence = v.sequence;
          e.created_us = v.created_us;
          e.modified_us = v.modified_us;
          e.deleted = false;
          counts.unchanged++;
          if (outcomes) outcomes->push_back(Upserted::unchanged);
          continue;
        }
      }
    }
    std::uint32_t floor = e.sequence;  // what the event came with
    e.sequence = old_sequence ? std::max(next_sequence(*old_sequence), floor) : floor;
    e.created_us = old_sequence ? old_created : now_us;
    e.modified_us = std::max(now_us, old_modified + 1);
    e.deleted = false;
    storage::EventRecord record = make_record(e, cal, now_us);
    if (auto st = ev::put(*txn, db, cal.name, record); !st) return st.error();
    changed = true;
    if (old_live) {
      counts.updated++;
      if (outcomes) outcomes->push_back(Upserted::updated);
    } else {
      counts.created++;
      if (outcomes) outcomes->push_back(Upserted::created);
    }
  }
  if (changed) {
    if (auto st = ev::touch_state(*txn, db, cal.name, now_us); !st) return st.error();
    if (auto purged = ev::purge_tombstones(*txn, db, cal.name, now_us - storage::kTombstoneMicros); !purged)
      return purged.error();
    if (auto st = txn->commit(); !st) return st.error();
  }
  return counts;
}

storage::Result<bool> delete_event(storage::Store& store, const CalendarConfig& cal, std::string_view id,
                                   std::int64_t now_us) {
  auto txn = storage::Txn::begin_write(store.env());
  if (!txn) return txn.error();
  const auto& db = store.db();
  Event e;
  {
    auto old = ev::get(*txn, db, cal.name, id);
    if (!old) return old.error();
    if (!old.value() || old.value()->deleted()) return false;
    if (!event_from_view(**old, e))
      return storage::Error(storage::Error::kCorrupt, "read event " + std::string(id), "the stored event is damaged");
  }
  e.sequence = next_sequence(e.sequence);
  e.modified_us = std::max(now_us, e.modified_us + 1);
  e.deleted = true;
  if (auto st = ev::put(*txn, db, cal.name, make_record(e, cal, now_us)); !st) return st.error();
  if (auto st = ev::touch_state(*txn, db, cal.name, now_us); !st) return st.error();
  if (auto purged = ev::purge_tombstones(*txn, db, cal.name, now_us - storage::kTombstoneMicros); !purged)
    return purged.error();
  if (auto st = txn->commit(); !st) return st.error();
  return true;
}

storage::Result<std::int64_t> record_definition(storage::Store& store, const CalendarConfig& cal,
                                                std::int64_t now_us) {
  std::string text = cal.serialize();
  {
    auto txn = storage::Txn::begin_read(store.env());
    if (!txn) return txn.error();
    auto old = ev::get_definition(*txn, store.db(), cal.name);
    if (!old) return old.error();
    if (old.value() && old.value()->size() >= 8 && std::string_view(**old).substr(8) == text) {
      std::string_view head = **old;
      auto when = storage::keys::take_i64(head);
      return when.value_or(0);
    }
  }
  auto txn = storage::Txn::begin_write(store.env());
  if (!txn) return txn.error();
  std::string value;
  storage::keys::append_i64(value, now_us / 1000000);
  value += text;
  if (auto st = ev::put_definition(*txn, store.db(), cal.name, value); !st) return st.error();
  if (auto st = txn->commit(); !st) return st.error();
  return now_us / 1000000;
}

storage::Result<std::optional<CalendarConfig>> recorded_definition(storage::Store& store, std::string_view name) {
  auto txn = storage::Txn::begin_read(store.env());
  if (!txn) return txn.error();
  auto def = ev::get_definition(*txn, store.db(), name);
  if (!def) return def.error();
  if (!def.value()) return std::optional<CalendarConfig>{};
  std::string_view value = **def;
  CalendarConfig cal;
  if (value.size() < 8 || !CalendarConfig::deserialize(value.substr(8), cal))
    return storage::Error(storage::Error::kCorrupt, "read calendar " + std::string(name), "the stored definition is damaged");
  return std::optional<CalendarConfig>{std::move(cal)};
}

}  // namespace civic::ical
