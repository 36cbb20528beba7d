#include "calendar/service/calendar_writer.hpp"

#include <time.h>

#include <algorithm>
#include <exception>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "calendar/formats/event_json.hpp"
#include "calendar/stored/event_record.hpp"
#include "storage/event_store.hpp"
#include "storage/keys.hpp"

namespace civic::calendar {

namespace ev = storage::events;

std::int64_t now_micros() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

std::optional<std::size_t> first_duplicate_id(const std::vector<Event>& events) {
  std::unordered_map<std::string_view, std::size_t> seen;
  for (std::size_t i = 0; i < events.size(); ++i)
    if (!seen.emplace(events[i].id, i).second) return i;
  return std::nullopt;
}

namespace {

// RFC 5545 §3.8.7.4: SEQUENCE is a 32-bit signed INTEGER. At the top it
// stays there: clients still see the change by LAST-MODIFIED and DTSTAMP.
std::uint32_t next_sequence(std::uint32_t sequence) {
  return sequence >= kMaxSequence ? kMaxSequence : sequence + 1;
}

// Records rendered before the write transaction, at most this many bytes:
// more would hold a large import twice in memory (its events and its
// records); the rest are rendered under the write lock.
constexpr std::size_t kPreparedBytes = 256u << 20;

std::size_t record_bytes(const storage::EventRecord& r) {
  std::size_t n = sizeof r + r.model_json.size() + r.facts.search_text.size() +
                  r.occurrences.size() * sizeof(storage::OccurrenceSpan);
  for (const auto& x : r.renditions) n += sizeof x + x.text.size();
  return n * 5 / 4;  // and its encoding (packed: far less)
}

// What one event of a batch becomes, decided against a store as one
// transaction sees it: unchanged (nothing to write), or a record to put.
struct Decision {
  Upserted outcome = Upserted::unchanged;
  std::optional<storage::EventRecord> record;
  std::optional<ev::EncodedEvent> encoded;  // when rendered ahead: packing is work too
};

// Decides for `e` (which arrived with SEQUENCE `incoming`) against `txn`,
// sets its server fields, and (with `render`) renders its record unless it
// is unchanged.
//
// With `mirror` (a replica of another civic), the event keeps the SEQUENCE,
// created and modified times it came with, and is unchanged only if those
// are the stored ones too.
Result<Decision> decide(const storage::Txn& txn, const storage::Databases& db, const CalendarConfig& cal,
                                 Event& e, std::uint32_t incoming, std::int64_t now_us, bool render = true,
                                 bool mirror = false) {
  Decision d;
  std::string canonical = canonical_json(e);
  std::optional<std::uint32_t> old_sequence;
  std::int64_t old_created = 0;
  std::int64_t old_modified = 0;
  bool old_live = false;
  auto old = ev::get(txn, db, cal.name, e.id);
  if (!old) return old.error();
  if (old.value()) {
    const storage::EventView& v = **old;
    old_sequence = v.sequence;
    old_created = v.created_us;
    old_modified = v.modified_us;
    old_live = !v.deleted();
    // Two followers of one source may overlap (a run longer than its
    // interval, a server restarting mid-run): a page read before a newer
    // version was written must not undo it.
    if (mirror && v.modified_us > e.modified_us) {
      e.sequence = v.sequence;
      e.created_us = v.created_us;
      e.modified_us = v.modified_us;
      e.deleted = v.deleted();
      return d;
    }
    std::string buffer;
    bool same_fields = !mirror || (v.sequence == incoming && v.created_us == e.created_us &&
                                   v.modified_us == e.modified_us);
    if (old_live && same_fields && v.model_json(buffer) == std::optional<std::string_view>(canonical)) {
      e.sequence = v.sequence;
      e.created_us = v.created_us;
      e.modified_us = v.modified_us;
      e.deleted = false;
      return d;
    }
  }
  if (mirror) {
    e.sequence = incoming;
  } else {
    e.sequence = old_sequence ? std::max(next_sequence(*old_sequence), incoming) : incoming;
    e.created_us = old_sequence ? old_created : now_us;
    e.modified_us = std::max(now_us, old_modified + 1);
  }
  e.deleted = false;
  d.outcome = old_live ? Upserted::updated : Upserted::created;
  if (render) d.record = make_record(e, cal, now_us);
  return d;
}

// Renders the records of the decisions [from, to) that need one, on up to
// `threads` threads (rendering an event touches nothing shared but what
// holds libical_mutex()).
void render_records(std::vector<Decision>& decisions, const std::vector<Event>& events, std::size_t from,
                    std::size_t to, const CalendarConfig& cal, std::int64_t now_us, unsigned threads,
                    const storage::CalendarDictionary* packing) {
  auto work = [&](unsigned part, unsigned parts) {
    for (std::size_t i = from + part; i < to; i += parts) {
      Decision& d = decisions[i];
      if (d.outcome == Upserted::unchanged) continue;
      d.record = make_record(events[i], cal, now_us);
      // Packed with the calendar's dictionary as the snapshot has it; put
      // packs again if it has another by then.
      if (!packing) continue;
      if (auto encoded = ev::encode(*d.record, *packing)) d.encoded = std::move(*encoded);
    }
  };
  if (threads <= 1 || to - from < 2) {
    work(0, 1);
    return;
  }
  std::vector<std::thread> helpers;
  std::exception_ptr failed;
  std::mutex failed_lock;
  for (unsigned t = 1; t < threads; ++t)
    helpers.emplace_back([&, t] {
      try {
        work(t, threads);
      } catch (...) {
        std::lock_guard lock(failed_lock);
        failed = std::current_exception();
      }
    });
  try {
    work(0, threads);
  } catch (...) {
    std::lock_guard lock(failed_lock);
    failed = std::current_exception();
  }
  for (auto& h : helpers) h.join();
  if (failed) std::rethrow_exception(failed);
}

Result<std::uint64_t> calendar_version(const storage::Txn& txn, const storage::Databases& db,
                                                std::string_view cal) {
  auto state = ev::read_state(txn, db, cal);
  if (!state) return state.error();
  return state.value() ? state.value()->version : 0;
}

// Makes the live event `id` a tombstone in `txn`; false if it is not live.
// `modified_us`: the time the deletion came with (a replica's), else now.
Result<bool> put_tombstone(storage::Txn& txn, const storage::Databases& db, const CalendarConfig& cal,
                           std::string_view id, std::int64_t now_us, ev::TextIndexChanges* texts,
                           std::optional<std::int64_t> modified_us = std::nullopt) {
  Event e;
  {
    auto old = ev::get(txn, db, cal.name, id);
    if (!old) return old.error();
    if (!old.value() || old.value()->deleted()) return false;
    if (!event_from_view(**old, e))
      return Error(Error::kCorrupt, "read event " + std::string(id), "the stored event is damaged");
  }
  e.sequence = next_sequence(e.sequence);
  e.modified_us = modified_us ? *modified_us : std::max(now_us, e.modified_us + 1);
  e.deleted = true;
  if (auto st = ev::put(txn, db, cal.name, make_record(e, cal, now_us), nullptr, texts); !st) return st.error();
  return true;
}

// The ids of the calendar's stored events (live or tombstones) for which
// `keep` is false: keys read, records only where the caller looks.
Result<std::vector<std::string>> stored_ids_not_kept(const storage::Txn& txn, const storage::Databases& db,
                                                     const CalendarConfig& cal,
                                                     const std::function<bool(std::string_view)>& keep) {
  std::vector<std::string> out;
  const std::string prefix = storage::keys::name_prefix(cal.name);
  bool bad = false;
  auto st = storage::for_each_with_prefix(txn, db.events, prefix, [&](const storage::Entry& e) {
    std::string_view rest = e.key.substr(prefix.size());
    auto id = storage::keys::take_name(rest);
    if (!id) return !(bad = true);
    if (!keep(*id)) out.emplace_back(*id);
    return true;
  });
  if (!st) return st.error();
  if (bad) return Error(Error::kCorrupt, "read the events of calendar " + cal.name, "an event's key is malformed");
  return out;
}

// "20261215T180000" or "20261215": what ics_reader puts after a series' UID
// and "_" to name a changed occurrence.
bool is_occurrence_suffix(std::string_view s) {
  auto digits = [](std::string_view d) { return std::all_of(d.begin(), d.end(), [](char c) { return c >= '0' && c <= '9'; }); };
  if (s.size() == 8) return digits(s);
  return s.size() == 15 && s[8] == 'T' && digits(s.substr(0, 8)) && digits(s.substr(9));
}

// The stored changed occurrences of series `series_id` (events of their own,
// "UID_20261215T180000") for which `keep` is false.
Result<std::vector<std::string>> stored_occurrences_not_kept(const storage::Txn& txn, const storage::Databases& db,
                                                             const CalendarConfig& cal, std::string_view series_id,
                                                             const std::function<bool(std::string_view)>& keep) {
  std::vector<std::string> out;
  const std::string cal_prefix = storage::keys::name_prefix(cal.name);
  std::string prefix = cal_prefix;
  prefix.append(series_id).push_back('_');
  auto st = storage::for_each_with_prefix(txn, db.events, prefix, [&](const storage::Entry& e) {
    std::string_view rest = e.key.substr(cal_prefix.size());
    auto id = storage::keys::take_name(rest);
    if (id && is_occurrence_suffix(id->substr(series_id.size() + 1)) && !keep(*id)) out.emplace_back(*id);
    return true;
  });
  if (!st) return st.error();
  return out;
}

// Commits `txn` after writes to the calendar: its state touched, its old
// tombstones purged.
Status finish_write(storage::Txn& txn, const storage::Databases& db, const CalendarConfig& cal, std::int64_t now_us) {
  if (auto st = ev::touch_state(txn, db, cal.name, now_us); !st) return st.error();
  if (auto purged = ev::purge_tombstones(txn, db, cal.name, now_us - storage::kTombstoneMicros); !purged)
    return purged.error();
  return txn.commit();
}

// What a followed page adds to a batch (write_followed).
struct FollowedParts {
  const std::vector<FollowedDeletion>& deletions;
  bool mirror;
  const std::function<Status(storage::Txn&, const WriteCounts&)>& also;
};

Result<WriteCounts> write_batch(storage::Store& store, const CalendarConfig& cal, std::vector<Event>& events,
                                std::int64_t now_us, std::vector<Upserted>* outcomes, unsigned render_threads,
                                WriteMode mode, const std::function<bool(std::string_view)>* in_file,
                                const FollowedParts* followed) {
  const auto& db = store.db();
  const bool mirror = followed && followed->mirror;
  std::vector<std::uint32_t> incoming;  // the SEQUENCE each event came with
  incoming.reserve(events.size());
  for (const Event& e : events) incoming.push_back(e.sequence);

  // Rendering is most of an import's work. It is done first, against a read
  // snapshot, so that LMDB's write lock (which every submission's commit
  // needs too) is held only to put the records. If the calendar changed
  // before the lock was taken, the decisions are made again under it.
  std::vector<Decision> prepared;
  std::uint64_t prepared_at = 0;
  {
    auto snapshot = storage::Txn::begin_read(store.env());
    if (!snapshot) return snapshot.error();
    auto version = calendar_version(*snapshot, db, cal.name);
    if (!version) return version.error();
    prepared_at = *version;
    auto packing = storage::event_dictionaries::latest(*snapshot, db, cal.name);
    if (!packing) return packing.error();
    // Not packed ahead if this write will give the calendar its first
    // dictionary (put would pack every record again).
    auto state = ev::read_state(*snapshot, db, cal.name);
    if (!state) return state.error();
    std::uint64_t stored = state.value() ? state.value()->live + state.value()->deleted : 0;
    bool pack_ahead = !packing->ref.empty() || stored + events.size() < storage::kTrainAt;
    // In chunks: decided one by one (against the snapshot), rendered side
    // by side.
    constexpr std::size_t kChunk = 256;
    std::size_t bytes = 0;
    for (std::size_t from = 0; from < events.size() && bytes < kPreparedBytes; from += kChunk) {
      std::size_t to = std::min(events.size(), from + kChunk);
      for (std::size_t i = from; i < to; ++i) {
        auto d = decide(*snapshot, db, cal, events[i], incoming[i], now_us, false, mirror);
        if (!d) return d.error();
        prepared.push_back(std::move(*d));
      }
      render_records(prepared, events, from, to, cal, now_us, render_threads, pack_ahead ? &*packing : nullptr);
      for (std::size_t i = from; i < to; ++i)
        if (prepared[i].record) bytes += record_bytes(*prepared[i].record);
    }
  }

  auto txn = storage::Txn::begin_write(store.env());
  if (!txn) return txn.error();
  auto version = calendar_version(*txn, db, cal.name);
  if (!version) return version.error();
  if (*version != prepared_at) prepared.clear();  // written meanwhile: decide again

  WriteCounts counts;
  bool changed = false;
  storage::events::TextIndexChanges texts;  // applied once per list for the batch
  if (outcomes) outcomes->clear();
  for (std::size_t i = 0; i < events.size(); ++i) {
    Decision d;
    if (i < prepared.size()) {
      d = std::move(prepared[i]);
    } else {
      auto decided = decide(*txn, db, cal, events[i], incoming[i], now_us, true, mirror);
      if (!decided) return decided.error();
      d = std::move(*decided);
    }
    if (d.record) {
      if (auto st = ev::put(*txn, db, cal.name, *d.record, d.encoded ? &*d.encoded : nullptr, &texts); !st)
        return st.error();
      changed = true;
    }
    switch (d.outcome) {
      case Upserted::created: counts.created++; break;
      case Upserted::updated: counts.updated++; break;
      case Upserted::unchanged: counts.unchanged++; break;
    }
    if (outcomes) outcomes->push_back(d.outcome);
  }
  counts.mode = mode;
  if (in_file) {
    // A series comes with all its changed occurrences: those stored that the
    // file no longer has are gone (their times are the series' again).
    for (const Event& e : events) {
      if (!e.recurrence) continue;
      auto stale = stored_occurrences_not_kept(*txn, db, cal, e.id, *in_file);
      if (!stale) return stale.error();
      for (const auto& id : *stale) {
        auto deleted = put_tombstone(*txn, db, cal, id, now_us, &texts);
        if (!deleted) return deleted.error();
        if (*deleted) counts.deleted++;
      }
    }
    if (counts.deleted > 0) changed = true;
  }
  if (mode == WriteMode::replace) {
    std::unordered_map<std::string_view, std::size_t> held;
    for (std::size_t i = 0; i < events.size(); ++i) held.emplace(events[i].id, i);
    auto absent = stored_ids_not_kept(*txn, db, cal, [&](std::string_view id) { return held.contains(id); });
    if (!absent) return absent.error();
    for (const auto& id : *absent) {
      auto deleted = put_tombstone(*txn, db, cal, id, now_us, &texts);
      if (!deleted) return deleted.error();
      if (*deleted) counts.deleted++;
    }
    if (counts.deleted > 0) changed = true;
  }
  if (followed) {
    for (const auto& gone : followed->deletions) {
      if (mirror) {  // as for an upsert: a deletion older than what is stored is passed over
        auto old = ev::get(*txn, db, cal.name, gone.id);
        if (!old) return old.error();
        if (old.value() && (*old)->modified_us > gone.modified_us) continue;
      }
      auto deleted = put_tombstone(*txn, db, cal, gone.id, now_us, &texts,
                                   mirror ? std::optional<std::int64_t>(gone.modified_us) : std::nullopt);
      if (!deleted) return deleted.error();
      if (*deleted) counts.deleted++, changed = true;
    }
    if (followed->also)
      if (auto st = followed->also(*txn, counts); !st) return st.error();
  }
  if (changed) {
    if (auto st = texts.apply(*txn, db); !st) return st.error();
    if (auto st = finish_write(*txn, db, cal, now_us); !st) return st.error();
  } else if (followed) {
    if (auto st = txn->commit(); !st) return st.error();
  }
  return counts;
}

}  // namespace

Result<WriteCounts> upsert_events(storage::Store& store, const CalendarConfig& cal, std::vector<Event>& events,
                                  std::int64_t now_us, std::vector<Upserted>* outcomes, unsigned render_threads,
                                  WriteMode mode, const std::function<bool(std::string_view)>* in_file) {
  return write_batch(store, cal, events, now_us, outcomes, render_threads, mode, in_file, nullptr);
}

Result<WriteCounts> write_followed(storage::Store& store, const CalendarConfig& cal, std::vector<Event>& events,
                                   const std::vector<FollowedDeletion>& deletions, bool mirror,
                                   const std::function<Status(storage::Txn&, const WriteCounts&)>& also, std::int64_t now_us) {
  FollowedParts parts{deletions, mirror, also};
  return write_batch(store, cal, events, now_us, nullptr, 1, WriteMode::upsert, nullptr, &parts);
}

Result<bool> delete_event(storage::Store& store, const CalendarConfig& cal, std::string_view id,
                                   std::int64_t now_us) {
  auto txn = storage::Txn::begin_write(store.env());
  if (!txn) return txn.error();
  auto deleted = put_tombstone(*txn, store.db(), cal, id, now_us, nullptr);
  if (!deleted) return deleted.error();
  if (!*deleted) return false;
  if (auto st = finish_write(*txn, store.db(), cal, now_us); !st) return st.error();
  return true;
}

Result<std::size_t> delete_events(storage::Store& store, const CalendarConfig& cal,
                                  const std::vector<std::string>& ids, std::int64_t now_us) {
  auto txn = storage::Txn::begin_write(store.env());
  if (!txn) return txn.error();
  ev::TextIndexChanges texts;
  std::size_t count = 0;
  for (const auto& id : ids) {
    auto deleted = put_tombstone(*txn, store.db(), cal, id, now_us, &texts);
    if (!deleted) return deleted.error();
    if (*deleted) ++count;
  }
  if (count == 0) return count;
  if (auto st = texts.apply(*txn, store.db()); !st) return st.error();
  if (auto st = finish_write(*txn, store.db(), cal, now_us); !st) return st.error();
  return count;
}

Result<std::vector<std::string>> live_ids_not_kept(storage::Store& store, const CalendarConfig& cal,
                                                   const std::function<bool(std::string_view)>& keep) {
  auto txn = storage::Txn::begin_read(store.env());
  if (!txn) return txn.error();
  auto ids = stored_ids_not_kept(*txn, store.db(), cal, keep);
  if (!ids) return ids.error();
  std::vector<std::string> live;
  for (auto& id : *ids) {
    auto v = ev::get(*txn, store.db(), cal.name, id);
    if (!v) return v.error();
    if (v.value() && !v.value()->deleted()) live.push_back(std::move(id));
  }
  return live;
}

Result<std::int64_t> record_definition(storage::Store& store, const CalendarConfig& cal,
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

Result<std::optional<CalendarConfig>> recorded_definition(storage::Store& store, std::string_view name) {
  auto txn = storage::Txn::begin_read(store.env());
  if (!txn) return txn.error();
  auto def = ev::get_definition(*txn, store.db(), name);
  if (!def) return def.error();
  if (!def.value()) return std::optional<CalendarConfig>{};
  std::string_view value = **def;
  CalendarConfig cal;
  if (value.size() < 8 || !CalendarConfig::deserialize(value.substr(8), cal))
    return Error(Error::kCorrupt, "read calendar " + std::string(name), "the stored definition is damaged");
  return std::optional<CalendarConfig>{std::move(cal)};
}

}  // namespace civic::calendar
