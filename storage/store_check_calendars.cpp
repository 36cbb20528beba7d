// `civicctl verify`, the calendars half: every event record has the index
// entries it needs, every index entry names an event that needs it, and the
// counts kept in calendar_state hold.
#include <map>
#include <set>
#include <tuple>

#include "storage/event_dictionaries.hpp"
#include "storage/event_keys.hpp"
#include "storage/event_store.hpp"
#include "storage/record_codec.hpp"
#include "storage/store_check_walk.hpp"

namespace civic::storage::check {

namespace {

using event_keys::event_key;
using event_keys::long_key;
using event_keys::time_key;
using event_keys::week_of;

// An index entry's key: cal\0 t id\0 [tail].
struct TimeKey {
  std::string_view cal, id;
  std::int64_t t = 0;
  std::string_view tail;
};

std::optional<TimeKey> parse_time_key(std::string_view key) {
  TimeKey k;
  auto cal = keys::take_name(key);
  auto t = keys::take_i64(key);
  auto id = keys::take_name(key);
  if (!cal || !t || !id) return std::nullopt;
  k.cal = *cal;
  k.t = *t;
  k.id = *id;
  k.tail = key;
  return k;
}

struct CalendarCounts {
  std::uint64_t live = 0, deleted = 0, series = 0;
  std::uint64_t occurrences = 0, long_entries = 0, with_occurrences = 0;  // what the events need
  std::uint64_t time_entries = 0, long_seen = 0, modified = 0, tombstones = 0, series_seen = 0,
                occurrence_records = 0;  // what the indexes hold
};

class CalendarsCheck {
 public:
  explicit CalendarsCheck(Walk& walk) : w_(walk) {}

  Status run() {
    for (auto part : {&CalendarsCheck::records, &CalendarsCheck::time_indexes, &CalendarsCheck::long_index,
                      &CalendarsCheck::id_indexes, &CalendarsCheck::definitions})
      if (auto st = (this->*part)(); !st) return st;
    compare_counts();
    return {};
  }

 private:
  // ---- the records, and the entries each needs

  Status records() {
    return w_.each(w_.db.events, [&](const Entry& e) -> Status {
      std::string_view key = e.key;
      auto cal = keys::take_name(key);
      auto id = keys::take_name(key);
      if (!cal || !id || !key.empty()) {
        w_.problem("events: malformed key " + printable(e.key));
        return {};
      }
      w_.count_event();
      std::string where = "events: " + std::string(*cal) + " " + printable(*id) + ": ";
      EventView v;
      if (!events::decode(*id, e.value, v)) {
        w_.problem(where + "the record does not decode");
        return {};
      }
      if (!events::intact(e.value)) w_.problem(where + "its bytes are damaged (the checksum does not hold)");
      // A packed record: its dictionary is there, and every text unpacks.
      if (v.packed() && dictionaries_seen_.insert({std::string(*cal), v.packed_with.seq, v.packed_with.hash}).second) {
        if (auto st = event_dictionaries::check_stored(w_.txn, w_.db, *cal, v.packed_with); !st)
          w_.problem(where + st.error().message());
      }
      // (Its index entries are checked all the same.)
      if (auto attached = events::attach(w_.txn, w_.db, *cal, v); !attached)
        w_.problem(where + attached.error().message());
      else if (!v.details())
        w_.problem(where + "its event_details record is missing or does not decode");
      else if (auto raw = w_.txn.get(w_.db.event_details, e.key); !raw || !raw.value() || !events::intact(**raw))
        w_.problem(where + "the bytes of its event_details record are damaged (the checksum does not hold)");
      else if (!events::record_of(v))
        w_.problem(where + "a packed text does not unpack with its dictionary");
      return record(*cal, *id, v, where, calendars_[std::string(*cal)]);
    });
  }

  Status record(std::string_view cal, std::string_view id, const EventView& v, const std::string& where,
                CalendarCounts& c) {
    if (auto st = expect(w_.db.event_modified, time_key(cal, v.modified_us, id), where + "has no event_modified entry"); !st)
      return st;
    if (v.deleted()) {
      c.deleted++;
      return expect(w_.db.event_tombstones, time_key(cal, v.modified_us, id),
                    where + "is deleted but has no event_tombstones entry");
    }
    c.live++;
    if (v.flags & kTruncated) {
      c.series++;
      if (auto st = expect(w_.db.event_series, event_key(cal, id),
                           where + "is a series materialized in part but has no event_series entry");
          !st)
        return st;
    }
    auto occ = w_.txn.get(w_.db.event_occurrences, event_key(cal, id));
    if (!occ) return occ.error();
    if (!occ.value()) return {};
    c.with_occurrences++;
    return occurrences(cal, id, **occ, where, c);
  }

