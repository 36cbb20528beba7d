#include "calendar/query/feed_query.hpp"

#include "calendar/formats/event_json_template.hpp"

#include "common/query_string.hpp"

#include <algorithm>
#include <array>
#include <charconv>

#include "calendar/model/civil_time.hpp"
#include "calendar/model/event.hpp"
#include "calendar/model/feed_window.hpp"
#include "calendar/formats/ics_reader.hpp"
#include "calendar/model/recurrence.hpp"
#include "calendar/formats/text_fold.hpp"
#include "storage/search_words.hpp"
#include "calendar/model/timezone.hpp"

namespace civic::calendar {

namespace {

FieldError bad(std::string field, std::string message) {
  FieldError e;
  e.kind = FieldError::Kind::syntax;
  e.field = std::move(field);
  e.message = std::move(message);
  return e;
}

std::vector<std::string> split_list(std::string_view s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    std::size_t end = s.find(',', start);
    if (end == std::string_view::npos) end = s.size();
    std::string_view item = s.substr(start, end - start);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty() && std::find(out.begin(), out.end(), item) == out.end()) out.emplace_back(item);
    start = end + 1;
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::optional<bool> parse_bool(std::string_view v) {
  if (v == "true" || v == "1") return true;
  if (v == "false" || v == "0") return false;
  return std::nullopt;
}

std::optional<int> parse_int(std::string_view v, int min, int max) {
  int n = 0;
  auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || ptr != v.data() + v.size() || n < min || n > max) return std::nullopt;
  return n;
}

// start / end: `is_end` makes a date (and today) mean the end of that day.
std::optional<std::int64_t> parse_instant(std::string_view v, bool is_end, const CalendarConfig& cal,
                                          std::int64_t now, std::optional<std::int64_t>& basis) {
  if (v == "now") {
    basis = now;
    return now;
  }
  if (v == "today") {
    CivilTime local = utc_to_local(now, cal.timezone);
    CivilTime midnight{local.year, local.month, local.day, 0, 0, 0};
    std::int64_t today = local_to_utc(midnight, cal.timezone);
    basis = std::max(basis.value_or(today), today);
    return is_end ? local_to_utc(add_days(midnight, 1), cal.timezone) : today;
  }
  auto iso = parse_iso8601(v);
  if (!iso) return std::nullopt;
  if (iso->date_only) {
    CivilTime day = iso->civil;
    return local_to_utc(is_end ? add_days(day, 1) : day, cal.timezone);
  }
  if (iso->offset_seconds) return seconds_from_civil(iso->civil) - *iso->offset_seconds;
  return local_to_utc(iso->civil, cal.timezone);
}

// A date or date-time that parse_iso8601 refused for its year alone.
bool year_out_of_range(std::string_view v) {
  if (v.size() < 4 || !std::all_of(v.begin(), v.begin() + 4, [](char c) { return c >= '0' && c <= '9'; }))
    return false;
  std::string probe(v);
  probe.replace(0, 4, "2000");
  return parse_iso8601(probe).has_value();
}

// The message for a date whose year alone is refused.
std::string years_message() {
  return "must be in the years " + std::to_string(kMinYear) + " to " + std::to_string(kMaxYear) +
         " (the dates civic takes)";
}

// kOpenRangeYears after the later of `start` and the start of today, as a
// date in the calendar's zone (29 February: 1 March).
std::int64_t open_range_end(std::int64_t start, const CalendarConfig& cal, std::int64_t now,
                            std::optional<std::int64_t>& basis) {
  CivilTime local = utc_to_local(now, cal.timezone);
  std::int64_t today = local_to_utc(CivilTime{local.year, local.month, local.day, 0, 0, 0}, cal.timezone);
  std::int64_t from = start;
  if (today > start) {
    from = today;
    basis = std::max(basis.value_or(today), today);
  }
  CivilTime day = utc_to_local(from, cal.timezone);
  CivilTime end{day.year + kOpenRangeYears, day.month, day.day, 0, 0, 0};
  if (!is_valid_date(end.year, end.month, end.day)) end = add_days(CivilTime{end.year, end.month, 28, 0, 0, 0}, 1);
  if (end.year > kMaxYear) return kEndOfTime;
  return local_to_utc(end, cal.timezone);
}

}  // namespace

