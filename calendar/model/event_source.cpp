#include "calendar/model/event_source.hpp"

#include <algorithm>
#include <optional>
#include <vector>

#include "common/quantity.hpp"

namespace civic::calendar {

namespace {

bool is_http_url(std::string_view url) {
  bool scheme = url.starts_with("https://") || url.starts_with("http://");
  bool clean = std::none_of(url.begin(), url.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u <= 0x20 || u == 0x7f || c == '"' || c == '\\';
  });
  std::string_view host = url.substr(url.find("//") + 2);
  return scheme && clean && !host.empty() && host.front() != '/' && url.size() <= 2048;
}

std::string quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

}  // namespace

std::string_view source_kind_name(SourceKind kind) {
  switch (kind) {
    case SourceKind::ics: return "ics";
    case SourceKind::linkedevents: return "linkedevents";
    case SourceKind::civic: return "civic";
  }
  return "ics";
}

namespace {

std::optional<SourceKind> kind_named(std::string_view name) {
  for (SourceKind k : {SourceKind::ics, SourceKind::linkedevents, SourceKind::civic})
    if (source_kind_name(k) == name) return k;
  return std::nullopt;
}

// A query as a URL carries it: no spaces, quotes, '#' or control characters.
bool is_query(std::string_view q) {
  return !q.empty() && q.size() <= 2048 && q.front() != '&' && q.front() != '?' &&
         std::none_of(q.begin(), q.end(), [](char c) {
           auto u = static_cast<unsigned char>(c);
           return u <= 0x20 || u == 0x7f || c == '"' || c == '\\' || c == '#';
         });
}

// Parameters the follower sets itself: a query may not give them.
bool follower_sets(std::string_view query) {
  static constexpr std::string_view kOwn[] = {"page", "page_size", "sort", "last_modified_since", "show_deleted",
                                              "include", "format"};
  std::size_t start = 0;
  while (start <= query.size()) {
    std::size_t end = std::min(query.find('&', start), query.size());
    std::string_view pair = query.substr(start, end - start);
    std::string_view name = pair.substr(0, pair.find('='));
    if (std::find(std::begin(kOwn), std::end(kOwn), name) != std::end(kOwn)) return true;
    start = end + 1;
  }
  return false;
}

}  // namespace

std::string parse_event_source(std::span<const std::string_view> words, EventSource& out) {
  if (words.size() < 2)
    return "\"source\" takes a kind and a URL: source ics https://example.org/calendar.ics [interval=15m] "
           "[timeout=30s]";
  EventSource s;
  auto kind = kind_named(words[0]);
  if (!kind) return "\"source\": " + quoted(words[0]) + " is not a kind of source (ics, linkedevents or civic)";
  s.kind = *kind;
  if (!is_http_url(words[1])) return "\"source\": " + quoted(words[1]) + " is not an http: or https: URL";
  if (s.kind != SourceKind::ics && words[1].find('?') != std::string_view::npos)
    return "\"source\": " + quoted(words[1]) + " has a query; give the API's filters as query=\"...\"";
  s.url = words[1];
  if (s.kind == SourceKind::linkedevents) s.interval_seconds = 5 * 60;
  if (s.kind == SourceKind::civic) s.interval_seconds = 30;
  bool have_interval = false, have_timeout = false, have_query = false;
  for (auto word : words.subspan(2)) {
    std::size_t eq = word.find('=');
    std::string_view name = word.substr(0, eq);
    std::string_view value = eq == std::string_view::npos ? std::string_view() : word.substr(eq + 1);
    if (name == "interval" && !have_interval && eq != std::string_view::npos) {
      s.interval_seconds = parse_duration(value);
      if (s.interval_seconds < kMinSourceInterval || s.interval_seconds > kMaxSourceInterval)
        return "\"source\": interval=" + std::string(value) + " is not a time between 10s and 7d (such as 15m)";
      have_interval = true;
    } else if (name == "timeout" && !have_timeout && eq != std::string_view::npos) {
      s.timeout_seconds = parse_duration(value);
      if (s.timeout_seconds < 1 || s.timeout_seconds > kMaxSourceTimeout)
        return "\"source\": timeout=" + std::string(value) + " is not a time between 1s and 10m (such as 30s)";
      have_timeout = true;
    } else if (name == "query" && !have_query && s.kind == SourceKind::linkedevents && eq != std::string_view::npos) {
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
      if (!is_query(value))
        return "\"source\": query=" + std::string(value) +
               " is not a URL query such as query=\"publisher=ahjo:00001&division=helsinki\"";
      if (follower_sets(value))
        return "\"source\": query=" + std::string(value) +
               " sets a parameter the follower sets itself (page, page_size, sort, last_modified_since, "
               "show_deleted, include, format)";
      s.query = value;
      have_query = true;
    } else {
      return "\"source\": " + quoted(word) + " is not interval=TIME or timeout=TIME" +
             (s.kind == SourceKind::linkedevents ? " or query=\"...\"" : "") + " (each at most once)";
    }
  }
  out = std::move(s);
  return {};
}

std::string format_event_source(const EventSource& s) {
  std::string out = std::string(source_kind_name(s.kind)) + " " + s.url + " " + std::to_string(s.interval_seconds) +
                    " " + std::to_string(s.timeout_seconds);
  if (!s.query.empty()) out += " " + s.query;
  return out;
}

bool read_event_source(std::string_view text, EventSource& out) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find(' ', start);
    if (end == std::string_view::npos) end = text.size();
    parts.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  auto kind = parts.empty() ? std::nullopt : kind_named(parts[0]);
  if ((parts.size() != 4 && parts.size() != 5) || !kind) return false;
  EventSource s;
  s.kind = *kind;
  if (parts.size() == 5) s.query = parts[4];
  s.url = parts[1];
  s.interval_seconds = parse_duration(std::string(parts[2]) + "s");
  s.timeout_seconds = parse_duration(std::string(parts[3]) + "s");
  if (s.interval_seconds <= 0 || s.timeout_seconds <= 0) return false;
  out = std::move(s);
  return true;
}

}  // namespace civic::calendar
