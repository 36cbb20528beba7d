// Events in LMDB: one record per (calendar, id) with what a feed copies
// (the VEVENT text per language, rendered when the event was stored), the
// facts the filters test, and the event itself as JSON; and the indexes the
// queries need.
//
//   events            cal id                 -> EventRecord (below): what a feed reads
//   event_details     cal id                 -> the rest of it (EventDetails, below)
//   event_time        cal start id           -> end flags  every materialized occurrence;
//                                                           flags: OccurrenceFlags
//   event_long        cal week id start      -> end flags  occurrences longer than kShortSpan,
//                                                           under every week they touch
//   event_occurrences cal id                 -> the occurrences indexed for the event
//   event_modified    cal modified_us id     -> ""         for sync (tombstones included)
//   event_series      cal id                 -> resume_from series that go on past what was
//                                                           materialized
//   event_tombstones  cal deleted_us id      -> ""         deleted events, oldest first
//   calendar_state    cal                    -> CalendarState
//   calendar_defs     cal                    -> the calendar's definition (for civicctl)
//   event_numbers     cal id                 -> u32    the event's number, and back
//   event_ids         cal number             -> id     (storage/event_numbers.hpp)
//   event_words       cal word \0 ...        -> the word index of text= (storage/event_words.hpp)
//   event_names       cal lang \0 ...        -> the name index of sort=name (storage/event_names.hpp)
//
// An overlap query [qs, qe) reads event_time from qs - kShortSpan to qe,
// event_long for the weeks of [qs, qe), and the series of event_series that
// were materialized only up to before qe; so a one-week window reads about a
// week and a bit of the index, however long the exhibitions in the store.
//
// The JSON list walks event_time (first occurrences: by start) and
// event_modified in order; see storage/event_index.hpp.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/lmdb.hpp"
#include "common/result.hpp"
#include "storage/event_dictionaries.hpp"
#include "storage/event_names.hpp"
#include "storage/text_index_changes.hpp"
#include "storage/store.hpp"

namespace civic::storage {

// An occurrence longer than this goes to event_long as well.
inline constexpr std::int64_t kShortSpan = 2 * 86400;
inline constexpr std::int64_t kWeek = 7 * 86400;

// What a stored rendition is; all are rendered when the event is written:
//   vevent    the VEVENT text, per language
//   json      the event's JSON object (every language), as a template whose
//             request-specific parts (the "@id" base, an occurrence's times)
//             are spliced in at read time: ical/event_json_template.hpp
//   jcal      the VEVENT as jCal (RFC 7265), per language
//   xcal      the VEVENT as xCal (RFC 6321), per language
//   name_key  the ICU collation key of the name, per language (sort=name)
enum class RenditionKind : std::uint8_t { vevent = 1, json = 2, jcal = 3, xcal = 4, name_key = 5 };

struct Rendition {
  RenditionKind kind = RenditionKind::vevent;
  std::string lang;
  std::uint64_t signature = 0;  // how it was rendered (see calendar::render_signature)
  std::string text;
};

struct OccurrenceSpan {
  std::int64_t start = 0;  // UTC seconds
  std::int64_t end = 0;    // exclusive
};

// What the filters test, kept apart from the JSON so that no JSON is parsed
// while a feed is built.
struct EventFacts {
  std::uint8_t status = 0;   // calendar::EventStatus
  std::uint8_t is_free = 0;  // 0: no offer says, 1: an offer is free, 2: offers, none free
  std::string location_id;
  std::string keywords;      // "\nmusic\nculture\n": a keyword k matches "\nk\n"
  std::string search_text;   // case-folded names, descriptions and place names, all languages
};

enum EventFlags : std::uint8_t { kDeleted = 1, kRecurring = 2, kAllDay = 4, kTruncated = 8, kUmbrella = 16 };

// The flags byte of an event_time and event_long value.
enum OccurrenceFlags : std::uint8_t { kFirstOccurrence = 1, kSeriesOccurrence = 2 };

// What one event write puts into the store.
struct EventRecord {
  std::string id;
  std::uint8_t flags = 0;
  std::uint32_t sequence = 0;
  std::int64_t created_us = 0;
  std::int64_t modified_us = 0;
  std::int64_t first_start = 0;
  std::int64_t first_end = 0;  // the end of the first occurrence
  std::int64_t last_end = 0;   // INT64_MAX: open-ended
  std::string tzid;            // the zone the VEVENTs name ("" if none)
  std::string zone;            // the event's own zone (an occurrence's local times)
  // A tombstone keeps the facts and times of its last version, so that the
  // filters of a sync request (show_deleted) find it as they found the event.
  EventFacts facts;
  std::vector<Rendition> renditions;
  std::string model_json;
  std::vector<OccurrenceSpan> occurrences;  // materialized, sorted by start
  std::int64_t resume_from = 0;             // with kTruncated: where materializing stopped
};

// A stored event read back. Views into the map: valid only inside the
// transaction that read them.
//
// An event is two records. The first (events) holds what a feed reads: the
// facts the filters test, the VEVENT per language, the JSON object and the
// name keys, behind a directory; small enough for several to share a leaf
// page. The second (event_details) holds the rest: the event as JSON (the
// model), the search text, jCal and xCal; read only when asked for. In a
// calendar with a dictionary (storage/event_dictionaries.hpp) the texts of
// both are packed, except the name keys (sort=name compares them as they
// are).
struct EventDetails {
  std::string_view search_text;  // as stored
  std::string_view model_json;   // as stored
  std::string_view directory;
  std::string_view texts;
};

struct EventView {
  std::string_view id;
  std::uint8_t flags = 0;
  std::uint32_t sequence = 0;
  std::int64_t created_us = 0;
  std::int64_t modified_us = 0;
  std::int64_t first_start = 0;
  std::int64_t first_end = 0;
  std::int64_t last_end = 0;
  std::string_view tzid;
  std::string_view zone;
  std::uint8_t status = 0;
  std::uint8_t is_free = 0;
  std::string_view location_id;
  std::string_view keywords;
  DictionaryRef packed_with;                   // {} : the texts are plain
  const TextDictionary* dictionary = nullptr;  // set by attach when packed_with is not empty
  std::string_view directory;                  // the renditions of the first record
  std::string_view texts;                      // their texts, back to back
  // Where the details are (set by attach; get and for_each call it).
  const Txn* txn = nullptr;
  const Databases* db = nullptr;
  std::string_view cal;

