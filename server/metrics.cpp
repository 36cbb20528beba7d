#include "server/metrics.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <new>

namespace civic::server {

namespace {

// "civicmt1", and the layout's size: a block of another layout starts afresh.
constexpr std::uint64_t kMagic = 0x6369766963'6d7431 ^ sizeof(SharedMetrics);

constexpr std::array<std::uint64_t, Histogram::kBuckets> kBatchBounds = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048};
constexpr std::array<std::uint64_t, Histogram::kBuckets> kMicrosBounds = {100,   250,   500,    1000,   2500,   5000,
                                                                          10000, 25000, 50000, 100000, 250000, 1000000};
constexpr std::array<std::uint64_t, Histogram::kBuckets> kDeliveryBounds = {
    100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 900000, 3600000};
constexpr std::string_view kOther = "(other)";

template <class Slot>
Slot& slot_named(Slot (&slots)[kMetricSlots + 1], std::string_view name) {
  for (std::size_t i = 0; i < kMetricSlots; ++i) {
    if (slots[i].name[0] == '\0') break;
    if (std::string_view(slots[i].name) == name) return slots[i];
  }
  return slots[kMetricSlots];
}

template <class Slot>
void claim(Slot (&slots)[kMetricSlots + 1], std::string_view name) {
  if (name.size() >= kMetricNameBytes) return;  // counted under "(other)"
  for (std::size_t i = 0; i < kMetricSlots; ++i) {
    if (std::string_view(slots[i].name) == name) return;
    if (slots[i].name[0] == '\0') {
      std::memcpy(slots[i].name, name.data(), name.size());
      slots[i].name[name.size()] = '\0';
      return;
    }
  }
}

void observe(Histogram& h, const std::array<std::uint64_t, Histogram::kBuckets>& bounds, std::uint64_t value) {
  std::size_t i = std::lower_bound(bounds.begin(), bounds.end(), value) - bounds.begin();
  h.bucket[i].fetch_add(1, std::memory_order_relaxed);
  h.count.fetch_add(1, std::memory_order_relaxed);
  h.sum.fetch_add(value, std::memory_order_relaxed);
}

std::uint64_t get(const std::atomic<std::uint64_t>& a) { return a.load(std::memory_order_relaxed); }

// A label value: backslash, double quote and line feed escaped.
std::string label(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

class Exposition {
 public:
  void family(std::string_view name, std::string_view type, std::string_view help) {
    out_.append("# HELP ").append(name).append(" ").append(help).append("\n");
    out_.append("# TYPE ").append(name).append(" ").append(type).append("\n");
  }
  void sample(std::string_view name, std::string_view labels, double value) {
    char number[40];
    if (value == static_cast<double>(static_cast<std::uint64_t>(value)) && value < 1e18)
      std::snprintf(number, sizeof number, "%llu", static_cast<unsigned long long>(value));
    else
      std::snprintf(number, sizeof number, "%.9g", value);
    out_.append(name);
    if (!labels.empty()) out_.append("{").append(labels).append("}");
    out_.append(" ").append(number).append("\n");
  }
  void histogram(std::string_view name, const Histogram& h, const std::array<std::uint64_t, Histogram::kBuckets>& bounds,
                 double scale) {
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < bounds.size(); ++i) {
      cumulative += get(h.bucket[i]);
      char le[40];
      std::snprintf(le, sizeof le, "le=\"%.9g\"", static_cast<double>(bounds[i]) * scale);
      sample(std::string(name) + "_bucket", le, static_cast<double>(cumulative));
    }
    cumulative += get(h.bucket[bounds.size()]);
    sample(std::string(name) + "_bucket", "le=\"+Inf\"", static_cast<double>(cumulative));
    sample(std::string(name) + "_sum", "", static_cast<double>(get(h.sum)) * scale);
    sample(std::string(name) + "_count", "", static_cast<double>(get(h.count)));
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

template <class Slot, class Each>
void each_slot(const Slot (&slots)[kMetricSlots + 1], Each each) {
  for (std::size_t i = 0; i < kMetricSlots && slots[i].name[0] != '\0'; ++i) each(std::string_view(slots[i].name), slots[i]);
  each(kOther, slots[kMetricSlots]);
}

}  // namespace

SharedMetrics* SharedMetrics::prepare(void* memory, std::span<const std::string_view> calendars,
                                      std::span<const std::string_view> forms) {
  auto* m = static_cast<SharedMetrics*>(memory);
  if (m->magic != kMagic) {
    std::memset(memory, 0, sizeof(SharedMetrics));  // atomics of integers: all bits zero is zero
    m->magic = kMagic;
  }
  for (auto name : calendars) claim(m->calendars, name);
  for (auto name : forms) claim(m->forms, name);
  return m;
}

CalendarCounters& SharedMetrics::calendar(std::string_view name) { return slot_named(calendars, name); }
FormCounters& SharedMetrics::form(std::string_view name) { return slot_named(forms, name); }

void count_feed(SharedMetrics* m, std::string_view calendar, std::string_view format, int status, std::size_t bytes,
                bool cache_hit) {
  if (m == nullptr) return;
  CalendarCounters& c = m->calendar(calendar);
  std::size_t f = std::find(kFeedFormats.begin(), kFeedFormats.end() - 1, format) - kFeedFormats.begin();
  std::size_t s = std::find(kFeedStatuses.begin(), kFeedStatuses.end() - 1, status) - kFeedStatuses.begin();
  c.requests[f][s].fetch_add(1, std::memory_order_relaxed);
  c.bytes.fetch_add(bytes, std::memory_order_relaxed);
  if (cache_hit) c.cache_hits.fetch_add(1, std::memory_order_relaxed);
}

void count_submission(SharedMetrics* m, std::string_view form, bool accepted, int status) {
  if (m == nullptr) return;
  FormCounters& c = m->form(form);
  if (accepted) {
    c.accepted.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  std::size_t reason = 7;  // other
  switch (status) {
    case 400: case 422: reason = 0; break;
    case 413: reason = 1; break;
    case 429: reason = 2; break;
    case 403: reason = 3; break;
    case 409: reason = 4; break;
    case 415: reason = 5; break;
    case 500: case 503: case 507: reason = 6; break;
    default: break;
  }
  c.refused[reason].fetch_add(1, std::memory_order_relaxed);
}

void count_commit(SharedMetrics* m, std::size_t batch, std::int64_t micros) {
  if (m == nullptr) return;
  observe(m->commit_batch, kBatchBounds, batch);
  observe(m->commit_micros, kMicrosBounds, static_cast<std::uint64_t>(std::max<std::int64_t>(0, micros)));
}

void count_delivery(SharedMetrics* m, std::int64_t after_ms) {
  if (m == nullptr) return;
  observe(m->delivery_ms, kDeliveryBounds, static_cast<std::uint64_t>(std::max<std::int64_t>(0, after_ms)));
}

std::string render_metrics(const SharedMetrics* m, const storage::StoreStatus& status) {
  Exposition x;
  if (m != nullptr) {
    x.family("civic_feed_requests_total", "counter", "Calendar feed answers, by calendar, format and status.");
    each_slot(m->calendars, [&](std::string_view name, const CalendarCounters& c) {
      for (std::size_t f = 0; f < kFeedFormats.size(); ++f)
        for (std::size_t s = 0; s < kFeedStatuses.size(); ++s) {
          std::uint64_t n = get(c.requests[f][s]);
          if (n == 0) continue;
          std::string code = kFeedStatuses[s] ? std::to_string(kFeedStatuses[s]) : "other";
          x.sample("civic_feed_requests_total",
                   "calendar=\"" + label(name) + "\",format=\"" + std::string(kFeedFormats[f]) + "\",status=\"" + code + "\"",
                   static_cast<double>(n));
        }
    });
    x.family("civic_feed_cache_hits_total", "counter", "Feed answers from the worker's cache of built bodies.");
    each_slot(m->calendars, [&](std::string_view name, const CalendarCounters& c) {
      x.sample("civic_feed_cache_hits_total", "calendar=\"" + label(name) + "\"", static_cast<double>(get(c.cache_hits)));
    });
    x.family("civic_feed_bytes_total", "counter", "Bytes of feed bodies sent.");
    each_slot(m->calendars, [&](std::string_view name, const CalendarCounters& c) {
      x.sample("civic_feed_bytes_total", "calendar=\"" + label(name) + "\"", static_cast<double>(get(c.bytes)));
    });
    x.family("civic_form_submissions_total", "counter", "Form submissions, accepted or refused (by reason).");
    each_slot(m->forms, [&](std::string_view name, const FormCounters& c) {
      std::string form = "form=\"" + label(name) + "\"";
      x.sample("civic_form_submissions_total", form + ",result=\"accepted\",reason=\"\"", static_cast<double>(get(c.accepted)));
      for (std::size_t i = 0; i < kRefusals.size(); ++i) {
        std::uint64_t n = get(c.refused[i]);
        if (n == 0) continue;
        x.sample("civic_form_submissions_total", form + ",result=\"refused\",reason=\"" + std::string(kRefusals[i]) + "\"",
                 static_cast<double>(n));
      }
    });
    x.family("civic_commit_batch_size", "histogram", "Submissions written by one group commit.");
    x.histogram("civic_commit_batch_size", m->commit_batch, kBatchBounds, 1);
    x.family("civic_commit_duration_seconds", "histogram", "Time of one group commit in the thread pool.");
    x.histogram("civic_commit_duration_seconds", m->commit_micros, kMicrosBounds, 1e-6);
    x.family("civic_delivery_latency_seconds", "histogram",
             "From a submission's storing to its delivery to a target, for the deliveries made.");
    x.histogram("civic_delivery_latency_seconds", m->delivery_ms, kDeliveryBounds, 1e-3);
  }

  x.family("civic_calendar_events", "gauge", "Events of the calendar (deleted ones not counted).");
  for (const auto& c : status.calendars)
    x.sample("civic_calendar_events", "calendar=\"" + label(c.name) + "\"", static_cast<double>(c.count));
  x.family("civic_calendar_source_lag_seconds", "gauge",
           "A followed calendar: now minus the newest change of its source seen.");
  for (std::size_t i = 0; i < status.calendars.size() && i < status.calendar_sources.size(); ++i) {
    const auto& s = status.calendar_sources[i];
    if (s && s->newest_modified_us > 0)
      x.sample("civic_calendar_source_lag_seconds", "calendar=\"" + label(status.calendars[i].name) + "\"",
               static_cast<double>(std::max<std::int64_t>(0, status.now - s->newest_modified_us / 1000000)));
  }
  x.family("civic_calendar_source_last_success_timestamp_seconds", "gauge",
           "A followed calendar: when its source last answered (0: never).");
  for (std::size_t i = 0; i < status.calendars.size() && i < status.calendar_sources.size(); ++i)
    if (const auto& s = status.calendar_sources[i])
      x.sample("civic_calendar_source_last_success_timestamp_seconds",
               "calendar=\"" + label(status.calendars[i].name) + "\"", static_cast<double>(s->last_success));
  x.family("civic_form_submissions_stored", "gauge", "Submissions stored now (erased or purged ones not counted).");
  for (const auto& f : status.forms)
    x.sample("civic_form_submissions_stored", "form=\"" + label(f.name) + "\"", static_cast<double>(f.submissions));
  x.family("civic_form_retention_seconds", "gauge", "The form's retention (0: kept until erased).");
  for (const auto& f : status.forms)
    x.sample("civic_form_retention_seconds", "form=\"" + label(f.name) + "\"", static_cast<double>(f.retention_seconds));
  x.family("civic_form_last_purge_timestamp_seconds", "gauge", "When retention last purged the form (0: never).");
  for (const auto& f : status.forms)
    x.sample("civic_form_last_purge_timestamp_seconds", "form=\"" + label(f.name) + "\"",
             static_cast<double>(f.last_purge ? f.last_purge->last_run : 0));
  x.family("civic_deliveries", "gauge", "Deliveries of submissions to a target, by state.");
  for (const auto& f : status.forms)
    for (const auto& d : f.deliveries) {
      std::string labels = "form=\"" + label(f.name) + "\",target=\"" + std::to_string(d.id) + "\",state=\"";
      x.sample("civic_deliveries", labels + "pending\"", static_cast<double>(d.stats.pending));
      x.sample("civic_deliveries", labels + "failed\"", static_cast<double>(d.stats.failed));
      x.sample("civic_deliveries", labels + "delivered\"", static_cast<double>(d.stats.delivered));
    }
  x.family("civic_delivery_oldest_pending_seconds", "gauge", "Age of the oldest delivery still pending.");
  for (const auto& f : status.forms)
    for (const auto& d : f.deliveries)
      if (d.oldest_pending_ms)
        x.sample("civic_delivery_oldest_pending_seconds",
                 "form=\"" + label(f.name) + "\",target=\"" + std::to_string(d.id) + "\"",
                 static_cast<double>(std::max<std::int64_t>(0, status.now - *d.oldest_pending_ms / 1000)));
  x.family("civic_store_map_size_bytes", "gauge", "The store's map size (civic_store max_size).");
  x.sample("civic_store_map_size_bytes", "", static_cast<double>(status.usage.map_size));
  x.family("civic_store_used_bytes", "gauge", "Bytes of the store's pages in use.");
  x.sample("civic_store_used_bytes", "", static_cast<double>(status.usage.used_bytes));
  x.family("civic_store_readers", "gauge", "Reader slots held by live transactions.");
  x.sample("civic_store_readers", "", static_cast<double>(status.usage.readers_in_use));
  x.family("civic_store_max_readers", "gauge", "Reader slots of the store.");
  x.sample("civic_store_max_readers", "", static_cast<double>(status.usage.max_readers));
  x.family("civic_store_oldest_reader_lag_transactions", "gauge", "Commits the oldest live reader is behind.");
  x.sample("civic_store_oldest_reader_lag_transactions", "", static_cast<double>(status.usage.oldest_reader_lag));
  return x.take();
}

}  // namespace civic::server
