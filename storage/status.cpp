#include "storage/status.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>

#include "storage/drafts.hpp"
#include "storage/submission_store.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "storage/event_store.hpp"
#include "common/time_text.hpp"

namespace civic::storage {

namespace {

// How far the oldest pending delivery is looked for (seq order): a backlog
// larger than this shows the oldest of its first entries.
constexpr std::size_t kOldestSteps = 10000;

Status collect_deliveries(const Txn& txn, const Databases& db, const FormToReport& form,
                          std::vector<DeliveryFigures>& out) {
  auto counted = outbox::stats(txn, db, form.name);
  if (!counted) return counted.error();
  auto figures_of = [&](std::uint32_t id, std::string description) -> Status {
    DeliveryFigures d;
    d.id = id;
    d.description = std::move(description);
    for (const auto& [target, stats] : *counted)
      if (target == id) d.stats = stats;
    if (d.stats.pending > 0) {
      auto oldest = outbox::oldest_pending_ms(txn, db, form.name, id, kOldestSteps);
      if (!oldest) return oldest.error();
      d.oldest_pending_ms = *oldest;
    }
    out.push_back(std::move(d));
    return {};
  };
  for (const TargetToReport& t : form.targets)
    if (auto st = figures_of(t.id, t.description); !st) return st;
  for (const auto& counts : *counted) {
    std::uint32_t id = counts.first;
    bool configured = std::any_of(form.targets.begin(), form.targets.end(), [id](const auto& t) { return t.id == id; });
    if (!configured && (counts.second.pending > 0 || counts.second.failed > 0))
      if (auto st = figures_of(id, {}); !st) return st;
  }
  return {};
}

}  // namespace

Result<StoreStatus> collect_status(Store& store, std::span<const std::string_view> calendars,
                                   std::span<const FormToReport> forms, std::int64_t now) {
  StoreStatus status;
  status.now = now;
  status.path = store.path();
  status.id = store.id();
  status.receipt_tag = store.receipt_tag();
  auto usage = store.env().usage();
  if (!usage) return usage.error();
  status.usage = *usage;
  auto txn = Txn::begin_read(store.env());
  if (!txn) return txn.error();
  auto version = read_schema_version(*txn, store.db());
  if (!version) return version.error();
  status.schema_version = *version;
  auto configuration = read_configuration(*txn, store.db());
  if (!configuration) return configuration.error();
  status.configuration = std::move(*configuration);
  for (auto name : calendars) {
    auto state = events::read_state(*txn, store.db(), name);
    if (!state) return state.error();
    status.calendars.push_back({std::string(name), state.value() ? state.value()->live : 0});
    auto source = read_source_state(*txn, store.db(), name);
    if (!source) return source.error();
    status.calendar_sources.push_back(std::move(*source));
  }
  for (const FormToReport& form : forms) {
    FormFigures figures;
    figures.name = form.name;
    figures.retention_seconds = form.retention_seconds;
    auto count = submission_count(*txn, store.db(), form.name);
    if (!count) return count.error();
    figures.submissions = *count;
    auto drafts = drafts::count(*txn, store.db(), form.name);
    if (!drafts) return drafts.error();
    figures.drafts = *drafts;
    auto today = submissions_on_day(*txn, store.db(), form.name, local_day(now));
    if (!today) return today.error();
    figures.today = *today;
    figures.max_per_day = form.max_per_day;
    figures.retired = form.retired;
    figures.seal_key_id = form.seal_key_id;
    auto oldest = oldest_submission_time(*txn, store.db(), form.name);
    if (!oldest) return oldest.error();
    figures.oldest_created = *oldest;
    auto purge = read_purge_record(*txn, store.db(), form.name);
    if (!purge) return purge.error();
    figures.last_purge = *purge;
    if (auto st = collect_deliveries(*txn, store.db(), form, figures.deliveries); !st) return st.error();
    status.forms.push_back(std::move(figures));
  }
  return status;
}

namespace {

template <class Writer>
void write_text(Writer& w, std::string_view text) {
  w.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

template <class Writer>
void write_delivery(Writer& w, const DeliveryFigures& d, std::int64_t now) {
  char id[16];
  std::snprintf(id, sizeof id, "%08x", d.id);
  w.StartObject();
  w.Key("target");
  if (d.description.empty()) w.Null();  // no longer configured
  else write_text(w, d.description);
  w.Key("id");
  w.String(id);
  w.Key("pending");
  w.Uint64(d.stats.pending);
  w.Key("failed");
  w.Uint64(d.stats.failed);
  w.Key("delivered");
  w.Uint64(d.stats.delivered);
  w.Key("oldest_pending_age_seconds");
  if (d.oldest_pending_ms) w.Int64(std::max<std::int64_t>(0, now - *d.oldest_pending_ms / 1000));
  else w.Null();
  w.Key("last_error");
  if (d.stats.last_error_ms > 0) {
    w.StartObject();
    w.Key("text");
    write_text(w, d.stats.last_error);
    w.Key("time");
    write_text(w, iso_utc(d.stats.last_error_ms / 1000));
    w.EndObject();
  } else {
    w.Null();
  }
  w.EndObject();
}

}  // namespace

std::string render_status_json(const StoreStatus& status, long pid) {
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> w(out);
  const EnvUsage& u = status.usage;
  w.StartObject();
  w.Key("store");
  w.StartObject();
  w.Key("path");
  w.String(status.path.data(), static_cast<rapidjson::SizeType>(status.path.size()));
  w.Key("id");
  w.String(status.id.data(), static_cast<rapidjson::SizeType>(status.id.size()));
  w.Key("receipt_tag");
  w.String(status.receipt_tag.data(), static_cast<rapidjson::SizeType>(status.receipt_tag.size()));
  w.Key("schema_version");
  w.Uint(status.schema_version);
  w.Key("configuration");
  if (status.configuration) {
    w.StartObject();
    w.Key("file");
    w.String(status.configuration->file.data(), static_cast<rapidjson::SizeType>(status.configuration->file.size()));
    w.Key("recorded_time");
    std::string t = iso_utc(status.configuration->recorded);
    w.String(t.data(), static_cast<rapidjson::SizeType>(t.size()));
    w.EndObject();
  } else {
    w.Null();
  }
  w.Key("map_size");
  w.Uint64(u.map_size);
  w.Key("used_bytes");
  w.Uint64(u.used_bytes);
  w.Key("page_size");
  w.Uint64(u.page_size);
  w.Key("last_txn_id");
  w.Uint64(u.last_txn_id);
  w.Key("readers");
  w.StartObject();
  w.Key("in_use");
  w.Uint(u.readers_in_use);
  w.Key("max");
  w.Uint(u.max_readers);
  w.Key("oldest_lag_txns");
  w.Uint64(u.oldest_reader_lag);
  w.EndObject();
  w.EndObject();

  auto text = [&w](std::string_view s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); };
  auto time = [&w, &text](std::int64_t t) {
    if (t == 0) w.Null();
    else text(iso_utc(t));
  };
  auto source_counts = [&w](const char* key, const SourceCounts& c) {
    w.Key(key);
    w.StartObject();
    w.Key("created");
    w.Uint64(c.created);
    w.Key("updated");
    w.Uint64(c.updated);
    w.Key("deleted");
    w.Uint64(c.deleted);
    w.Key("skipped");
    w.Uint64(c.skipped);
    w.EndObject();
  };
  w.Key("calendars");
  w.StartObject();
  for (std::size_t i = 0; i < status.calendars.size(); ++i) {
    const auto& item = status.calendars[i];
    w.Key(item.name.data(), static_cast<rapidjson::SizeType>(item.name.size()));
    w.StartObject();
    w.Key("events");
    w.Uint64(item.count);
    if (i < status.calendar_sources.size() && status.calendar_sources[i]) {
      const SourceState& s = *status.calendar_sources[i];
      w.Key("source");
      w.StartObject();
      w.Key("url");
      text(s.url);
      w.Key("runs");
      w.Uint64(s.runs);
      w.Key("last_attempt_time");
      time(s.last_attempt);
      w.Key("last_success_time");
      time(s.last_success);
      w.Key("last_change_time");
      time(s.last_change);
      w.Key("age_seconds");  // since the last success: how old the served events may be
      if (s.last_success) w.Int64(std::max<std::int64_t>(0, status.now - s.last_success));
      else w.Null();
      w.Key("last_error");
      if (s.last_error.empty()) w.Null();
      else text(s.last_error);
      source_counts("last_run", s.last_run);
      source_counts("total", s.total);
      if (s.pages > 0) {
        // A followed list (calendar/service/source_follow.hpp): where it stands.
        w.Key("pages");
        w.Uint64(s.pages);
        w.Key("caught_up");
        w.Bool(s.caught_up);
        w.Key("since");
        if (s.since.empty()) w.Null();
        else text(s.since);
        w.Key("newest_modified_time");
        time(s.newest_modified_us / 1000000);
        w.Key("lag_seconds");  // now minus the newest change seen
        if (s.newest_modified_us) w.Int64(std::max<std::int64_t>(0, status.now - s.newest_modified_us / 1000000));
        else w.Null();
        w.Key("last_skipped");
        if (s.last_skip.empty()) w.Null();
        else text(s.last_skip);
      }
      w.EndObject();
    }
    w.EndObject();
  }
  w.EndObject();
  w.Key("forms");
  w.StartObject();
  for (const FormFigures& f : status.forms) {
    w.Key(f.name.data(), static_cast<rapidjson::SizeType>(f.name.size()));
    w.StartObject();
    w.Key("submissions");
    w.Uint64(f.submissions);
    w.Key("drafts");
    w.Uint64(f.drafts);
    w.Key("retired");
    w.Bool(f.retired);
    w.Key("retention_seconds");
    w.Int64(f.retention_seconds);
    w.Key("submissions_today");
    w.Uint64(f.today);
    w.Key("max_submissions_per_day");
    if (f.max_per_day) w.Uint64(f.max_per_day);
    else w.Null();
    w.Key("sealed_for");
    if (!f.seal_key_id.empty()) w.String(f.seal_key_id.data(), static_cast<rapidjson::SizeType>(f.seal_key_id.size()));
    else w.Null();
    w.Key("oldest_created_time");
    if (f.oldest_created) {
      std::string t = iso_utc(*f.oldest_created);
      w.String(t.data(), static_cast<rapidjson::SizeType>(t.size()));
    } else {
      w.Null();
    }
    w.Key("oldest_age_seconds");
    if (f.oldest_created) w.Int64(std::max<std::int64_t>(0, status.now - *f.oldest_created));
    else w.Null();
    w.Key("last_purge");
    if (f.last_purge) {
      w.StartObject();
      std::string t = iso_utc(f.last_purge->last_run);
      w.Key("time");
      w.String(t.data(), static_cast<rapidjson::SizeType>(t.size()));
      w.Key("removed");
      w.Uint64(f.last_purge->removed_last);
      w.Key("removed_total");
      w.Uint64(f.last_purge->removed_total);
      w.EndObject();
    } else {
      w.Null();
    }
    w.Key("deliveries");
    w.StartArray();
    for (const DeliveryFigures& d : f.deliveries) write_delivery(w, d, status.now);
    w.EndArray();
    w.EndObject();
  }
  w.EndObject();
  w.Key("pid");
  w.Int64(pid);
  w.EndObject();
  return std::string(out.GetString(), out.GetSize());
}

}  // namespace civic::storage
