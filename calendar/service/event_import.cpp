#include "calendar/service/event_import.hpp"

#include <algorithm>
#include <map>
#include <string>
#include <unordered_set>
#include <vector>

#include "calendar/formats/event_json.hpp"
#include "calendar/formats/ics_reader.hpp"
#include "calendar/formats/ics_stream.hpp"
#include "calendar/formats/json_array_stream.hpp"
#include "calendar/service/calendar_writer.hpp"
#include "calendar/service/read_ahead.hpp"
#include "calendar/stored/event_record.hpp"
#include "storage/event_store.hpp"

namespace civic::calendar {

namespace {

// A set of ids looked up by view.
struct IdHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view id) const noexcept { return std::hash<std::string_view>{}(id); }
};
using IdSet = std::unordered_set<std::string, IdHash, std::equal_to<>>;

// An id given twice, named as the format names it.
FieldError duplicate_id(std::string_view id, std::size_t at, ImportFormat format) {
  FieldError e;
  bool ics = format == ImportFormat::ics;
  e.field = ics ? "UID" : "[" + std::to_string(at) + "].id";
  e.component = ics ? "VEVENT" : "";
  e.message = "the id " + std::string(id) + " is given twice";
  return e;
}

// The first pass: every event read and checked, the ids kept to find one
// given twice (an id is at most 255 bytes: 1,000,000 of them fit in memory
// where their events would not).
std::optional<FieldError> check_all(EventStream& events, ImportFormat format, IdSet& ids) {
  Event e;
  FieldError error;
  for (std::size_t at = 0;; ++at) {
    switch (events.next(e, error)) {
      case StreamStep::end: return std::nullopt;
      case StreamStep::refused: return error;
      case StreamStep::event:
        if (!ids.insert(e.id).second) return duplicate_id(e.id, at, format);
        break;
    }
  }
}

// Changed occurrences whose series is not in the file but stored: the
// series is written again with an EXDATE for each, and each becomes its own
// event, as if the file had held the series.
std::optional<ImportOutcome> join_stored_series(storage::Store& store, const CalendarConfig& calendar,
                                                std::vector<ChangedOccurrence>& apart, std::vector<Event>& events,
                                                std::vector<std::string>& joined) {
  std::map<std::string, std::size_t> series_at;  // id -> index in events of the series read from the store
  auto txn = storage::Txn::begin_read(store.env());
  if (!txn) return ImportOutcome(txn.error());
  for (ChangedOccurrence& c : apart) {
    auto refuse = [&](std::string field, std::string message) {
      FieldError e{std::move(field), std::move(message)};
      e.component = "VEVENT";
      e.line = c.line;
      return ImportOutcome(std::move(e));
    };
    const std::string series_id = c.event.id;
    auto at = series_at.find(series_id);
    if (at == series_at.end()) {
      auto stored = storage::events::get(*txn, store.db(), calendar.name, series_id);
      if (!stored) return ImportOutcome(stored.error());
      Event series;
      if (!stored.value() || stored.value()->deleted() || !event_from_view(**stored, series) || !series.recurrence)
        return refuse("RECURRENCE-ID", "a changed occurrence of the series " + series_id +
                                           ", which is neither in this file nor a series of the calendar");
      events.push_back(std::move(series));
      joined.push_back(series_id);
      at = series_at.emplace(series_id, events.size() - 1).first;
    }
    std::string error = detach_occurrence(events[at->second], c.event, c.recurrence_id);
    if (!error.empty()) return refuse(error.starts_with("the UID") ? "UID" : "RECURRENCE-ID", error);
    events.push_back(std::move(c.event));
  }
  return std::nullopt;
}

}  // namespace

ImportFormat sniff_import_format(std::string_view text) {
  std::size_t first = text.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && text[first] == '[' ? ImportFormat::json_array : ImportFormat::ics;
}

