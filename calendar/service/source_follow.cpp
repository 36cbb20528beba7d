#include "calendar/service/source_follow.hpp"

#include <chrono>
#include <unordered_map>

#include "calendar/formats/followed_page.hpp"
#include "calendar/model/civil_time.hpp"
#include "calendar/service/calendar_writer.hpp"
#include "common/url.hpp"
#include "storage/source_state.hpp"

namespace civic::calendar {

namespace {

// Microseconds of a position (an ISO 8601 date-time with an offset); the
// start of time for "" (a full sync).
std::int64_t micros_of(std::string_view since) {
  auto iso = since.empty() ? std::nullopt : parse_iso8601(since);
  if (!iso || iso->date_only || !iso->offset_seconds) return INT64_MIN;
  return (seconds_from_civil(iso->civil) - *iso->offset_seconds) * 1000000 + iso->micros;
}

// The source's "next" link on the configured URL: its query only, so that a
// source behind a proxy that names itself otherwise (http for https, an
// inner host) is still asked where the sysadmin said.
std::optional<std::string> on_source(const EventSource& source, std::string_view next) {
  std::size_t q = next.find('?');
  if (q == std::string_view::npos) return std::nullopt;
  return source.url + std::string(next.substr(q));
}

void add(storage::SourceCounts& to, const WriteCounts& c, std::uint64_t skipped) {
  to.created += c.created;
  to.updated += c.updated;
  to.deleted += c.deleted;
  to.skipped += skipped;
}

// One page's items as a batch: an id given twice counts as its last item.
struct Batch {
  std::vector<Event> events;
  std::vector<FollowedDeletion> deletions;
  std::uint64_t skipped = 0;
  std::string last_skip;
  std::int64_t newest_us = INT64_MIN;
  std::string newest_text;
};

Batch batch_of(FollowedPage& page) {
  Batch b;
  std::unordered_map<std::string_view, std::size_t> last;
  for (std::size_t i = 0; i < page.items.size(); ++i)
    if (page.items[i].kind != FollowedItem::Kind::malformed) last[page.items[i].id] = i;
  for (std::size_t i = 0; i < page.items.size(); ++i) {
    FollowedItem& item = page.items[i];
    if (item.modified_us != 0 && item.modified_us > b.newest_us) {
      b.newest_us = item.modified_us;
      b.newest_text = item.modified_text;
    }
    switch (item.kind) {
      case FollowedItem::Kind::malformed:
        b.skipped++;
        b.last_skip = (item.id.empty() ? std::string("an item without an id") : item.id) + ": " + item.problem;
        break;
      case FollowedItem::Kind::deleted:
        if (last[item.id] == i) b.deletions.push_back({item.id, item.modified_us});
        break;
      case FollowedItem::Kind::event:
        if (last[item.id] == i) b.events.push_back(std::move(item.event));
        break;
    }
  }
  return b;
}

}  // namespace

std::string follow_request_url(const EventSource& source, const storage::SourceState& s) {
  if (!s.next_url.empty()) return s.next_url;
  std::string url = source.url + "?";
  if (!source.query.empty()) url += source.query + "&";
  url += "sort=last_modified_time&show_deleted=true&page_size=" + std::to_string(kFollowPageSize);
  url += "&include=location,keywords";  // places and keywords as objects, not references
  if (!s.since.empty()) {
    url += "&last_modified_since=";
    url::append_encoded(url, s.since, url::Keep::query_value);
  }
  return url;
}

SourceRun follow_source(storage::Store& store, const CalendarConfig& cal, const Fetcher& fetch, std::int64_t now_us,
                        const FollowLimits& limits) {
  const EventSource& source = *cal.source;
  SourceRun run = begin_run(store, cal, now_us);
  if (run.failed) return run;
  storage::SourceState& s = run.state;
  const std::int64_t now = now_us / 1000000;

  const EventDefaults defaults{cal.default_language(), cal.timezone};
  const bool mirror = source.kind == SourceKind::civic;
  const auto began = std::chrono::steady_clock::now();
  for (int pages = 0;; ++pages) {
    auto spent = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - began);
    if (pages >= limits.max_pages || spent.count() >= limits.max_micros) {
      run.more = true;
      s.last_success = now;
      break;
    }
    delivery::HttpGet get;
    get.url = follow_request_url(source, s);
    get.accept = "application/json";
    get.timeout_ms = source.timeout_seconds * 1000;
    // Asked again from where the last run ended: its answer's ETag.
    const bool repeat = s.caught_up && s.next_url.empty() && pages == 0;
    if (repeat) get.if_none_match = s.etag;
    delivery::HttpGot got = fetch(get);
    if (got.stopped) {  // the server stops: the pages so far are written, the next process goes on
      run.more = true;
      break;
    }
    if (!got.error.empty()) {
      s.last_error = "fetching " + get.url + ": " + got.error;
      break;
    }
    if (got.status == 304) {
      run.not_modified = true;
      s.last_success = now;
      break;
    }
    std::string error;
    auto page = read_followed_page(got.body, source.kind, defaults, cal.languages, error);
    if (!page) {
      s.last_error = "reading " + get.url + ": " + error;
      break;
    }
    Batch batch = batch_of(*page);

    // The position after this page, stored with its events.
    storage::SourceState after = s;
    after.pages++;
    after.etag.clear();
    if (batch.newest_us != INT64_MIN) after.newest_modified_us = std::max(after.newest_modified_us, batch.newest_us);
    const bool moves_on = batch.newest_us != INT64_MIN && batch.newest_us > micros_of(s.since);
    if (page->next.empty()) {
      // Caught up: every change up to the newest is in, so the next run asks
      // from just after it (a bulk import at the source, thousands of events
      // of one time, is not read again). A source that keeps whole seconds
      // gives that second again: pages of unchanged events, nothing missed.
      if (batch.newest_us != INT64_MIN && batch.newest_us >= micros_of(s.since))
        after.since = format_iso_utc_micros(batch.newest_us + 1);
      else
        after.etag = got.etag;  // the same request next time: a 304 if nothing changed
      after.next_url.clear();
      after.caught_up = true;
    } else if (moves_on) {
      after.since = batch.newest_text;
      after.next_url.clear();
    } else {
      // A whole page of one modification time: its next page, by the link.
      auto next = on_source(source, page->next);
      if (!next) {
        s.last_error = "reading " + get.url + ": its next link " + page->next + " has no query";
        break;
      }
      after.next_url = std::move(*next);
    }
    if (batch.skipped > 0) after.last_skip = batch.last_skip;
    auto also = [&](storage::Txn& txn, const WriteCounts& counts) {
      add(after.last_run, counts, batch.skipped);
      add(after.total, counts, batch.skipped);
      if (counts.created + counts.updated + counts.deleted > 0) after.last_change = now;
      return storage::write_source_state(txn, store.db(), cal.name, after);
    };
    auto written = write_followed(store, cal, batch.events, batch.deletions, mirror, also, now_us);
    if (!written) {
      s.last_error = "writing the events: " + written.error().message();
      break;
    }
    s = std::move(after);
    if (written->created + written->updated + written->deleted > 0) run.changed = true;
    if (page->next.empty()) {
      s.last_success = now;
      break;
    }
  }
  run.failed = !s.last_error.empty();
  if (run.failed) run.more = false;
  // The run's own figures (attempt, success, error): the position is stored already.
  auto txn = storage::Txn::begin_write(store.env());
  Status st = txn ? storage::write_source_state(*txn, store.db(), cal.name, s) : Status(txn.error());
  if (st) st = txn->commit();
  if (!st) {
    run.failed = true;
    s.last_error = (s.last_error.empty() ? "" : s.last_error + "; ") + "storing the source state: " + st.error().message();
  }
  return run;
}

}  // namespace civic::calendar
