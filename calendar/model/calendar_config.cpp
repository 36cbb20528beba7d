#include "calendar/model/calendar_config.hpp"

#include <algorithm>

#include "common/hash.hpp"
#include "common/config_hints.hpp"
#include "common/quantity.hpp"
#include "common/quote.hpp"
#include "calendar/model/timezone.hpp"

namespace civic::calendar {

std::vector<std::string> CalendarConfig::fallback_chain(std::string_view lang) const {
  std::vector<std::string> chain;
  chain.emplace_back(lang);
  for (const auto& l : languages)
    if (l != lang) chain.push_back(l);
  return chain;
}

bool CalendarConfig::has_language(std::string_view lang) const {
  return std::find(languages.begin(), languages.end(), lang) != languages.end();
}

std::uint64_t CalendarConfig::fingerprint() const { return fnv1a64(serialize()); }

namespace {

// Serialized form: one "key\tvalue..." line per setting; texts never hold a
// tab or newline (the builder refuses them).
void put(std::string& out, std::string_view key, std::string_view a, std::string_view b = {}) {
  out.append(key).append(1, '\t').append(a);
  if (!b.empty()) out.append(1, '\t').append(b);
  out.append(1, '\n');
}

bool clean_text(std::string_view text) {
  return std::none_of(text.begin(), text.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (true) {
    std::size_t end = s.find(sep, start);
    out.push_back(s.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) return out;
    start = end + 1;
  }
}

}  // namespace

std::string CalendarConfig::serialize() const {
  std::string out;
  put(out, "name", name);
  for (const auto& [lang, text] : title.entries()) put(out, "title", lang, text);
  for (const auto& [lang, text] : description.entries()) put(out, "description", lang, text);
  std::string langs;
  for (const auto& l : languages) langs.append(langs.empty() ? "" : " ").append(l);
  put(out, "languages", langs);
  put(out, "timezone", timezone);
  put(out, "refresh", std::to_string(refresh_seconds));
  put(out, "organizer", organizer);
  put(out, "feed_window", format_feed_window(feed_window));
  if (source) put(out, "source", format_event_source(*source));
  return out;
}

bool CalendarConfig::deserialize(std::string_view text, CalendarConfig& out) {
  CalendarConfig c;
  for (auto line : split(text, '\n')) {
    if (line.empty()) continue;
    auto f = split(line, '\t');
    if (f[0] == "name" && f.size() == 2) {
      c.name = f[1];
    } else if ((f[0] == "title" || f[0] == "description") && f.size() == 3) {
      (f[0] == "title" ? c.title : c.description).set(std::string(f[1]), std::string(f[2]));
    } else if (f[0] == "languages" && f.size() == 2) {
      for (auto l : split(f[1], ' '))
        if (!l.empty()) c.languages.emplace_back(l);
    } else if (f[0] == "timezone" && f.size() == 2) {
      c.timezone = f[1];
    } else if (f[0] == "organizer" && f.size() == 2) {
      c.organizer = f[1];
    } else if (f[0] == "feed_window" && f.size() == 2) {
      // (A definition stored before the setting existed has no such line:
      // the default.)
      auto sides = split(f[1], ' ');
      if (!parse_feed_window(sides, c.feed_window).empty()) return false;
    } else if (f[0] == "refresh" && f.size() == 2) {
      c.refresh_seconds = parse_duration(std::string(f[1]) + "s");
    } else if (f[0] == "source" && f.size() == 2) {
      EventSource source;
      if (!read_event_source(f[1], source)) return false;
      c.source = std::move(source);
    } else {
      return false;
    }
  }
  if (c.name.empty() || c.languages.empty() || c.timezone.empty() || c.refresh_seconds <= 0) return false;
  out = std::move(c);
  return true;
}

bool is_valid_calendar_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

std::string format_ical_duration(std::int64_t s) {
  if (s <= 0) return "PT0S";
  std::string out = "P";
  if (s % 86400 == 0 && s % (7 * 86400) == 0) return out + std::to_string(s / (7 * 86400)) + "W";
  if (s >= 86400) {
    out += std::to_string(s / 86400) + "D";
    s %= 86400;
  }
  if (s > 0) {
    out += 'T';
    if (s >= 3600) out += std::to_string(s / 3600) + "H";
    if (s % 3600 >= 60) out += std::to_string(s % 3600 / 60) + "M";
    if (s % 60) out += std::to_string(s % 60) + "S";
  }
  return out;
}

CalendarConfigBuilder::CalendarConfigBuilder(std::string name) { config_.name = std::move(name); }

std::string CalendarConfigBuilder::add(std::span<const std::string_view> words) {
  static constexpr std::string_view kSettings[] = {"title", "description", "languages", "timezone", "refresh",
                                                    "organizer", "feed_window", "source", "page_layout"};
  if (words.empty()) return "an empty line";
  std::string_view key = words[0];
  std::size_t args = words.size() - 1;
  // Too many words for a setting: maybe the ";" before the next one is missing.
  auto hint = [&] { return missing_semicolon(words, kSettings); };

  if (key == "title" || key == "description") {
    if (args != 2) return quoted(key) + " takes a language and a text: " + std::string(key) + " fi \"...\"" + hint();
    if (!is_language_tag(words[1]))
      return quoted(key) + ": " + quoted(words[1]) + " is not a language tag (such as fi, sv, en)";
    LangText& target = key == "title" ? config_.title : config_.description;
    if (target.get(words[1]) != nullptr) return quoted(key) + " for " + quoted(words[1]) + " is duplicate";
    if (words[2].empty()) return quoted(key) + " is empty";
    if (words[2].size() > 1000) return quoted(key) + " is longer than 1000 bytes";
    if (!clean_text(words[2])) return quoted(key) + " holds a control character";
    target.set(std::string(words[1]), std::string(words[2]));
    return {};
  }
  if (key == "languages") {
    if (have_languages_) return "\"languages\" is duplicate";
    if (args == 0) return "\"languages\" needs at least one language: languages fi sv en";
    for (std::size_t i = 1; i < words.size(); ++i) {
      if (!is_language_tag(words[i]))
        return "\"languages\": " + quoted(words[i]) + " is not a language tag (such as fi, sv, en)" + hint();
      if (config_.has_language(words[i])) return "\"languages\": " + quoted(words[i]) + " is given twice";
      config_.languages.emplace_back(words[i]);
    }
    have_languages_ = true;
    return {};
  }
  if (key == "timezone") {
    if (have_timezone_) return "\"timezone\" is duplicate";
    if (args != 1) return "\"timezone\" takes one name of the tz database, such as Europe/Helsinki" + hint();
    if (!zone_exists(words[1]))
      return "\"timezone\": " + quoted(words[1]) +
             " is not a time zone of the system tz database (/usr/share/zoneinfo); use a name such as "
             "Europe/Helsinki, or UTC";
    config_.timezone = words[1];
    have_timezone_ = true;
    return {};
  }
  if (key == "refresh") {
    if (have_refresh_) return "\"refresh\" is duplicate";
    if (args != 1) return "\"refresh\" takes one time, such as 6h" + hint();
    std::int64_t s = parse_duration(words[1]);
    if (s < 0) return "\"refresh\": " + quoted(words[1]) + " is not a time (such as 30m, 6h, 1d)";
    if (s < kMinRefresh || s > kMaxRefresh) return "\"refresh\" must be between 1m and 30d";
    config_.refresh_seconds = s;
    have_refresh_ = true;
    return {};
  }
  if (key == "organizer") {
    if (have_organizer_) return "\"organizer\" is duplicate";
    if (args != 1) return "\"organizer\" takes one address, such as mailto:events@example.org" + hint();
    std::string_view uri = words[1];
    bool scheme = uri.starts_with("mailto:") || uri.starts_with("https://") || uri.starts_with("http://");
    bool clean = std::none_of(uri.begin(), uri.end(), [](char c) {
      auto u = static_cast<unsigned char>(c);
      return u <= 0x20 || u == 0x7f || c == '"';
    });
    if (!scheme || !clean || uri.size() > 320 || uri.size() < 9)
      return "\"organizer\": " + quoted(uri) + " is not a mailto:, http: or https: address";
    config_.organizer = uri;
    have_organizer_ = true;
    return {};
  }
  if (key == "feed_window") {
    if (have_feed_window_) return "\"feed_window\" is duplicate";
    std::string error = parse_feed_window(words.subspan(1), config_.feed_window);
    if (!error.empty() && args != 2) error += hint();
    have_feed_window_ = error.empty();
    return error;
  }
  if (key == "source") {
    if (have_source_) return "\"source\" is duplicate: a calendar follows one source";
    EventSource source;
    std::string error = parse_event_source(words.subspan(1), source);
    if (!error.empty()) return error;
    config_.source = std::move(source);
    have_source_ = true;
    return {};
  }
  if (key == "page_layout") {
    // The module gives the file's full path (relative to nginx's prefix).
    if (args != 1) return "\"page_layout\" takes a file: page_layout /etc/nginx/civic/page.html" + hint();
    if (config_.page_layout) return "\"page_layout\" is duplicate";
    auto loaded = Layout::load(std::string(words[1]), "page_layout");
    if (auto* error = std::get_if<std::string>(&loaded)) return *error;
    config_.page_layout = std::make_shared<const Layout>(std::move(std::get<Layout>(loaded)));
    Html nothing;
    config_.page_layout_hash = fnv1a64(words[1], fnv1a64(config_.page_layout->render("", "", nothing.take())));
    return {};
  }
  return unknown_setting(key, kSettings, "a civic_calendar");
}

std::string CalendarConfigBuilder::finish(CalendarConfig& out) {
  if (!have_languages_) return "civic_calendar \"" + config_.name + "\" needs \"languages\", e.g. languages fi sv en;";
  if (!have_timezone_)
    return "civic_calendar \"" + config_.name + "\" needs \"timezone\", e.g. timezone Europe/Helsinki;";
  for (const LangText* text : {&config_.title, &config_.description})
    for (const auto& [lang, value] : text->entries())
      if (!config_.has_language(lang))
        return "civic_calendar \"" + config_.name + "\": " + (text == &config_.title ? "title" : "description") +
               " in \"" + lang + "\", which is not one of its languages";
  out = config_;
  return {};
}

}  // namespace civic::calendar