ImportOutcome import_events(storage::Store& store, const CalendarConfig& calendar, std::string_view text,
                            ImportFormat format, std::size_t max_events, std::int64_t now_us,
                            unsigned render_threads, WriteMode mode) {
  EventDefaults defaults{calendar.default_language(), calendar.timezone};
  std::vector<Event> events;
  // A replacement's file is the whole set: a changed occurrence needs its
  // series in it. An upsert may change one occurrence of a stored series.
  std::vector<ChangedOccurrence> apart;
  auto refused = format == ImportFormat::ics
                     ? events_from_ics(text, defaults, events, max_events, mode == WriteMode::upsert ? &apart : nullptr)
                     : events_from_json_array(text, defaults, events, max_events);
  if (refused) return std::move(*refused);
  std::vector<std::string> joined;  // series read from the store for a changed occurrence
  if (!apart.empty()) {
    if (auto failed = join_stored_series(store, calendar, apart, events, joined)) return std::move(*failed);
  }
  if (auto dup = first_duplicate_id(events)) return duplicate_id(events[*dup].id, *dup, format);
  IdSet ids;
  for (const Event& e : events) ids.insert(e.id);
  // A series in an .ics comes with its changed occurrences; one read from
  // the store keeps those it has.
  std::function<bool(std::string_view)> in_file = [&](std::string_view id) {
    if (ids.contains(id)) return true;
    return std::any_of(joined.begin(), joined.end(),
                       [&](const std::string& s) { return id.size() > s.size() && id.starts_with(s) && id[s.size()] == '_'; });
  };
  auto counts = upsert_events(store, calendar, events, now_us, nullptr, render_threads, mode,
                              format == ImportFormat::ics ? &in_file : nullptr);
  if (!counts) return counts.error();
  return *counts;
}

std::unique_ptr<EventStream> open_event_stream(ImportFormat format, ByteSource text, const EventDefaults& defaults,
                                               std::size_t max_events) {
  if (format == ImportFormat::json_array) return std::make_unique<JsonArrayStream>(std::move(text), defaults, max_events);
  return std::make_unique<IcsStream>(std::move(text), defaults, max_events);
}

StreamedImport import_streamed(storage::Store& store, const CalendarConfig& calendar, const EventStreamOpener& open,
                               ImportFormat format, std::size_t batch_events, std::int64_t now_us,
                               unsigned render_threads, WriteMode mode) {
  StreamedImport done;
  IdSet ids;
  {
    auto checking = open();
    if (auto refused = check_all(*checking, format, ids)) {
      done.outcome = std::move(*refused);
      done.needs_whole_text = checking->needs_whole_text();
      return done;
    }
  }
  WriteCounts total;
  std::vector<Event> batch;
  std::function<bool(std::string_view)> in_file = [&](std::string_view id) { return ids.contains(id); };
  auto commit = [&]() -> std::optional<Error> {
    auto counts = upsert_events(store, calendar, batch, now_us, nullptr, render_threads, WriteMode::upsert,
                                format == ImportFormat::ics ? &in_file : nullptr);
    if (!counts) return counts.error();
    total.created += counts->created;
    total.updated += counts->updated;
    total.unchanged += counts->unchanged;
    total.deleted += counts->deleted;
    done.committed += batch.size();
    batch.clear();
    store.env().release_mapped_pages();  // what was written stays in the page cache, not in this process
    return std::nullopt;
  };
  auto events = open();
  ReadAhead reading(*events, batch_events);
  for (;;) {
    ReadAhead::Batch next = reading.next();
    if (next.refused) {
      // The first pass took this text: the file changed in between. The
      // events read before it in this batch are not written either.
      next.refused->message += " (the file changed while it was imported)";
      done.outcome = std::move(*next.refused);
      return done;
    }
    batch = std::move(next.events);
    if (!batch.empty()) {
      if (auto failed = commit()) {
        done.outcome = std::move(*failed);
        return done;
      }
    }
    if (next.end) break;
  }
  total.mode = mode;
  if (mode == WriteMode::replace) {
    auto absent = live_ids_not_kept(store, calendar, [&](std::string_view id) { return ids.contains(id); });
    if (!absent) {
      done.outcome = absent.error();
      return done;
    }
    for (std::size_t from = 0; from < absent->size(); from += batch_events) {
      std::size_t to = std::min(absent->size(), from + batch_events);
      std::vector<std::string> some(absent->begin() + static_cast<std::ptrdiff_t>(from),
                                    absent->begin() + static_cast<std::ptrdiff_t>(to));
      auto deleted = delete_events(store, calendar, some, now_us);
      if (!deleted) {
        done.outcome = deleted.error();
        return done;
      }
      total.deleted += *deleted;
    }
  }
  done.outcome = total;
  return done;
}

}  // namespace civic::calendar
