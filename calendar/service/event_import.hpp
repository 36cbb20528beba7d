// Importing events into a calendar: an .ics file or a JSON array of events,
// upserted by id. The admin API (POST .../events) takes a body in one
// transaction, all or nothing (import_events); `civicctl import` streams a
// file in batches (import_streamed).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>
#include <variant>

#include "calendar/formats/event_json.hpp"
#include "calendar/formats/event_stream.hpp"
#include "calendar/model/calendar_config.hpp"
#include "common/field_error.hpp"
#include "calendar/model/write_counts.hpp"
#include "common/result.hpp"
#include "storage/store.hpp"

namespace civic::calendar {

// Events one import may carry. Over HTTP (docs/limits.md) a request must
// not hold a worker's memory for long; a sysadmin's file may be larger.
inline constexpr std::size_t kMaxImportEvents = 100000;
inline constexpr std::size_t kMaxFileImportEvents = 1000000;

enum class ImportFormat { ics, json_array };

// A file's format by its first character that is not white space: '[' is
// a JSON array, anything else is read as iCalendar.
ImportFormat sniff_import_format(std::string_view text);

// What an import did: the counts; or, nothing written, the refusal of the
// text (its field, line and component) or the store's failure.
using ImportOutcome = std::variant<WriteCounts, FieldError, Error>;

// `render_threads`: see upsert_events.
// All or nothing, in one transaction, a replacement's deletions too.
ImportOutcome import_events(storage::Store& store, const CalendarConfig& calendar, std::string_view text,
                            ImportFormat format, std::size_t max_events, std::int64_t now_us,
                            unsigned render_threads = 1, WriteMode mode = WriteMode::upsert);

// ---- civicctl: a file of any size, streamed

// Events per write transaction: each batch's records and LMDB's dirty pages
// are what an import holds (about 20 MB at 1,000 generated events).
inline constexpr std::size_t kImportBatchEvents = 1000;

// The events of `text` (a ByteSource) one at a time, read as `format` says.
std::unique_ptr<EventStream> open_event_stream(ImportFormat format, ByteSource text, const EventDefaults& defaults,
                                               std::size_t max_events);

// Opens the file's events from its start; import_streamed reads them twice.
using EventStreamOpener = std::function<std::unique_ptr<EventStream>()>;

struct StreamedImport {
  ImportOutcome outcome;
  std::size_t committed = 0;  // events in the batches committed (before a failure: a prefix of the file)
  // Refused by the checking pass only for want of reading the file whole
  // (EventStream::needs_whole_text); nothing was written.
  bool needs_whole_text = false;
};

// A first pass reads and checks every event and writes nothing, so that a
// refused file (a bad event, an id given twice, too many events) changes
// nothing. A second pass reads the file again and commits `batch_events`
// events at a time: a failure of the store (a full disk) or a file changed
// in between leaves the first `committed` events imported. Events are
// upserted by id, so importing the same file again finishes the job. A
// replacement then deletes the live events the file does not hold, in
// batches as well (the ids the first pass read are kept for it): if it
// stops midway, some are deleted, and importing again finishes the job.
StreamedImport import_streamed(storage::Store& store, const CalendarConfig& calendar, const EventStreamOpener& open,
                               ImportFormat format, std::size_t batch_events, std::int64_t now_us,
                               unsigned render_threads = 1, WriteMode mode = WriteMode::upsert);

}  // namespace civic::calendar