  bool deleted() const noexcept { return flags & kDeleted; }
  bool all_day() const noexcept { return flags & kAllDay; }
  bool recurring() const noexcept { return flags & kRecurring; }
  bool umbrella() const noexcept { return flags & kUmbrella; }
  bool packed() const noexcept { return !packed_with.empty(); }
  bool has_keyword(std::string_view k) const;

  // The rendition of `kind` in `lang`, if stored: a view of the map, or
  // unpacked into `keep` (views of earlier ones stay valid).
  std::optional<std::string_view> find_rendition(RenditionKind kind, std::string_view lang, std::uint64_t signature,
                                                 TextArena& keep) const;
  // A rendition of the first record stored plain (the name keys; every
  // text of an unpacked record), as a view of the map.
  std::optional<std::string_view> find_rendition(RenditionKind kind, std::string_view lang,
                                                 std::uint64_t signature) const;
  // The case-folded texts the text filter searches, and the event as JSON:
  // views of the map, or unpacked into `buffer`. nullopt: damaged.
  std::optional<std::string_view> search_text(std::string& buffer) const;
  std::optional<std::string_view> model_json(std::string& buffer) const;
  // The name keys it stores (sort=name), sorted; nullopt: damaged.
  std::optional<std::vector<events::NameEntry>> name_keys() const;
  // The second record, read once; nullptr if it is missing or damaged.
  const EventDetails* details() const;
  // Gives the view its second record, decoded elsewhere (fuzz/, tests).
  void set_details(const EventDetails& d) {
    details_read_ = true;
    details_ = d;
  }

