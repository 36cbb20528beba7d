#include "storage/event_store.hpp"

#include <algorithm>
#include <limits>

#include "storage/event_index.hpp"
#include "storage/event_keys.hpp"
#include "storage/event_numbers.hpp"
#include "storage/search_words.hpp"
#include "storage/keys.hpp"
#include "storage/record_codec.hpp"

namespace civic::storage {

using namespace event_keys;

namespace {

constexpr std::uint8_t kStateFormat = 1;

Error damaged(std::string_view what, std::string_view cal) {
  return Error(Error::kCorrupt, "read " + std::string(what) + " of calendar " + std::string(cal),
               "the stored record is damaged");
}

std::string encode_state(const CalendarState& s) {
  RecordWriter w;
  w.u8(kStateFormat);
  w.u64(s.version);
  w.i64(s.modified_us);
  w.i64(s.http_modified);
  w.u64(s.live);
  w.u64(s.deleted);
  w.u64(s.series);
  w.u64(s.listed);  // added after the first stores: decode_state accepts a record without it
  return w.take();
}

bool decode_state(std::string_view v, CalendarState& s) {
  RecordReader r(v);
  if (r.u8() != kStateFormat) return false;
  s.version = r.u64();
  s.modified_us = r.i64();
  s.http_modified = r.i64();
  s.live = r.u64();
  s.deleted = r.u64();
  s.series = r.u64();
  // A state written before `listed` existed counted every live event.
  s.listed = r.at_end() ? s.live : r.u64();
  return r.ok();
}

Status write_state(Txn& txn, const Databases& db, std::string_view cal, const CalendarState& s) {
  return txn.put(db.calendar_state, cal_prefix(cal), encode_state(s));
}

// The occurrences indexed for an event, as event_occurrences stores them.
std::string encode_occurrences(const EventRecord& r) {
  RecordWriter w;
  w.u32(static_cast<std::uint32_t>(r.occurrences.size()));
  for (const auto& o : r.occurrences) {
    w.i64(o.start);
    w.i64(o.end);
  }
  return w.take();
}

bool decode_occurrences(std::string_view v, std::vector<OccurrenceSpan>& out) {
  RecordReader r(v);
  std::uint32_t n = r.u32();
  if (!r.ok() || r.rest().size() != std::size_t{n} * 16) return false;
  out.resize(n);
  for (auto& o : out) {
    o.start = r.i64();
    o.end = r.i64();
  }
  return r.ok();
}

Status index_occurrences(Txn& txn, const Databases& db, std::string_view cal, std::string_view id,
                         const std::vector<OccurrenceSpan>& occurrences, bool remove, bool series = false) {
  // Sorted by start: the first one is the event's first occurrence, which
  // the JSON list walks for one item per event.
  for (const auto& o : occurrences) {
    std::string k = time_key(cal, o.start, id);
    if (remove) {
      if (auto d = txn.del(db.event_time, k); !d) return d.error();
    } else {
      std::uint8_t flags = (&o == &occurrences.front() ? kFirstOccurrence : 0) | (series ? kSeriesOccurrence : 0);
      std::string value = i64_value(o.end);
      value.push_back(static_cast<char>(flags));
      if (auto st = txn.put(db.event_time, k, value); !st) return st;
    }
    if (o.end - o.start <= kShortSpan) continue;
    for (std::int64_t w = week_of(o.start), last = week_of(o.end - 1); w <= last; ++w) {
      std::string lk = long_key(cal, w, id, o.start);
      if (remove) {
        if (auto d = txn.del(db.event_long, lk); !d) return d.error();
      } else {
        std::string value = i64_value(o.end);
        value.push_back(static_cast<char>(series ? kSeriesOccurrence : 0));
        if (auto st = txn.put(db.event_long, lk, value); !st) return st;
      }
    }
  }
  return {};
}

}  // namespace

namespace events {

Result<std::optional<EventView>> get(const Txn& txn, const Databases& db, std::string_view cal, std::string_view id) {
  auto value = txn.get(db.events, event_key(cal, id));
  if (!value) return value.error();
  if (!value.value()) return std::optional<EventView>{};
  EventView v;
  if (!decode(id, **value, v)) return damaged("event " + std::string(id), cal);
  if (auto st = attach(txn, db, cal, v); !st) return st.error();
  return std::optional<EventView>{v};
}

namespace {

// The texts a dictionary is trained on: every packed text of a record.
void add_samples(const EventRecord& rec, std::vector<std::string>& samples) {
  samples.push_back(rec.facts.search_text);
  samples.push_back(rec.model_json);
  for (const auto& r : rec.renditions)
    if (r.kind != RenditionKind::name_key) samples.push_back(r.text);  // the texts encode() packs
}

// The dictionary `rec` is packed with: the calendar's latest; with none, and
// the calendar reaching a multiple of kTrainAt events with this one, one
// trained on them (and the records already stored packed with it, in this
// transaction).
Result<CalendarDictionary> dictionary_for(Txn& txn, const Databases& db, std::string_view cal,
                                          const CalendarState& state, const EventRecord& rec) {
  auto latest = event_dictionaries::latest(txn, db, cal);
  if (!latest) return latest.error();
  if (!latest->ref.empty() || (state.live + state.deleted + 1) % kTrainAt != 0) return *latest;
  auto trained = train(txn, db, cal, &rec);
  if (!trained) return trained.error();
  if (trained->ref.empty()) return *trained;
  std::string after;
  auto packed = pack_records(txn, db, cal, *trained, after, std::numeric_limits<std::size_t>::max());
  if (!packed) return packed.error();
  return *trained;
}

}  // namespace

Result<CalendarDictionary> train(Txn& txn, const Databases& db, std::string_view cal, const EventRecord* also) {
  auto latest = event_dictionaries::latest(txn, db, cal);
  if (!latest) return latest.error();
  if (!latest->ref.empty()) return *latest;
  std::vector<std::string> samples;
  if (also) add_samples(*also, samples);
  std::optional<Error> failure;
  std::size_t seen = 0;
  auto st = for_each(txn, db, cal, [&](const EventView& v) {
    auto stored = record_of(v);
    if (!stored) {
      failure = damaged("event " + std::string(v.id), cal);
      return false;
    }
    add_samples(*stored, samples);
    return ++seen < kTrainAt;
  });
  if (!st) return st.error();
  if (failure) return *failure;
  std::vector<std::string_view> views(samples.begin(), samples.end());
  auto trained = train_dictionary(views);
  if (!trained) return CalendarDictionary{};  // too few or too alike: the texts stay plain
  return event_dictionaries::add(txn, db, cal, std::move(*trained));
}

Result<std::size_t> pack_records(Txn& txn, const Databases& db, std::string_view cal, const CalendarDictionary& with,
                                 std::string& after, std::size_t limit) {
  const std::string prefix = cal_prefix(cal);
  // Collected first: a cursor's LMDB position does not survive puts.
  std::vector<std::pair<std::string, EncodedEvent>> repacked;
  std::string last;
  auto cursor = Cursor::open(txn, db.events);
  if (!cursor) return cursor.error();
  const std::string from = after.empty() ? prefix : event_key(cal, after);
  for (auto pos = cursor->seek(from);; pos = cursor->next()) {
    if (!pos) return pos.error();
    if (!pos.value() || !pos.value()->key.starts_with(prefix)) break;
    const Entry& e = *pos.value();
    std::string_view rest = e.key.substr(prefix.size());
    auto id = keys::take_name(rest);
    if (!id) return damaged("events", cal);
    if (!after.empty() && *id == after) continue;
    if (repacked.size() >= limit) break;
    last = std::string(*id);
    EventView v;
    if (!decode(*id, e.value, v)) return damaged("event " + last, cal);
    if (v.packed()) continue;
    if (auto st = attach(txn, db, cal, v); !st) return st.error();
    auto rec = record_of(v);
    if (!rec) return damaged("event " + last, cal);
    auto encoded = encode(*rec, with);
    if (!encoded) return encoded.error();
    repacked.emplace_back(std::string(e.key), std::move(*encoded));
  }
  for (const auto& [key, value] : repacked) {
    // Deleted first: LMDB would keep a smaller value in the overflow pages
    // of the larger one it replaces, where it now fits in a leaf page.
    if (auto d = txn.del(db.events, key); !d) return d.error();
    if (auto d = txn.del(db.event_details, key); !d) return d.error();
    if (auto put = txn.put(db.events, key, value.first); !put) return put.error();
    if (auto put = txn.put(db.event_details, key, value.details); !put) return put.error();
  }
  after = repacked.size() >= limit ? last : std::string();
  return repacked.size();
}

std::vector<NameEntry> name_keys_of(const EventRecord& rec) {
  std::vector<NameEntry> out;
  for (const auto& r : rec.renditions)
    if (r.kind == RenditionKind::name_key && r.lang.size() <= 255)  // what encode() stores
      out.push_back({r.lang, static_cast<std::uint32_t>(r.signature), r.text});
  std::sort(out.begin(), out.end());
  return out;
}

void index_texts(std::string_view cal, std::uint32_t number, std::int64_t first_start, std::string_view search_text,
                 const std::vector<NameEntry>& names, bool remove, TextIndexChanges& changes) {
  Posting p{first_start, number};
  for (std::string_view w : words_of(search_text)) {
    if (remove) {
      changes.remove_word(cal, w, p);
    } else {
      changes.add_word(cal, w, p);
    }
  }
  for (const auto& n : names) {
    if (remove) {
      changes.remove_name(cal, n, number);
    } else {
      changes.add_name(cal, n, number);
    }
  }
}

Status put(Txn& txn, const Databases& db, std::string_view cal, const EventRecord& rec,
           const EncodedEvent* ready, TextIndexChanges* batch) {
  TextIndexChanges own;
  TextIndexChanges& texts = batch ? *batch : own;
  const std::string key = event_key(cal, rec.id);
  CalendarState state;
  {
    auto s = read_state(txn, db, cal);
    if (!s) return s.error();
    if (s.value()) state = **s;
  }

  // What the event had before: copied out before anything is written.
  std::optional<std::uint8_t> old_flags;
  std::int64_t old_modified = 0;
  bool old_listed = false;
  // A live event's texts as indexed: its words (by its first start) and names.
  std::int64_t old_first_start = 0;
  std::string old_search;
  std::vector<NameEntry> old_names;
  {
    auto old = get(txn, db, cal, rec.id);
    if (!old) return old.error();
    if (old.value()) {
      const EventView& v = **old;
      old_flags = v.flags;
      old_modified = v.modified_us;
      if (!v.deleted()) {
        old_first_start = v.first_start;
        auto search = v.search_text(old_search);
        auto names = v.name_keys();
        if (!search || !names) return damaged("event " + rec.id, cal);
        if (search->data() != old_search.data()) old_search.assign(*search);
        old_names = std::move(*names);
      }
    }
  }
  // The word and name indexes: what the old version had out, the new one's in.
  {
    std::optional<std::uint32_t> number;
    bool kept = false;  // the words are as indexed: only the names may change
    if (old_flags && !(*old_flags & kDeleted)) {
      auto known = number_of(txn, db, cal, rec.id);
      if (!known) return known.error();
      if (!known.value()) return damaged("the number of event " + rec.id, cal);
      number = **known;
      kept = !(rec.flags & kDeleted) && rec.first_start == old_first_start && rec.facts.search_text == old_search;
      if (!kept) index_texts(cal, *number, old_first_start, old_search, old_names, true, texts);
    }
    if (!(rec.flags & kDeleted)) {
      if (!number) {
        auto given = give_number(txn, db, cal, rec.id);
        if (!given) return given.error();
        number = *given;
      }
      auto names = name_keys_of(rec);
      if (!kept) {
        index_texts(cal, *number, rec.first_start, rec.facts.search_text, names, false, texts);
      } else {  // the same words: the names only, if they changed
        std::vector<NameEntry> gone, added;
        std::set_difference(old_names.begin(), old_names.end(), names.begin(), names.end(), std::back_inserter(gone));
        std::set_difference(names.begin(), names.end(), old_names.begin(), old_names.end(), std::back_inserter(added));
        for (const auto& n : gone) texts.remove_name(cal, n, *number);
        for (const auto& n : added) texts.add_name(cal, n, *number);
      }
    }
  }
  if (old_flags) {
    auto occ = txn.get(db.event_occurrences, key);
    if (!occ) return occ.error();
    if (occ.value()) {
      old_listed = true;
      std::vector<OccurrenceSpan> previous;
      if (!decode_occurrences(**occ, previous)) return damaged("occurrences of " + rec.id, cal);
      if (auto st = index_occurrences(txn, db, cal, rec.id, previous, true); !st) return st;
      if (auto d = txn.del(db.event_occurrences, key); !d) return d.error();
    }
    if (auto d = txn.del(db.event_modified, time_key(cal, old_modified, rec.id)); !d) return d.error();
    if (*old_flags & kDeleted) {
      if (auto d = txn.del(db.event_tombstones, time_key(cal, old_modified, rec.id)); !d) return d.error();
      state.deleted -= state.deleted > 0 ? 1 : 0;
    } else {
      state.live -= state.live > 0 ? 1 : 0;
      if (old_listed) state.listed -= state.listed > 0 ? 1 : 0;
    }
    if (*old_flags & kTruncated) {
      if (auto d = txn.del(db.event_series, key); !d) return d.error();
      state.series -= state.series > 0 ? 1 : 0;
    }
  }

  auto packing = dictionary_for(txn, db, cal, state, rec);
  if (!packing) return packing.error();
  std::optional<EncodedEvent> made;
  const EncodedEvent* encoded = ready;
  if (!ready || ready->with.seq != packing->ref.seq || ready->with.hash != packing->ref.hash) {
    auto e = encode(rec, *packing);
    if (!e) return e.error();
    made = std::move(*e);
    encoded = &*made;
  }
  if (old_flags) {  // see pack_records: a smaller record gets a leaf page again
    if (auto d = txn.del(db.events, key); !d) return d.error();
    if (auto d = txn.del(db.event_details, key); !d) return d.error();
  }
  if (auto st = txn.put(db.events, key, encoded->first); !st) return st;
  if (auto st = txn.put(db.event_details, key, encoded->details); !st) return st;
  if (auto st = txn.put(db.event_modified, time_key(cal, rec.modified_us, rec.id), {}); !st) return st;
  if (rec.flags & kDeleted) {
    if (auto st = txn.put(db.event_tombstones, time_key(cal, rec.modified_us, rec.id), {}); !st) return st;
    state.deleted++;
  } else {
    state.live++;
    if (!rec.occurrences.empty()) {
      state.listed++;
      if (auto st = txn.put(db.event_occurrences, key, encode_occurrences(rec)); !st) return st;
      if (auto st = index_occurrences(txn, db, cal, rec.id, rec.occurrences, false, rec.flags & kRecurring); !st)
        return st;
    }
    if (rec.flags & kTruncated) {
      if (auto st = txn.put(db.event_series, key, i64_value(rec.resume_from)); !st) return st;
      state.series++;
    }
  }
  if (auto st = write_state(txn, db, cal, state); !st) return st;
  if (!batch) return own.apply(txn, db);
  return {};
}

Result<std::size_t> purge_tombstones(Txn& txn, const Databases& db, std::string_view cal, std::int64_t cutoff_us) {
  const std::string prefix = cal_prefix(cal);
  std::vector<std::pair<std::int64_t, std::string>> expired;
  auto scan = for_each_with_prefix(txn, db.event_tombstones, prefix, [&](const Entry& e) {
    std::string_view rest = e.key.substr(prefix.size());
    auto when = keys::take_i64(rest);
    auto id = keys::take_name(rest);
    if (!when || !id || *when >= cutoff_us) return false;
    expired.emplace_back(*when, std::string(*id));
    return true;
  });
  if (!scan) return scan.error();
  if (expired.empty()) return std::size_t{0};
  CalendarState state;
  auto s = read_state(txn, db, cal);
  if (!s) return s.error();
  if (s.value()) state = **s;
  for (const auto& [when, id] : expired) {
    std::string tk = time_key(cal, when, id);
    if (auto d = txn.del(db.event_tombstones, tk); !d) return d.error();
    if (auto d = txn.del(db.event_modified, tk); !d) return d.error();
    if (auto d = txn.del(db.events, event_key(cal, id)); !d) return d.error();
    if (auto d = txn.del(db.event_details, event_key(cal, id)); !d) return d.error();
    if (auto st = forget_number(txn, db, cal, id); !st) return st.error();
    state.deleted -= state.deleted > 0 ? 1 : 0;
  }
  if (auto st = write_state(txn, db, cal, state); !st) return st.error();
  return expired.size();
}

Result<std::optional<CalendarState>> read_state(const Txn& txn, const Databases& db, std::string_view cal) {
  auto value = txn.get(db.calendar_state, cal_prefix(cal));
  if (!value) return value.error();
  if (!value.value()) return std::optional<CalendarState>{};
  CalendarState s;
  if (!decode_state(**value, s)) return damaged("state", cal);
  return std::optional<CalendarState>{s};
}

Status touch_state(Txn& txn, const Databases& db, std::string_view cal, std::int64_t now_us) {
  CalendarState s;
  auto old = read_state(txn, db, cal);
  if (!old) return old.error();
  if (old.value()) s = **old;
  s.version++;
  s.modified_us = std::max(now_us, s.modified_us + 1);
  // HTTP dates have whole seconds: two different states never share one,
  // so If-Modified-Since cannot mistake one for the other.
  s.http_modified = std::max(now_us / 1000000, s.http_modified + 1);
  return write_state(txn, db, cal, s);
}

Status for_each(const Txn& txn, const Databases& db, std::string_view cal,
                const std::function<bool(const EventView&)>& fn) {
  const std::string prefix = cal_prefix(cal);
  bool bad = false;
  std::optional<Error> failure;
  auto st = for_each_with_prefix(txn, db.events, prefix, [&](const Entry& e) {
    std::string_view rest = e.key.substr(prefix.size());
    auto id = keys::take_name(rest);
    EventView v;
    if (!id || !decode(*id, e.value, v)) {
      bad = true;
      return false;
    }
    if (auto attached = attach(txn, db, cal, v); !attached) {
      failure = attached.error();
      return false;
    }
    return fn(v);
  });
  if (!st) return st;
  if (bad) return damaged("events", cal);
  if (failure) return *failure;
  return {};
}

Status for_each_modified_since(const Txn& txn, const Databases& db, std::string_view cal, std::int64_t since_us,
                               const std::function<bool(const EventView&)>& fn) {
  const std::string prefix = cal_prefix(cal);
  auto cursor = Cursor::open(txn, db.event_modified);
  if (!cursor) return cursor.error();
  std::string from = prefix;
  keys::append_i64(from, since_us);
  for (auto pos = cursor->seek(from);; pos = cursor->next()) {
    if (!pos) return pos.error();
    if (!pos.value() || !pos.value()->key.starts_with(prefix)) return {};
    std::string_view rest = pos.value()->key.substr(prefix.size());
    auto when = keys::take_i64(rest);
    auto id = keys::take_name(rest);
    if (!when || !id) return damaged("modification index", cal);
    auto ev = get(txn, db, cal, *id);
    if (!ev) return ev.error();
    if (!ev.value()) continue;  // cannot happen: the index follows the records
    if (!fn(**ev)) return {};
  }
}

Status put_definition(Txn& txn, const Databases& db, std::string_view cal, std::string_view text) {
  return txn.put(db.calendar_defs, cal, text);
}

Result<std::optional<std::string>> get_definition(const Txn& txn, const Databases& db, std::string_view cal) {
  auto value = txn.get(db.calendar_defs, cal);
  if (!value) return value.error();
  if (!value.value()) return std::optional<std::string>{};
  return std::optional<std::string>{std::string(**value)};
}

Result<std::vector<std::string>> list_definitions(const Txn& txn, const Databases& db) {
  std::vector<std::string> names;
  auto st = for_each_with_prefix(txn, db.calendar_defs, "", [&](const Entry& e) {
    names.emplace_back(e.key);
    return true;
  });
  if (!st) return st.error();
  return names;
}

}  // namespace events

}  // namespace civic::storage
