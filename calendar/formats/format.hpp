// The formats calendars are served in: ONE table. A new format is a row here
// and its writer (calendar/formats/), and the query layer's builder picks the
// writer by the format (calendar/query/calendar_feed.cpp, event_list.cpp).
//
//   name    in ETags, cache keys and logs
//   suffix  taken off a path ("culture.ics"); "" if only Accept chooses it
//   media   its media type; the answer's Content-Type adds "; charset=utf-8"
//   offered chosen by Accept on /calendars/{cal} (RFC 9110 §12.5.1), in this
//           order on a tie
//   shared  Access-Control-Allow-Origin: * (read by web front ends on other
//           sites; calendar apps fetch .ics themselves)
//   paged   a calendar's list comes in pages (page, page_size); an unpaged
//           feed without start/end is the calendar's feed_window instead, so
//           that no subscriber gets a whole large calendar
#pragma once

#include <optional>
#include <string_view>

namespace civic::calendar {

enum class Format { ics, json, jcal, xcal, html };

struct FormatRow {
  Format format;
  std::string_view name;
  std::string_view suffix;
  std::string_view media;
  std::string_view content_type;
  bool offered;
  bool shared;
  bool paged;
};

inline constexpr FormatRow kFormats[] = {
    {Format::ics, "ics", ".ics", "text/calendar", "text/calendar; charset=utf-8", true, false, false},
    {Format::json, "json", ".json", "application/json", "application/json; charset=utf-8", false, true, true},
    {Format::jcal, "jcal", "", "application/calendar+json", "application/calendar+json; charset=utf-8", true, true, false},
    {Format::xcal, "xcal", "", "application/calendar+xml", "application/calendar+xml; charset=utf-8", true, true, false},
    // The agenda for people (calendar/query/agenda_page.hpp): last, so that
    // "*/*" still gets the .ics; a browser's "text/html" gets the page.
    {Format::html, "html", ".html", "text/html", "text/html; charset=utf-8", true, false, true},
};

constexpr const FormatRow& format_row(Format f) {
  for (const auto& row : kFormats)
    if (row.format == f) return row;
  return kFormats[0];
}

// The format a path's suffix names, taking it off `name`; nullopt if it has
// none of the table's suffixes.
inline std::optional<Format> take_suffix(std::string_view& name) {
  for (const auto& row : kFormats) {
    if (!row.suffix.empty() && name.size() > row.suffix.size() && name.ends_with(row.suffix)) {
      name.remove_suffix(row.suffix.size());
      return row.format;
    }
  }
  return std::nullopt;
}

}  // namespace civic::calendar