 private:
  mutable bool details_read_ = false;
  mutable std::optional<EventDetails> details_;
};

// The small per-calendar record a revalidation reads (and nothing else).
struct CalendarState {
  std::uint64_t version = 0;       // +1 on every commit that changed the calendar
  std::int64_t modified_us = 0;    // the latest change (write or delete)
  std::int64_t http_modified = 0;  // seconds: rises by at least 1 per change (Last-Modified)
  std::uint64_t live = 0;          // events not deleted
  std::uint64_t deleted = 0;       // tombstones kept
  std::uint64_t series = 0;        // series materialized only in part
  std::uint64_t listed = 0;        // live events with at least one occurrence (what a list without filters counts)
};

// Deleted events are kept this long (for last_modified_since + show_deleted).
inline constexpr std::int64_t kTombstoneMicros = 90ll * 86400 * 1000000;

namespace events {

Result<std::optional<EventView>> get(const Txn& txn, const Databases& db, std::string_view cal, std::string_view id);

// The two records of an event, their texts packed with `with` (none: plain).
struct EncodedEvent {
  std::string first;    // events
  std::string details;  // event_details
  DictionaryRef with;
};

// Writes `record` in place of what (cal, record.id) held, indexes included,
// and updates the calendar's counts (not its version: see touch_state).
// `encoded`, if given, is the record already encoded (outside the write
// lock); used if it was packed with the dictionary the calendar has now.
// `texts`, if given, collects the changes of the word and name indexes for
// the caller to apply before it commits (a batch of writes); else put
// applies them.
Status put(Txn& txn, const Databases& db, std::string_view cal, const EventRecord& record,
           const EncodedEvent* encoded = nullptr, TextIndexChanges* texts = nullptr);

// The word index and name index entries of a live event (`number`: its
// event number), added to `changes`; or, with `remove`, taken away.
void index_texts(std::string_view cal, std::uint32_t number, std::int64_t first_start, std::string_view search_text,
                 const std::vector<NameEntry>& names, bool remove, TextIndexChanges& changes);

// The name keys among a record's renditions, sorted.
std::vector<NameEntry> name_keys_of(const EventRecord& record);

// Removes tombstones deleted before `cutoff_us`; returns how many.
Result<std::size_t> purge_tombstones(Txn& txn, const Databases& db, std::string_view cal, std::int64_t cutoff_us);

Result<std::optional<CalendarState>> read_state(const Txn& txn, const Databases& db, std::string_view cal);
// Marks the calendar changed at `now_us`: version + 1, modification times.
Status touch_state(Txn& txn, const Databases& db, std::string_view cal, std::int64_t now_us);

// Every event of the calendar (tombstones included), by id; fn returns false
// to stop.
Status for_each(const Txn& txn, const Databases& db, std::string_view cal,
                const std::function<bool(const EventView&)>& fn);

// Events modified at or after `since_us`, oldest first.
Status for_each_modified_since(const Txn& txn, const Databases& db, std::string_view cal, std::int64_t since_us,
                               const std::function<bool(const EventView&)>& fn);

// Series whose materialized occurrences stop before `before`: their id and
// where materializing stopped (the caller expands them further).
struct PartialSeries {
  std::string_view id;
  std::int64_t resume_from = 0;
};

Status put_definition(Txn& txn, const Databases& db, std::string_view cal, std::string_view text);
Result<std::optional<std::string>> get_definition(const Txn& txn, const Databases& db, std::string_view cal);
Result<std::vector<std::string>> list_definitions(const Txn& txn, const Databases& db);

// Decodes a stored first record; false if it is damaged. attach then looks
// up its dictionary and tells it where its details are.
bool decode(std::string_view key_id, std::string_view value, EventView& out);
Status attach(const Txn& txn, const Databases& db, std::string_view cal, EventView& view);
// Decodes a stored second record; false if it is damaged.
bool decode_details(std::string_view value, EventDetails& out);
// Whether a record's bytes (either of an event's two) are as written: its
// checksum holds (verify).
bool intact(std::string_view value);
Result<EncodedEvent> encode(const EventRecord& record, const CalendarDictionary& with = {});
// The record a view was read from (texts unpacked); nullopt: damaged.
std::optional<EventRecord> record_of(const EventView& view);
// The calendar's latest dictionary; with none, one trained on up to
// kTrainAt of its records (and `also`), kept as its latest; {} if zstd could
// not train on them (too few, too alike). Records are not packed with it.
Result<CalendarDictionary> train(Txn& txn, const Databases& db, std::string_view cal, const EventRecord* also = nullptr);
// Packs the plain records of `cal` with `with`: all of them, or up to
// `limit` from after the id `after` (then `after` becomes the last one
// packed, empty when none is left). Returns how many it packed.
Result<std::size_t> pack_records(Txn& txn, const Databases& db, std::string_view cal, const CalendarDictionary& with,
                                 std::string& after, std::size_t limit);

}  // namespace events

}  // namespace civic::storage
