#include "calendar/model/event_source.hpp"

#include <algorithm>
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
  }
  return "ics";
}

std::string parse_event_source(std::span<const std::string_view> words, EventSource& out) {
  if (words.size() < 2)
    return "\"source\" takes a kind and a URL: source ics https://example.org/calendar.ics [interval=15m] "
           "[timeout=30s]";
  EventSource s;
  if (words[0] == "linkedevents" || words[0] == "civic")
    return "\"source " + std::string(words[0]) + "\" is not supported yet; this civic follows \"source ics\"";
  if (words[0] != "ics") return "\"source\": " + quoted(words[0]) + " is not a kind of source (ics)";
  if (!is_http_url(words[1])) return "\"source\": " + quoted(words[1]) + " is not an http: or https: URL";
  s.url = words[1];
  bool have_interval = false, have_timeout = false;
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
    } else {
      return "\"source\": " + quoted(word) + " is not interval=TIME or timeout=TIME (each at most once)";
    }
  }
  out = std::move(s);
  return {};
}

std::string format_event_source(const EventSource& s) {
  return std::string(source_kind_name(s.kind)) + " " + s.url + " " + std::to_string(s.interval_seconds) + " " +
         std::to_string(s.timeout_seconds);
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
  if (parts.size() != 4 || parts[0] != "ics") return false;
  EventSource s;
  s.url = parts[1];
  s.interval_seconds = parse_duration(std::string(parts[2]) + "s");
  s.timeout_seconds = parse_duration(std::string(parts[3]) + "s");
  if (s.interval_seconds <= 0 || s.timeout_seconds <= 0) return false;
  out = std::move(s);
  return true;
}

}  // namespace civic::calendar