std::int64_t FeedQuery::series_end() const {
  if (end) return *end;
  return series_until.value_or(kEndOfTime);
}

std::string FeedQuery::normalized() const {
  std::string n;
  auto add = [&n](std::string_view key, std::string_view value) {
    n.append(key).append(1, '=').append(value).append(1, '\n');
  };
  auto list = [&](std::string_view key, const std::vector<std::string>& items) {
    if (items.empty()) return;
    std::string joined;
    for (const auto& i : items) joined.append(i).append(1, '\x1f');
    add(key, joined);
  };
  if (start) add("start", std::to_string(*start));
  if (end) add("end", std::to_string(*end));
  if (series_until) add("series_until", std::to_string(*series_until));
  list("keyword", keyword_any);
  list("keyword_AND", keyword_all);
  list("keyword!", keyword_none);
  list("location", locations);
  if (!text.empty()) add("text", text);
  if (statuses) add("event_status", std::to_string(statuses));
  if (is_free) add("is_free", *is_free ? "1" : "0");
  if (modified_since_us) add("last_modified_since", std::to_string(*modified_since_us));
  if (show_deleted) add("show_deleted", "1");
  if (hide_recurring_children) add("hide_recurring_children", "1");
  if (super_event_none) add("super_event", "none");
  if (super_event_types) add("super_event_type", std::to_string(super_event_types));
  if (include) add("include", std::to_string(include));
  if (!sort.empty()) add("sort", sort);
  add("page", std::to_string(page));
  add("page_size", std::to_string(page_size));
  add("lang", lang);
  if (recurrence_id) {
    const CivilTime& c = recurrence_id->civil;
    add("recurrence_id", recurrence_id->date_only ? format_iso_date(c)
                         : format_ical_datetime(c) + "/" +
                               (recurrence_id->offset_seconds ? std::to_string(*recurrence_id->offset_seconds) : "local"));
  }
  return n;
}

