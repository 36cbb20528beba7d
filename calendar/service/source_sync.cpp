#include "calendar/service/source_sync.hpp"

#include "calendar/service/event_import.hpp"
#include "calendar/service/source_follow.hpp"

namespace civic::calendar {

namespace {

std::string describe(const FieldError& e) {
  std::string where;
  if (e.line > 0) where += "line " + std::to_string(e.line) + ": ";
  if (!e.component.empty()) where += e.component + ": ";
  if (!e.field.empty()) where += e.field + ": ";
  return "the file was refused: " + where + e.message;
}

}  // namespace

Result<storage::SourceState> source_state_for(storage::Store& store, const CalendarConfig& cal) {
  auto txn = storage::Txn::begin_read(store.env());
  if (!txn) return txn.error();
  auto state = storage::read_source_state(*txn, store.db(), cal.name);
  if (!state) return state.error();
  storage::SourceState s = state.value() ? std::move(**state) : storage::SourceState{};
  // Another source: its validators, position and counts start afresh.
  std::string url = cal.source->url;
  if (!cal.source->query.empty()) url += "?" + cal.source->query;
  if (s.url != url) {
    s = storage::SourceState{};
    s.url = std::move(url);
  }
  return s;
}

namespace {

Status store_state(storage::Store& store, const CalendarConfig& cal, const storage::SourceState& s) {
  auto txn = storage::Txn::begin_write(store.env());
  if (!txn) return txn.error();
  if (auto st = storage::write_source_state(*txn, store.db(), cal.name, s); !st) return st;
  return txn->commit();
}

}  // namespace

SourceRun begin_run(storage::Store& store, const CalendarConfig& cal, std::int64_t now_us) {
  SourceRun run;
  auto loaded = source_state_for(store, cal);
  if (!loaded) {
    run.failed = true;
    run.state.url = cal.source->url;
    run.state.last_error = loaded.error().message();
    return run;
  }
  run.state = std::move(*loaded);
  run.state.last_attempt = now_us / 1000000;
  run.state.runs++;
  run.state.last_run = {};
  run.state.last_error.clear();
  return run;
}

SourceRun sync_source(storage::Store& store, const CalendarConfig& cal, const Fetcher& fetch, std::int64_t now_us) {
  if (cal.source->kind != SourceKind::ics) return follow_source(store, cal, fetch, now_us);
  SourceRun run = begin_run(store, cal, now_us);
  if (run.failed) return run;
  storage::SourceState& s = run.state;
  const std::int64_t now = now_us / 1000000;

  delivery::HttpGet get;
  get.url = cal.source->url;
  get.if_none_match = s.etag;
  get.if_modified_since = s.last_modified;
  get.timeout_ms = cal.source->timeout_seconds * 1000;
  delivery::HttpGot got = fetch(get);
  if (got.stopped) {
    run.more = true;  // nothing done: the next process runs it
    return run;
  }
  if (!got.error.empty()) {
    s.last_error = "fetching " + get.url + ": " + got.error;
  } else if (got.status == 304 || (!got.etag.empty() && got.etag == s.etag)) {
    run.not_modified = true;
    s.last_success = now;
  } else {
    ImportOutcome outcome = import_events(store, cal, got.body, ImportFormat::ics, kMaxFileImportEvents, now_us, 1,
                                          WriteMode::replace);
    if (auto* refused = std::get_if<FieldError>(&outcome)) {
      s.last_error = describe(*refused);
    } else if (auto* failed = std::get_if<Error>(&outcome)) {
      s.last_error = "writing the events: " + failed->message();
    } else {
      const WriteCounts& c = std::get<WriteCounts>(outcome);
      s.last_run = {c.created, c.updated, c.deleted};
      s.total.created += c.created;
      s.total.updated += c.updated;
      s.total.deleted += c.deleted;
      run.changed = c.created + c.updated + c.deleted > 0;
      if (run.changed) s.last_change = now;
      s.last_success = now;
      s.etag = got.etag;
      s.last_modified = got.last_modified;
    }
  }
  run.failed = !s.last_error.empty();
  if (auto st = store_state(store, cal, s); !st) {
    run.failed = true;
    s.last_error = (s.last_error.empty() ? "" : s.last_error + "; ") + "storing the source state: " + st.error().message();
  }
  return run;
}

std::optional<SourceRun> sync_source_if_due(storage::Store& store, const CalendarConfig& cal, const Fetcher& fetch,
                                            std::int64_t now_us) {
  std::string key = "source_turn";
  key.push_back('\0');
  key.append(cal.name);
  auto turn = storage::claim_turn(store, key, now_us / 1000000, cal.source->interval_seconds);
  if (!turn) {
    SourceRun failed;
    failed.failed = true;
    failed.state.url = cal.source->url;
    failed.state.last_error = "claiming the turn: " + turn.error().message();
    return failed;
  }
  if (!*turn) return std::nullopt;
  SourceRun run = sync_source(store, cal, fetch, now_us);
  if (run.more) {
    if (auto st = storage::release_turn(store, key); !st) run.more = false;  // then at the next interval
  }
  return run;
}

}  // namespace civic::calendar
