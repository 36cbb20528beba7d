// GET /admin/metrics (issue 19): counters every worker adds to, kept in one
// block of shared memory (the server module maps it; here it is plain
// memory), and the store's own figures, in the Prometheus text format.
//
// Counters are per calendar and per form, in slots claimed by name when the
// configuration is read (one process: nginx's master), so that a reload
// keeps them and a calendar that goes and comes back finds its own. The
// counters are lock-free atomics: a worker adds without a lock, a scrape
// reads without one.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "storage/status.hpp"

namespace civic::server {

inline constexpr std::size_t kMetricSlots = 64;       // calendars, and forms, counted apart; more share "(other)"
inline constexpr std::size_t kMetricNameBytes = 64;

// A feed answer's format and status, as counted.
inline constexpr std::array<std::string_view, 5> kFeedFormats = {"ics", "json", "jcal", "xcal", "other"};
inline constexpr std::array<int, 6> kFeedStatuses = {200, 304, 400, 404, 406, 0};  // 0: any other
// Why a submission was refused, by its answer's status.
inline constexpr std::array<std::string_view, 8> kRefusals = {"invalid",      "too_large", "rate_limited", "forbidden",
                                                              "conflict",     "unsupported", "unavailable", "other"};

struct Histogram {
  static constexpr std::size_t kBuckets = 12;
  std::atomic<std::uint64_t> bucket[kBuckets + 1];  // the last: above every bound (+Inf)
  std::atomic<std::uint64_t> count;
  std::atomic<std::uint64_t> sum;  // in the unit of the bounds' own scale (see render)
};

struct CalendarCounters {
  char name[kMetricNameBytes];
  std::atomic<std::uint64_t> requests[kFeedFormats.size()][kFeedStatuses.size()];
  std::atomic<std::uint64_t> cache_hits;
  std::atomic<std::uint64_t> bytes;
};

struct FormCounters {
  char name[kMetricNameBytes];
  std::atomic<std::uint64_t> accepted;
  std::atomic<std::uint64_t> refused[kRefusals.size()];
};

struct SharedMetrics {
  std::uint64_t magic;
  CalendarCounters calendars[kMetricSlots + 1];  // the last: "(other)"
  FormCounters forms[kMetricSlots + 1];
  Histogram commit_batch;    // submissions per group commit
  Histogram commit_micros;   // a group commit's time in the pool thread, µs
  Histogram delivery_ms;     // a delivery's time from the submission's storing, ms

  // Makes `memory` (zeroed, or a block of an earlier configuration) a block
  // with a slot for each name: existing slots keep their counts.
  static SharedMetrics* prepare(void* memory, std::span<const std::string_view> calendars,
                                std::span<const std::string_view> forms);

  CalendarCounters& calendar(std::string_view name);
  FormCounters& form(std::string_view name);
};

// What a worker counts.
void count_feed(SharedMetrics* m, std::string_view calendar, std::string_view format, int status, std::size_t bytes,
                bool cache_hit);
void count_submission(SharedMetrics* m, std::string_view form, bool accepted, int status);
void count_commit(SharedMetrics* m, std::size_t batch, std::int64_t micros);
void count_delivery(SharedMetrics* m, std::int64_t after_ms);

// The exposition: the counters (if any), and the store's figures.
std::string render_metrics(const SharedMetrics* m, const storage::StoreStatus& status);

}  // namespace civic::server