namespace {

// What a parameter's setter reads besides its value.
struct ParseInput {
  std::string_view name;
  const std::string& value;
  const CalendarConfig& cal;
  std::int64_t now;
};

// One parameter: its setter fills its part of the query and returns false
// when the value is refused, with `error` set or, left empty, `expected`
// (a date parameter's names the years civic takes when only the year is wrong).
struct Parameter {
  std::string_view name;
  bool (*set)(const ParseInput& in, FeedQuery& q, std::string& error);
  std::string_view expected;
  bool date = false;
};

bool set_time(const ParseInput& in, FeedQuery& q, std::string&) {
  bool is_end = in.name == "end";
  auto t = parse_instant(in.value, is_end, in.cal, in.now, q.time_basis);
  if (t) (is_end ? q.end : q.start) = *t;
  return t.has_value();
}

// keyword, keyword_AND, keyword! and location: comma-separated lists.
template <std::vector<std::string> FeedQuery::*list>
bool set_list(const ParseInput& in, FeedQuery& q, std::string& error) {
  auto items = split_list(in.value);
  if (items.empty()) error = "is empty";
  if (items.size() > 50) error = "lists more than 50 values";
  if (!error.empty()) return false;
  q.*list = std::move(items);
  return true;
}

bool set_text(const ParseInput& in, FeedQuery& q, std::string& error) {
  if (in.value.empty()) {
    error = "is empty";
    return false;
  }
  q.text = fold_case(in.value);
  q.text_words.clear();
  for (std::string_view w : storage::words_of(q.text)) q.text_words.emplace_back(w);
  if (q.text_words.empty()) {
    error = "has no word to search for (letters or digits)";
    return false;
  }
  return true;
}

bool set_statuses(const ParseInput& in, FeedQuery& q, std::string& error) {
  for (const auto& s : split_list(in.value)) {
    auto status = status_from_name(s);
    if (!status) return false;
    q.statuses |= static_cast<std::uint8_t>(1u << static_cast<unsigned>(*status));
  }
  if (!q.statuses) error = "is empty";
  return q.statuses != 0;
}

bool set_is_free(const ParseInput& in, FeedQuery& q, std::string&) {
  q.is_free = parse_bool(in.value);
  return q.is_free.has_value();
}

bool set_show_deleted(const ParseInput& in, FeedQuery& q, std::string&) {
  auto b = parse_bool(in.value);
  q.show_deleted = b.value_or(false);
  return b.has_value();
}

bool set_modified_since(const ParseInput& in, FeedQuery& q, std::string&) {
  auto iso = parse_iso8601(in.value);
  if (!iso) return false;
  std::int64_t s = iso->offset_seconds ? seconds_from_civil(iso->civil) - *iso->offset_seconds
                                       : local_to_utc(iso->civil, in.cal.timezone);
  q.modified_since_us = s * 1000000 + iso->micros;
  return true;
}

bool set_sort(const ParseInput& in, FeedQuery& q, std::string&) {
  static constexpr std::string_view kSorts[] = {"start_time", "-start_time", "end_time", "-end_time",
                                                "last_modified_time", "-last_modified_time", "name"};
  if (std::find(std::begin(kSorts), std::end(kSorts), in.value) == std::end(kSorts)) return false;
  q.sort = in.value;
  return true;
}

bool set_page(const ParseInput& in, FeedQuery& q, std::string& error) {
  auto n = parse_int(in.value, 1, kMaxPage);
  if (!n) error = "must be a whole number from 1 to " + std::to_string(kMaxPage);
  q.page = n.value_or(q.page);
  return n.has_value();
}

bool set_page_size(const ParseInput& in, FeedQuery& q, std::string&) {
  auto n = parse_int(in.value, 1, kMaxPageSize);
  q.page_size = n.value_or(q.page_size);
  return n.has_value();
}

bool set_lang(const ParseInput& in, FeedQuery& q, std::string& error) {
  if (!in.cal.has_language(in.value)) {
    error = "must be one of the calendar's languages: ";
    for (std::size_t i = 0; i < in.cal.languages.size(); ++i) error.append(i ? ", " : "").append(in.cal.languages[i]);
    return false;
  }
  q.lang = in.value;
  return true;
}

bool set_hide_recurring_children(const ParseInput& in, FeedQuery& q, std::string&) {
  auto b = parse_bool(in.value);
  q.hide_recurring_children = b.value_or(false);
  return b.has_value();
}

// Linked Events' super_event=none; an id (the sub-events of one event) is not
// supported: civic's series are their own occurrences' super events.
bool set_super_event(const ParseInput& in, FeedQuery& q, std::string&) {
  q.super_event_none = in.value == "none";
  return q.super_event_none;
}

bool set_super_event_types(const ParseInput& in, FeedQuery& q, std::string& error) {
  for (const auto& s : split_list(in.value)) {
    if (s == "recurring") q.super_event_types |= FeedQuery::kRecurring;
    else if (s == "umbrella") q.super_event_types |= FeedQuery::kUmbrella;
    else if (s == "none") q.super_event_types |= FeedQuery::kNoSuperType;
    else return false;
  }
  if (!q.super_event_types) error = "is empty";
  return q.super_event_types != 0;
}

// Linked Events' include=location,keywords; the other names it knows
// (audience, in_language, sub_events...) have nothing to expand here and are
// passed over, as unknown parameters are.
bool set_include(const ParseInput& in, FeedQuery& q, std::string&) {
  for (const auto& s : split_list(in.value)) {
    if (s == "location") q.include |= kIncludeLocation;
    if (s == "keywords") q.include |= kIncludeKeywords;
  }
  return true;
}

// Linked Events' days=N: from the start of today, N days.
bool set_days(const ParseInput& in, FeedQuery& q, std::string&) {
  auto n = parse_int(in.value, 1, kMaxFeedWindowDays);
  if (n) q.days = static_cast<int>(*n);
  return n.has_value();
}

bool set_recurrence_id(const ParseInput& in, FeedQuery& q, std::string&) {
  q.recurrence_id = parse_iso8601(in.value);
  return q.recurrence_id.has_value();
}

constexpr Parameter kParameters[] = {
    {"start", set_time, "must be an ISO 8601 date (2026-12-24) or date-time, or today or now", true},
    {"end", set_time, "must be an ISO 8601 date (2026-12-24) or date-time, or today or now", true},
    {"keyword", set_list<&FeedQuery::keyword_any>, ""},
    {"keyword_AND", set_list<&FeedQuery::keyword_all>, ""},
    {"keyword!", set_list<&FeedQuery::keyword_none>, ""},
    {"location", set_list<&FeedQuery::locations>, ""},
    {"text", set_text, ""},
    {"event_status", set_statuses,
     "must list EventScheduled, EventCancelled, EventPostponed or EventRescheduled"},
    {"is_free", set_is_free, "must be true or false"},
    {"last_modified_since", set_modified_since, "must be an ISO 8601 date or date-time", true},
    {"show_deleted", set_show_deleted, "must be true or false"},
    {"sort", set_sort,
     "must be start_time, -start_time, end_time, -end_time, last_modified_time, -last_modified_time or name"},
    {"page", set_page, ""},
    {"page_size", set_page_size, "must be a whole number from 1 to 100"},
    {"lang", set_lang, ""},
    {"days", set_days, "must be a whole number of days from 1 to 3650"},
    {"hide_recurring_children", set_hide_recurring_children, "must be true or false"},
    {"include", set_include, ""},
    {"super_event", set_super_event, "must be none (the items that are not part of another)"},
    {"super_event_type", set_super_event_types, "must list recurring, umbrella or none"},
    {"recurrence_id", set_recurrence_id,
     "must be an ISO 8601 date or date-time, as an occurrence's start_time", true},
};

constexpr auto kParameterNames = [] {
  std::array<std::string_view, std::size(kParameters)> names{};
  for (std::size_t i = 0; i < names.size(); ++i) names[i] = kParameters[i].name;
  return names;
}();

const Parameter& parameter_named(std::string_view name) {
  return *std::find_if(std::begin(kParameters), std::end(kParameters),
                       [&](const Parameter& p) { return p.name == name; });
}

}  // namespace

