// The bytes of an event's two records (storage/event_store.hpp): encoding,
// decoding, the view's reads of its renditions, packing with the
// calendar's dictionary.
#include "storage/event_store.hpp"

#include <algorithm>

#include "common/hash.hpp"
#include "storage/event_keys.hpp"
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

std::optional<std::vector<events::NameEntry>> EventView::name_keys() const {
  std::vector<events::NameEntry> out;
  bool ok = walk_directory(directory, texts, [&](const DirectoryEntry& e) {
    if (e.kind == RenditionKind::name_key) out.push_back({std::string(e.lang), e.signature, std::string(e.text)});
    return true;
  });
  if (!ok) return std::nullopt;
  std::sort(out.begin(), out.end());
  return out;
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

}  // namespace events

}  // namespace civic::storage
