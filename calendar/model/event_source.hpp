// Where a calendar that follows another one takes its events from:
//
//   source ics https://outlook.example.fi/.../calendar.ics [interval=15m] [timeout=30s];
//   source linkedevents https://api.example.fi/linkedevents/v1/event/ [query="publisher=ahjo:00001"]
//          [interval=5m] [timeout=30s];
//   source civic https://primary.example.fi/calendars/culture.json [interval=30s] [timeout=30s];
//
// A published .ics (Outlook, Google, Nextcloud) is fetched every interval
// and replaces the calendar's whole set (calendar/service/source_sync.hpp).
// A Linked Events API, or another civic's JSON list, is followed page by
// page through its sync parameters (calendar/service/source_follow.hpp).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace civic::calendar {

enum class SourceKind { ics, linkedevents, civic };

struct EventSource {
  SourceKind kind = SourceKind::ics;
  std::string url;
  std::int64_t interval_seconds = 15 * 60;
  std::int64_t timeout_seconds = 30;
  std::string query;  // linkedevents: the API's own filters, "a=b&c=d", added to each request
};

inline constexpr std::int64_t kMinSourceInterval = 10;
inline constexpr std::int64_t kMaxSourceInterval = 7 * 86400;
inline constexpr std::int64_t kMaxSourceTimeout = 600;

std::string_view source_kind_name(SourceKind kind);

// The directive's words after "source"; an error text, or "" and `out`.
std::string parse_event_source(std::span<const std::string_view> words, EventSource& out);

// "KIND URL interval timeout [query]", for the stored definition, and back.
std::string format_event_source(const EventSource& source);
bool read_event_source(std::string_view text, EventSource& out);

}  // namespace civic::calendar
