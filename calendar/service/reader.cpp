#include "calendar/service/reader.hpp"

#include <algorithm>
#include <cstdio>
#include <memory>

#include "calendar/formats/calendar_json.hpp"
#include "calendar/formats/format.hpp"
#include "calendar/query/calendar_feed.hpp"
#include "calendar/query/agenda_page.hpp"
#include "calendar/query/event_list.hpp"
#include "calendar/query/event_resources.hpp"
#include "calendar/query/feed_query.hpp"
#include "common/hash.hpp"
#include "common/language.hpp"
#include "common/http_headers.hpp"
#include "storage/event_store.hpp"

namespace civic::calendar {

namespace {

constexpr std::string_view kAllow = "GET, HEAD";

// What a path names: the list, a calendar or one of its events, in the
// format its suffix says or (none) the Accept header chooses.
struct Route {
  enum Kind { list, feed, event, resources, none } kind = none;
  std::string_view calendar;
  std::string_view event_id;  // also a place's or keyword's id
  std::optional<Format> format;
  ResourceKind resources_kind = ResourceKind::places;
};

// "{cal}/places.json", "{cal}/places/{id}.json" and the same of keywords
// (calendar/query/event_resources.hpp): JSON only.
bool resource_route(std::string_view cal, std::string_view rest, Route& r) {
  for (auto [name, kind] : {std::pair{std::string_view("places"), ResourceKind::places},
                            std::pair{std::string_view("keywords"), ResourceKind::keywords}}) {
    if (!rest.starts_with(name)) continue;
    std::string_view after = rest.substr(name.size());
    std::string_view id;
    if (after != ".json") {
      if (!after.starts_with("/") || !after.ends_with(".json")) return false;
      id = after.substr(1, after.size() - 6);
      if (id.empty() || id.find('/') != std::string_view::npos) return false;
    }
    r.kind = Route::resources;
    r.resources_kind = kind;
    r.calendar = cal;
    r.event_id = id;
    r.format = Format::json;
    return true;
  }
  return false;
}

Route route(std::string_view path) {
  Route r;
  if (path.empty()) {
    r.kind = Route::list;
    return r;
  }
  auto slash = path.find('/');
  if (slash == std::string_view::npos) {
    r.format = take_suffix(path);
    if (!path.empty() && (r.format || path.find('.') == std::string_view::npos)) {
      r.kind = Route::feed;
      r.calendar = path;
    }
    return r;
  }
  std::string_view rest = path.substr(slash + 1);
  if (resource_route(path.substr(0, slash), rest, r)) return r;
  if (!rest.starts_with("events/")) return r;
  rest.remove_prefix(7);
  // An id may hold dots; only the table's suffixes are taken off.
  r.format = take_suffix(rest);
  if (rest.empty() || rest.find('/') != std::string_view::npos) return r;
  r.kind = Route::event;
  r.calendar = path.substr(0, slash);
  r.event_id = rest;
  return r;
}

// The best offered format for Accept (RFC 9110 §12.5.1); on a tie, the
// table's order. nullopt: none is acceptable.
std::optional<Format> negotiate(std::string_view accept) {
  std::optional<Format> best;
  int best_q = 0;
  for (const auto& row : kFormats) {
    if (!row.offered) continue;
    int q = accept_quality(accept, row.media);
    if (q > best_q) {
      best_q = q;
      best = row.format;
    }
  }
  return best;
}

// What one feed request asks for, parsed.
struct Plan {
  const CalendarConfig* calendar = nullptr;
  FeedQuery query;
  std::string event_id;  // empty: the whole feed (with `resources`: the list)
  Format format = Format::ics;
  ListLinks links;       // JSON: what its links are made of
  std::optional<ResourceKind> resources;  // places or keywords, not events
  std::string lang;      // HTML: the page's language
  std::uint64_t layout_hash = 0;  // HTML: the page_layout's
  std::string resource() const {
    if (resources) return std::string(*resources == ResourceKind::places ? "places" : "keywords") + ":" + event_id;
    return event_id.empty() ? "feed" : "event:" + event_id;
  }
  // What else the body depends on: the format and, for JSON, the links
  // (host, and the query as sent, which next/previous keep).
  std::string variant() const {
    std::string v(format_row(format).name);
    if (format == Format::json || format == Format::html)
      v.append("\n").append(links.base).append("\n").append(links.args);
    if (format == Format::html) v.append("\n").append(lang).append("\n").append(std::to_string(layout_hash));
    return v;
  }
};

void add_validators(Reply& reply, const Validators& v, std::int64_t max_age, std::int64_t now) {
  reply.header("ETag", v.etag);
  reply.last_modified = sent_last_modified(v.last_modified, now);
  reply.header("Cache-Control", "public, max-age=" + std::to_string(max_age));
}

Reply not_modified(const Validators& v, std::int64_t max_age, std::int64_t now) {
  Reply r;
  r.status = 304;
  add_validators(r, v, max_age, now);
  return r;
}

ReadAnswer store_failure(const Error& error) {
  ReadAnswer a;
  a.reply = error_reply(500, "the store could not be read; see the error log");
  a.reply.log = "calendar feed: " + error.message();
  return a;
}

// The list of calendars: it changes with the configuration only (and the
// Host it names).
Reply calendar_list(const Calendars& calendars, const ReadRequest& req) {
  std::string body = calendar_list_json(calendars.all(), req.base_url);
  char etag[24];
  std::snprintf(etag, sizeof etag, "\"%016llx\"", static_cast<unsigned long long>(fnv1a64(body)));
  Validators v{etag, 0};
  std::int64_t max_age = 3600;
  for (const auto* c : calendars.all()) {
    v.last_modified = std::max(v.last_modified, c->defined_at);
    max_age = std::min(max_age, c->refresh_seconds);
  }
  if (client_copy_is_current(req.if_none_match, req.if_modified_since, v.etag, v.last_modified, req.now))
    return not_modified(v, max_age, req.now);
  Reply r = json_reply(200, std::move(body));
  add_validators(r, v, max_age, req.now);
  return r;
}

// The body of a feed request, built in `txn` within `budget`.
Result<FeedAnswer> build(const storage::Txn& txn, const storage::Databases& db, const Plan& p,
                                  std::size_t budget, bool& page_missing) {
  if (p.format == Format::html) {
    AgendaLinks agenda{p.links, p.lang};
    if (!p.event_id.empty()) return build_event_page(txn, db, *p.calendar, p.event_id, agenda);
    auto built = build_agenda(txn, db, *p.calendar, p.query, agenda, budget);
    if (!built) return built.error();
    page_missing = built->page_missing;
    return std::move(built->feed);
  }
  if (p.resources) {
    auto built = build_resources(txn, db, *p.calendar, *p.resources, p.event_id, p.query, p.links, budget);
    if (!built) return built.error();
    page_missing = built->page_missing;
    return std::move(built->feed);
  }
  if (p.format == Format::json) {
    if (!p.event_id.empty()) return build_event_json(txn, db, *p.calendar, p.event_id, p.query, p.links);
    auto built = build_json_list(txn, db, *p.calendar, p.query, p.links, budget);
    if (!built) return built.error();
    page_missing = built->page_missing;
    return std::move(built->feed);
  }
  if (!p.event_id.empty()) return build_event_ics(txn, db, *p.calendar, p.event_id, p.query, p.format);
  return build_ics_feed(txn, db, *p.calendar, p.query, budget, p.format);
}

std::string cache_key(const Plan& p, const Validators& v) {
  return v.etag + "\n" + p.calendar->name + "\n" + p.resource() + "\n" + std::string(format_row(p.format).name);
}

// The agenda page's query: the fields a form sent empty ("keyword=&start=")
// left out (`as_sent`, which its links keep); then, for the parse, the
// page's language (lang=, else Accept-Language) and, for the list without
// start, end or days, the events from today on.
struct AgendaArgs {
  std::string as_sent;
  std::string args;
  std::string lang;
};

AgendaArgs agenda_args(std::string_view sent, const CalendarConfig& cal, std::int64_t now,
                       std::string_view accept_language, bool list) {
  AgendaArgs a;
  std::size_t at = 0;
  while (at < sent.size()) {
    std::size_t amp = std::min(sent.find('&', at), sent.size());
    std::string_view part = sent.substr(at, amp - at);
    if (!part.empty() && !part.ends_with("=")) a.as_sent.append(a.as_sent.empty() ? "" : "&").append(part);
    at = amp + 1;
  }
  a.args = a.as_sent;
  std::string asked;
  if (FeedQuery probe; !parse_feed_query(a.args, cal, now, probe)) {
    if (a.args.starts_with("lang=") || a.args.find("&lang=") != std::string::npos) asked = probe.lang;
    if (!probe.has_window() && list) a.args += (a.args.empty() ? "" : "&") + std::string("start=today");
  }
  a.lang = choose_language(asked, accept_language, cal.languages);
  if (asked.empty()) a.args += (a.args.empty() ? "" : "&") + std::string("lang=") + a.lang;
  return a;
}

}  // namespace

Reader::Reader(const Calendars& calendars, std::size_t cache_bytes) : calendars_(calendars) {
  if (cache_bytes > 0) cache_.emplace(cache_bytes);
}

ReadAnswer Reader::answer(storage::Store& store, const ReadRequest& request) { return read(store, request, false); }

ReadAnswer Reader::answer_whole(storage::Store& store, const ReadRequest& request) const {
  // The whole body, no cache: nothing of the Reader changes.
  return const_cast<Reader*>(this)->read(store, request, true);
}

void Reader::remember(const ReadAnswer& answer) {
  if (cache_ && answer.reply.status == 200 && answer.reply.shared && !answer.cache_key.empty())
    cache_->put(answer.cache_key, answer.reply.shared);
}

ReadAnswer Reader::read(storage::Store& store, const ReadRequest& req, bool whole) {
  ReadAnswer a;
  if (!req.read_method) {
    a.reply = method_not_allowed(kAllow);
    return a;
  }
  Route where = route(req.path);
  if (where.kind == Route::none) {
    a.reply = error_reply(404, "no such calendar resource");
    return a;
  }
  if (where.kind == Route::list) {
    a.reply = calendar_list(calendars_, req);
    return a;
  }
  // Headers every answer for this resource carries, refusals too.
  std::vector<std::pair<std::string, std::string>> headers;
  std::optional<Format> format = where.format;
  if (!format) {
    headers.emplace_back("Vary", "Accept");  // caches must keep the formats apart
    format = negotiate(req.accept);
  }
  if (format && format_row(*format).shared) headers.emplace_back("Access-Control-Allow-Origin", "*");
  auto finish = [&](ReadAnswer&& done) {
    done.reply.headers.insert(done.reply.headers.begin(), headers.begin(), headers.end());
    done.calendar = std::string(where.calendar);
    if (format) done.format = format_row(*format).name;
    return std::move(done);
  };
  if (!format) {
    a.reply = error_reply(406, "this calendar is available as text/calendar, application/calendar+json, "
                               "application/calendar+xml and text/html");
    return finish(std::move(a));
  }
  Plan p;
  p.calendar = calendars_.find(where.calendar);
  if (p.calendar == nullptr) {
    a.reply = error_reply(404, "no such calendar");
    return finish(std::move(a));
  }
  p.event_id = where.event_id;
  p.format = *format;
  if (where.kind == Route::resources) p.resources = where.resources_kind;
  if (p.format == Format::json || p.format == Format::html) {
    p.links.base = req.base_url;
    p.links.list_url = p.links.base + p.calendar->name + (p.format == Format::html ? ".html" : ".json");
    if (p.resources)
      p.links.list_url = p.links.base + p.calendar->name +
                         (*p.resources == ResourceKind::places ? "/places.json" : "/keywords.json");
    p.links.args = std::string(req.args);
  }
  std::string args(req.args);
  if (p.format == Format::html) {
    headers.emplace_back("Vary", "Accept-Language");
    AgendaArgs agenda = agenda_args(req.args, *p.calendar, req.now, req.accept_language, p.event_id.empty());
    args = std::move(agenda.args);
    p.links.args = std::move(agenda.as_sent);
    p.lang = std::move(agenda.lang);
    p.layout_hash = p.calendar->page_layout_hash;
  }
  if (auto err = parse_feed_query(args, *p.calendar, req.now, p.query)) {
    a.reply = error_reply(400, err->message.empty() ? "malformed query" : err->message, err->field);
    return finish(std::move(a));
  }
  // A whole feed without start/end: the calendar's feed_window (a paged
  // list is never the whole calendar at once).
  if (p.event_id.empty() && !p.resources && !format_row(p.format).paged) apply_feed_window(p.query, *p.calendar, req.now);

  // The validators, from the calendar's state record: no event is read.
  auto txn = storage::Txn::begin_read(store.env());
  if (!txn) return finish(store_failure(txn.error()));
  auto state = storage::events::read_state(*txn, store.db(), p.calendar->name);
  if (!state) return finish(store_failure(state.error()));
  Validators v = make_validators(store.id(), *p.calendar, *state, p.resource(), p.query, p.variant());
  std::int64_t max_age = p.calendar->refresh_seconds;
  if (client_copy_is_current(req.if_none_match, req.if_modified_since, v.etag, v.last_modified, req.now)) {
    a.reply = not_modified(v, max_age, req.now);
    return finish(std::move(a));
  }
  a.cache_key = cache_key(p, v);
  if (!whole && cache_) {
    if (auto body = cache_->find(a.cache_key)) {
      a.reply.content_type = format_row(p.format).content_type;
      a.reply.shared = std::move(body);
      a.from_cache = true;
      add_validators(a.reply, v, max_age, req.now);
      return finish(std::move(a));
    }
  }

  bool page_missing = false;
  auto built = build(*txn, store.db(), p, whole ? kUnlimited : kInlineBudget, page_missing);
  if (!built) return finish(store_failure(built.error()));
  if (built->refused) {
    a.reply = error_reply(400, built->refused->message, built->refused->field);
    return finish(std::move(a));
  }
  if (!built->found) {
    a.reply = error_reply(404, !p.resources ? "no such event"
                               : *p.resources == ResourceKind::places ? "no such place" : "no such keyword");
    return finish(std::move(a));
  }
  if (page_missing) {
    a.reply = error_reply(404, "no such page", "page");
    return finish(std::move(a));
  }
  if (built->over_budget) {
    a.needs_pool = true;
    return a;
  }
  a.reply.content_type = format_row(p.format).content_type;
  add_validators(a.reply, v, max_age, req.now);
  if (whole || (cache_ && built->body.size() <= cache_->max_entry())) {
    // A body to keep (in the cache, or past the pool thread's transaction).
    a.reply.shared = std::make_shared<const std::string>(built->body.str());
    if (!whole) cache_->put(a.cache_key, a.reply.shared);
  } else {
    a.reply.body = std::move(built->body);  // views of the store: sent while `txn` is open
    a.txn.emplace(std::move(*txn));
  }
  return finish(std::move(a));
}

}  // namespace civic::calendar