std::optional<FieldError> parse_feed_query(std::string_view args, const CalendarConfig& cal, std::int64_t now,
                                           FeedQuery& q) {
  q = FeedQuery{};
  q.lang = cal.default_language();
  std::vector<QueryParameter> params;
  if (auto error = parse_query(args, kParameterNames, params)) return bad(error->parameter, error->message);
  for (const QueryParameter& param : params) {
    if (param.value.size() > 1000) return bad(param.name, "is longer than 1000 bytes");
    const Parameter& p = parameter_named(param.name);
    std::string error;
    if (p.set(ParseInput{param.name, param.value, cal, now}, q, error)) continue;
    if (error.empty()) error = p.date && year_out_of_range(param.value) ? years_message() : std::string(p.expected);
    return bad(param.name, std::move(error));
  }
  if (q.days) {
    if (q.start || q.end) return bad("days", "cannot be used together with start or end");
    FeedWindowRange range = feed_window_range(FeedWindow{0, *q.days}, cal.timezone, now);
    q.start = range.start;
    q.end = range.end;
    q.time_basis = std::max(q.time_basis.value_or(range.today), range.today);
  }
  if (q.start && q.end && *q.end <= *q.start) return bad("end", "must be after start");
  if (q.start && !q.end) q.series_until = open_range_end(*q.start, cal, now, q.time_basis);
  return std::nullopt;
}

void apply_feed_window(FeedQuery& q, const CalendarConfig& cal, std::int64_t now) {
  if (q.has_window()) return;
  FeedWindowRange range = feed_window_range(cal.feed_window, cal.timezone, now);
  q.start = range.start;
  q.end = range.end;
  q.time_basis = std::max(q.time_basis.value_or(range.today), range.today);
}

}  // namespace civic::calendar
