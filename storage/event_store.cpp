#include "storage/event_store.hpp"

#include <algorithm>
#include <limits>

#include "common/hash.hpp"
#include "storage/event_index.hpp"
#include "storage/event_keys.hpp"
#include "storage/keys.hpp"
#include "storage/record_codec.hpp"

namespace civic::storage {

using namespace event_keys;

namespace {

// Format 2 (schema 1) kept every text plain with a directory of fixed-size
// entries; storage/store_upgrade.cpp reads it. Format 3: a checksum of the
// rest (verify checks it: zstd frames carry none), the texts packed when the
// calendar has a dictionary, a directory of entries
//   kind u8, language length u8, language, text length u32, signature u32
// (the low half of the rendition's signature).
constexpr std::uint8_t kRecordFormat = 3;
constexpr std::size_t kMaxRenditionLang = 255;
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

bool EventView::has_keyword(std::string_view k) const {
  if (k.empty()) return false;
  std::size_t pos = 0;
  while ((pos = keywords.find(k, pos)) != std::string_view::npos) {
    if (pos > 0 && keywords[pos - 1] == '\n' && pos + k.size() < keywords.size() && keywords[pos + k.size()] == '\n')
      return true;
    ++pos;
  }
  return false;
}

namespace {

// The directory entry of a rendition, walked in order.
struct DirectoryEntry {
  RenditionKind kind;
  std::string_view lang;
  std::uint32_t signature = 0;
  std::string_view text;  // as stored
};

template <typename Fn>
bool walk_directory(std::string_view directory, std::string_view texts, Fn&& fn) {
  RecordReader r(directory);
  std::size_t offset = 0;
  while (!r.at_end()) {
    DirectoryEntry e;
    e.kind = static_cast<RenditionKind>(r.u8());
    e.lang = r.bytes(r.u8());
    std::uint32_t length = r.u32();
    e.signature = r.u32();
    if (!r.ok() || length > texts.size() - offset) return false;
    e.text = texts.substr(offset, length);
    offset += length;
    if (!fn(e)) return true;
  }
  return offset == texts.size();
}

std::optional<std::string_view> find_in(std::string_view directory, std::string_view texts, RenditionKind kind,
                                        std::string_view lang, std::uint64_t signature) {
  std::optional<std::string_view> found;
  walk_directory(directory, texts, [&](const DirectoryEntry& e) {
    if (e.kind != kind || e.lang != lang || e.signature != static_cast<std::uint32_t>(signature)) return true;
    found = e.text;
    return false;
  });
  return found;
}

std::uint32_t checksum(std::string_view bytes) { return static_cast<std::uint32_t>(fnv1a64(bytes)); }

// Name keys are compared as stored; every other text is packed in a packed
// record.
bool packs(RenditionKind kind) { return kind != RenditionKind::name_key; }
// jCal and xCal are read far less than the VEVENT and the JSON: in the
// details, so that the first record stays small.
bool in_details(RenditionKind kind) { return kind == RenditionKind::jcal || kind == RenditionKind::xcal; }

std::optional<std::string_view> unpacked(const EventView& v, std::string_view stored, std::string& buffer) {
  if (!v.packed()) return stored;
  if (!v.dictionary) return std::nullopt;
  buffer.clear();
  if (!v.dictionary->unpack(stored, buffer)) return std::nullopt;
  return std::string_view(buffer);
}

// Both records start with a format byte and a checksum of the rest.
constexpr std::uint8_t kDetailsFormat = 1;

void seal(std::string& value) {
  std::uint32_t sum = checksum(std::string_view(value).substr(5));
  for (int i = 0; i < 4; ++i) value[1 + i] = static_cast<char>(sum >> (24 - 8 * i));
}

bool read_details(std::string_view value, EventDetails& d) {
  RecordReader r(value);
  if (r.u8() != kDetailsFormat) return false;
  r.u32();
  std::uint32_t search_len = r.u32();
  std::uint32_t model_len = r.u32();
  std::uint32_t directory_len = r.u32();
  d.directory = r.bytes(directory_len);
  d.search_text = r.bytes(search_len);
  d.model_json = r.bytes(model_len);
  if (!r.ok()) return false;
  d.texts = r.rest();
  return walk_directory(d.directory, d.texts, [](const DirectoryEntry&) { return true; });
}

}  // namespace

const EventDetails* EventView::details() const {
  if (!details_read_) {
    details_read_ = true;
    if (!txn || !db) return nullptr;
    auto value = txn->get(db->event_details, event_key(cal, id));
    EventDetails d;
    if (value && value.value() && read_details(**value, d)) details_ = d;
  }
  return details_ ? &*details_ : nullptr;
}

std::optional<std::string_view> EventView::find_rendition(RenditionKind kind, std::string_view lang,
                                                          std::uint64_t signature) const {
  if ((packed() && packs(kind)) || in_details(kind)) return std::nullopt;
  return find_in(directory, texts, kind, lang, signature);
}

std::optional<std::string_view> EventView::find_rendition(RenditionKind kind, std::string_view lang,
                                                          std::uint64_t signature, TextArena& keep) const {
  std::optional<std::string_view> stored;
  if (in_details(kind)) {
    const EventDetails* d = details();
    if (!d) return std::nullopt;
    stored = find_in(d->directory, d->texts, kind, lang, signature);
  } else {
    stored = find_in(directory, texts, kind, lang, signature);
  }
  if (!stored || !packed() || !packs(kind)) return stored;
  if (!dictionary) return std::nullopt;
  return dictionary->unpack(*stored, keep);
}

std::optional<std::string_view> EventView::search_text(std::string& buffer) const {
  const EventDetails* d = details();
  if (!d) return std::nullopt;
  return unpacked(*this, d->search_text, buffer);
}

std::optional<std::string_view> EventView::model_json(std::string& buffer) const {
  const EventDetails* d = details();
  if (!d) return std::nullopt;
  return unpacked(*this, d->model_json, buffer);
}

namespace events {

Result<EncodedEvent> encode(const EventRecord& rec, const CalendarDictionary& with) {
  const TextDictionary* dictionary = with.ref.empty() ? nullptr : with.dictionary;
  if (!with.ref.empty() && !dictionary)
    return Error(Error::kInvalid, "store event " + rec.id, "its calendar's dictionary is not loaded");
  auto pack = [&](std::string_view text, bool packable) -> Result<std::string> {
    if (!dictionary || !packable) return std::string(text);
    return dictionary->pack(text);
  };
  // Languages longer than a directory entry allows are not stored (a feed
  // in such a language renders the event when read).
  RecordWriter directory, details_directory;
  std::string texts, details_texts;
  for (const auto& r : rec.renditions) {
    if (r.lang.size() > kMaxRenditionLang) continue;
    auto text = pack(r.text, packs(r.kind));
    if (!text) return text.error();
    RecordWriter& d = in_details(r.kind) ? details_directory : directory;
    d.u8(static_cast<std::uint8_t>(r.kind));
    d.u8(static_cast<std::uint8_t>(r.lang.size()));
    d.data().append(r.lang);
    d.u32(static_cast<std::uint32_t>(text->size()));
    d.u32(static_cast<std::uint32_t>(r.signature));
    (in_details(r.kind) ? details_texts : texts).append(*text);
  }
  auto search = pack(rec.facts.search_text, true);
  if (!search) return search.error();
  auto model = pack(rec.model_json, true);
  if (!model) return model.error();

  RecordWriter w;
  w.u8(kRecordFormat);
  w.u32(0);  // the checksum: seal()
  w.u8(rec.flags);
  w.u8(rec.facts.status);
  w.u8(rec.facts.is_free);
  w.u32(rec.sequence);
  w.i64(rec.created_us);
  w.i64(rec.modified_us);
  w.i64(rec.first_start);
  w.i64(rec.first_end);
  w.i64(rec.last_end);
  w.u32(dictionary ? with.ref.seq : 0);
  w.u64(dictionary ? with.ref.hash : 0);
  w.u16(static_cast<std::uint16_t>(rec.tzid.size()));
  w.u16(static_cast<std::uint16_t>(rec.facts.location_id.size()));
  w.u16(static_cast<std::uint16_t>(rec.zone.size()));
  w.u32(static_cast<std::uint32_t>(rec.facts.keywords.size()));
  w.u32(static_cast<std::uint32_t>(directory.data().size()));
  w.data().append(directory.data());
  w.data().append(rec.tzid);
  w.data().append(rec.zone);
  w.data().append(rec.facts.location_id);
  w.data().append(rec.facts.keywords);
  w.data().append(texts);

  RecordWriter d;
  d.u8(kDetailsFormat);
  d.u32(0);
  d.u32(static_cast<std::uint32_t>(search->size()));
  d.u32(static_cast<std::uint32_t>(model->size()));
  d.u32(static_cast<std::uint32_t>(details_directory.data().size()));
  d.data().append(details_directory.data());
  d.data().append(*search);
  d.data().append(*model);
  d.data().append(details_texts);

  EncodedEvent out{w.take(), d.take(), dictionary ? with.ref : DictionaryRef{}};
  seal(out.first);
  seal(out.details);
  return out;
}

bool decode(std::string_view id, std::string_view value, EventView& v) {
  RecordReader r(value);
  if (r.u8() != kRecordFormat) return false;
  r.u32();  // the checksum: see intact()
  v = EventView{};
  v.id = id;
  v.flags = r.u8();
  v.status = r.u8();
  v.is_free = r.u8();
  v.sequence = r.u32();
  v.created_us = r.i64();
  v.modified_us = r.i64();
  v.first_start = r.i64();
  v.first_end = r.i64();
  v.last_end = r.i64();
  v.packed_with.seq = r.u32();
  v.packed_with.hash = r.u64();
  std::uint16_t tzid_len = r.u16();
  std::uint16_t location_len = r.u16();
  std::uint16_t zone_len = r.u16();
  std::uint32_t keywords_len = r.u32();
  std::uint32_t directory_len = r.u32();
  v.directory = r.bytes(directory_len);
  v.tzid = r.bytes(tzid_len);
  v.zone = r.bytes(zone_len);
  v.location_id = r.bytes(location_len);
  v.keywords = r.bytes(keywords_len);
  if (!r.ok()) return false;
  v.texts = r.rest();
  // The directory must describe the texts exactly.
  return walk_directory(v.directory, v.texts, [](const DirectoryEntry&) { return true; });
}

bool intact(std::string_view value) {
  RecordReader r(value);
  r.u8();
  std::uint32_t sum = r.u32();
  return r.ok() && sum == checksum(r.rest());
}

bool decode_details(std::string_view value, EventDetails& out) { return read_details(value, out); }

Status attach(const Txn& txn, const Databases& db, std::string_view cal, EventView& v) {
  v.txn = &txn;
  v.db = &db;
  v.cal = cal;
  if (!v.packed()) return {};
  auto dictionary = event_dictionaries::find(txn, db, cal, v.packed_with);
  if (!dictionary) return dictionary.error();
  v.dictionary = *dictionary;
  return {};
}

std::optional<EventRecord> record_of(const EventView& v) {
  EventRecord rec;
  rec.id = std::string(v.id);
  rec.flags = v.flags;
  rec.sequence = v.sequence;
  rec.created_us = v.created_us;
  rec.modified_us = v.modified_us;
  rec.first_start = v.first_start;
  rec.first_end = v.first_end;
  rec.last_end = v.last_end;
  rec.tzid = std::string(v.tzid);
  rec.zone = std::string(v.zone);
  rec.facts.status = v.status;
  rec.facts.is_free = v.is_free;
  rec.facts.location_id = std::string(v.location_id);
  rec.facts.keywords = std::string(v.keywords);
  const EventDetails* details = v.details();
  if (!details) return std::nullopt;
  std::string buffer;
  auto search = unpacked(v, details->search_text, buffer);
  if (!search) return std::nullopt;
  rec.facts.search_text = std::string(*search);
  auto model = unpacked(v, details->model_json, buffer);
  if (!model) return std::nullopt;
  rec.model_json = std::string(*model);
  bool damaged_text = false;
  auto add = [&](const DirectoryEntry& e) {
    auto text = packs(e.kind) ? unpacked(v, e.text, buffer) : std::optional<std::string_view>(e.text);
    if (!text) {
      damaged_text = true;
      return false;
    }
    rec.renditions.push_back(Rendition{e.kind, std::string(e.lang), e.signature, std::string(*text)});
    return true;
  };
  if (!walk_directory(v.directory, v.texts, add) || damaged_text) return std::nullopt;
  if (!walk_directory(details->directory, details->texts, add) || damaged_text) return std::nullopt;
  return rec;
}

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
    if (packs(r.kind)) samples.push_back(r.text);
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

Status put(Txn& txn, const Databases& db, std::string_view cal, const EventRecord& rec,
           const EncodedEvent* ready) {
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
  {
    auto old = get(txn, db, cal, rec.id);
    if (!old) return old.error();
    if (old.value()) {
      old_flags = old.value()->flags;
      old_modified = old.value()->modified_us;
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
  return write_state(txn, db, cal, state);
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