  // event_occurrences: u32 count, then (start i64, end i64) each
  // (storage/event_store.cpp encode_occurrences); each is in event_time, and
  // a long one in event_long for every week it spans.
  Status occurrences(std::string_view cal, std::string_view id, std::string_view value, const std::string& where,
                     CalendarCounts& c) {
    RecordReader r(value);
    std::uint32_t n = r.u32();
    if (!r.ok() || r.rest().size() != std::size_t{n} * 16) {
      w_.problem(where + "its event_occurrences record is malformed");
      return {};
    }
    for (std::uint32_t i = 0; i < n; ++i) {
      std::int64_t start = r.i64(), end = r.i64();
      c.occurrences++;
      auto t = w_.txn.get(w_.db.event_time, time_key(cal, start, id));
      if (!t) return t.error();
      std::string_view tv = t.value().value_or(std::string_view());
      auto indexed_end = keys::take_i64(tv);
      if (!t.value() || !indexed_end || *indexed_end != end)
        w_.problem(where + "occurrence at " + std::to_string(start) + " is missing from event_time");
      if (end - start <= kShortSpan) continue;
      for (std::int64_t week = week_of(start), last = week_of(end - 1); week <= last; ++week) {
        c.long_entries++;
        if (auto st = expect(w_.db.event_long, long_key(cal, week, id, start),
                             where + "long occurrence at " + std::to_string(start) + " is missing from event_long");
            !st)
          return st;
      }
    }
    return {};
  }

  // Notes `missing` unless `key` is in `d`.
  Status expect(Db d, std::string_view key, const std::string& missing) {
    auto found = w_.exists(d, key);
    if (!found) return found.error();
    if (!*found) w_.problem(missing);
    return {};
  }

  // ---- the indexes: every entry names an event that needs it

  // The event an index entry names; nullopt (and a problem) if it is missing.
  Result<std::optional<EventView>> event_for(std::string_view db_name, std::string_view cal, std::string_view id,
                                             std::string_view entry) {
    auto ev = events::get(w_.txn, w_.db, cal, id);
    if (!ev) {
      w_.problem(std::string(db_name) + ": " + printable(entry) + ": " + ev.error().message());
      return std::optional<EventView>{};
    }
    if (!ev.value()) w_.problem(std::string(db_name) + ": " + printable(entry) + " names no event");
    return ev;
  }

  template <class Check>
  Status time_index(Db d, const char* name, Check&& check) {
    return w_.each(d, [&](const Entry& e) -> Status {
      auto k = parse_time_key(e.key);
      if (!k) {
        w_.problem(std::string(name) + ": malformed key " + printable(e.key));
        return {};
      }
      auto ev = event_for(name, k->cal, k->id, e.key);
      if (!ev) return ev.error();
      if (ev.value()) check(*k, **ev, calendars_[std::string(k->cal)], printable(e.key));
      return {};
    });
  }

  Status time_indexes() {
    auto st = time_index(w_.db.event_time, "event_time",
                         [&](const TimeKey& k, const EventView& v, CalendarCounts& c, const std::string& key) {
                           c.time_entries++;
                           if (v.deleted()) w_.problem("event_time: " + key + " names a deleted event");
                           if (!k.tail.empty()) w_.problem("event_time: malformed key " + key);
                         });
    if (!st) return st;
    st = time_index(w_.db.event_modified, "event_modified",
                    [&](const TimeKey& k, const EventView& v, CalendarCounts& c, const std::string& key) {
                      c.modified++;
                      if (v.modified_us != k.t)
                        w_.problem("event_modified: " + key + " is not the event's modification time");
                    });
    if (!st) return st;
    return time_index(w_.db.event_tombstones, "event_tombstones",
                      [&](const TimeKey& k, const EventView& v, CalendarCounts& c, const std::string& key) {
                        c.tombstones++;
                        if (!v.deleted() || v.modified_us != k.t)
                          w_.problem("event_tombstones: " + key + " does not match a deleted event");
                      });
  }

