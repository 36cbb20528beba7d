// A calendar as nginx.conf defines it:
//
//   civic_calendar culture {
//       title       fi "Kulttuuritapahtumat";
//       description fi "Turun kulttuuritapahtumat";
//       languages   fi sv en;
//       timezone    Europe/Helsinki;
//       refresh     6h;
//       organizer   mailto:tapahtumat@turku.fi;
//       feed_window 30d 2y;
//       source      ics https://example.org/calendar.ics interval=15m;
//   }
//
// The module hands each line's words to CalendarConfigBuilder, which answers
// with an error text (empty when the line is fine), so that nginx can name
// the file and line.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "calendar/model/event_source.hpp"
#include "calendar/model/feed_window.hpp"
#include "calendar/model/lang_text.hpp"
#include "common/page_layout.hpp"

namespace civic::calendar {

// Without an organizer setting: an address that is valid in form and never
// delivered to (".invalid" is reserved, RFC 2606).
inline constexpr std::string_view kDefaultOrganizer = "mailto:noreply@invalid";

struct CalendarConfig {
  std::string name;
  LangText title;
  LangText description;
  std::vector<std::string> languages;  // the first is the default
  std::string timezone;
  std::int64_t refresh_seconds = 3600;
  // ORGANIZER of every VEVENT: RFC 5546 §3.2.1 requires one in a
  // METHOD:PUBLISH calendar. A mailto: or http(s) URI.
  std::string organizer = std::string(kDefaultOrganizer);
  // The days around today of a feed request without start or end.
  FeedWindow feed_window;
  // Another calendar this one follows (its events come only from there).
  std::optional<EventSource> source;
  // page_layout FILE: the city's page around the agenda (common/page_layout.hpp);
  // null: the built-in one. Not part of the stored definition (civicctl
  // renders no pages); `page_layout_hash` goes into the pages' ETags.
  std::shared_ptr<const Layout> page_layout;
  std::uint64_t page_layout_hash = 0;
  // When the definition last changed, as recorded in the store (seconds);
  // not part of the definition itself.
  std::int64_t defined_at = 0;

  // The languages to try for `lang`: `lang` itself, then the configured
  // order.
  std::vector<std::string> fallback_chain(std::string_view lang) const;
  bool has_language(std::string_view lang) const;
  const std::string& default_language() const { return languages.front(); }

  // Changes whenever anything above changes: part of every ETag.
  std::uint64_t fingerprint() const;

  // A line-based text form stored in the store for civicctl, and back.
  std::string serialize() const;
  static bool deserialize(std::string_view text, CalendarConfig& out);
};

// A calendar name: 1 to 64 of a-z, 0-9, '_' and '-' (it is a URL segment).
bool is_valid_calendar_name(std::string_view name);

// An RFC 5545 DURATION for whole seconds: "PT6H", "P1D", "PT1H30M".
std::string format_ical_duration(std::int64_t seconds);

class CalendarConfigBuilder {
 public:
  explicit CalendarConfigBuilder(std::string name);

  // One directive line inside the block: its words without the ';'. Returns
  // an error text, or "" if the line is fine.
  std::string add(std::span<const std::string_view> words);

  // After the block's '}': checks what needs the whole block. Returns an
  // error text, or "" and fills `out`.
  std::string finish(CalendarConfig& out);

 private:
  CalendarConfig config_;
  bool have_languages_ = false;
  bool have_timezone_ = false;
  bool have_refresh_ = false;
  bool have_organizer_ = false;
  bool have_feed_window_ = false;
  bool have_source_ = false;
};

// Limits on the refresh interval.
inline constexpr std::int64_t kMinRefresh = 60;
inline constexpr std::int64_t kMaxRefresh = 30 * 86400;

}  // namespace civic::calendar