  // event_long: cal week id start.
  Status long_index() {
    return w_.each(w_.db.event_long, [&](const Entry& e) -> Status {
      auto k = parse_time_key(e.key);
      std::string_view tail = k ? k->tail : std::string_view();
      if (!k || !keys::take_i64(tail) || !tail.empty()) {
        w_.problem("event_long: malformed key " + printable(e.key));
        return {};
      }
      auto ev = event_for("event_long", k->cal, k->id, e.key);
      if (!ev) return ev.error();
      calendars_[std::string(k->cal)].long_seen++;
      return {};
    });
  }

  // event_series and event_occurrences: cal id.
  Status id_indexes() {
    for (auto [d, name] : {std::pair{w_.db.event_series, "event_series"},
                           std::pair{w_.db.event_occurrences, "event_occurrences"}}) {
      bool series = d.dbi == w_.db.event_series.dbi;
      auto st = w_.each(d, [&, name = name](const Entry& e) -> Status {
        std::string_view key = e.key;
        auto cal = keys::take_name(key);
        auto id = keys::take_name(key);
        if (!cal || !id || !key.empty()) {
          w_.problem(std::string(name) + ": malformed key " + printable(e.key));
          return {};
        }
        auto ev = event_for(name, *cal, *id, e.key);
        if (!ev) return ev.error();
        CalendarCounts& c = calendars_[std::string(*cal)];
        (series ? c.series_seen : c.occurrence_records)++;
        if (ev.value() && ev.value()->deleted())
          w_.problem(std::string(name) + ": " + printable(e.key) + " names a deleted event");
        return {};
      });
      if (!st) return st;
    }
    return {};
  }

  Status definitions() {
    return w_.each(w_.db.calendar_defs, [&](const Entry& e) -> Status {
      if (e.value.size() < 8) w_.problem("calendar_defs: " + printable(e.key) + ": malformed value");
      return {};
    });
  }

  // ---- counts: nothing left over, the state records right

  void compare_counts() {
    for (const auto& [cal, c] : calendars_) {
      std::string where = "calendar \"" + cal + "\": ";
      auto count = [&](std::uint64_t have, std::uint64_t need, const char* what) {
        if (have != need)
          w_.problem(where + std::to_string(have) + " " + what + " entries where the events need " +
                     std::to_string(need));
      };
      count(c.time_entries, c.occurrences, "event_time");
      count(c.long_seen, c.long_entries, "event_long");
      count(c.modified, c.live + c.deleted, "event_modified");
      count(c.tombstones, c.deleted, "event_tombstones");
      count(c.series_seen, c.series, "event_series");
      count(c.occurrence_records, c.with_occurrences, "event_occurrences");
      compare_state(cal, c, where);
    }
  }

  void compare_state(const std::string& cal, const CalendarCounts& c, const std::string& where) {
    auto state = events::read_state(w_.txn, w_.db, cal);
    if (!state) {
      w_.problem(where + state.error().message());
      return;
    }
    if (!state.value()) {
      if (c.live + c.deleted > 0) w_.problem(where + "has events but no calendar_state record");
      return;
    }
    const CalendarState& s = **state;
    if (s.live != c.live || s.deleted != c.deleted || s.series != c.series)
      w_.problem(where + "calendar_state counts " + std::to_string(s.live) + " live, " + std::to_string(s.deleted) +
                 " deleted, " + std::to_string(s.series) + " partial series; the store holds " +
                 std::to_string(c.live) + ", " + std::to_string(c.deleted) + ", " + std::to_string(c.series));
    if (s.listed != c.with_occurrences)
      w_.problem(where + "calendar_state counts " + std::to_string(s.listed) +
                 " events with occurrences; the store holds " + std::to_string(c.with_occurrences));
  }

  Walk& w_;
  std::map<std::string, CalendarCounts> calendars_;
  std::set<std::tuple<std::string, std::uint32_t, std::uint64_t>> dictionaries_seen_;  // checked once each
};

}  // namespace

Status check_calendars(Walk& walk) { return CalendarsCheck(walk).run(); }

}  // namespace civic::storage::check
