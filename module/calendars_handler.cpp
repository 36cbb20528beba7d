// civic_calendars: the public, read-only calendar feeds below its location.
//
//   GET /calendars/                        the list of calendars (JSON)
//   GET /calendars/{cal}.ics               the feed
//   GET /calendars/{cal}.json              the Linked-Events-style list
//   GET /calendars/{cal}                   iCal, jCal or xCal, by Accept
//   GET /calendars/{cal}/events/{id}.ics   one event (also .json, or by Accept)
//
// A request reads the calendar's state record, answers 304 if the client's
// copy is current, else builds the body inline from stored VEVENTs; one that
// would read more than calendar::kInlineBudget index entries is built again in
// the thread pool.
#include "module/ngx.hpp"

#include <algorithm>
#include <cstdio>
#include <exception>
#include <memory>
#include <optional>
#include <string>

#include "common/hash.hpp"
#include "common/http_headers.hpp"
#include "calendar/query/calendar_feed.hpp"
#include "calendar/formats/calendar_json.hpp"
#include "calendar/query/event_list.hpp"
#include "calendar/query/feed_cache.hpp"
#include "calendar/query/feed_query.hpp"
#include "calendar/model/field_error.hpp"
#include "module/calendar_conf.hpp"
#include "module/http_cache.hpp"
#include "module/module.hpp"
#include "module/offload.hpp"
#include "module/response.hpp"
#include "storage/event_store.hpp"

namespace civic::module {

namespace {

constexpr std::string_view kAllow = "GET, HEAD";

// The forms an answer is written in.
enum class Format { ics, json, jcal, xcal };

std::string_view format_name(Format f) {
  switch (f) {
    case Format::json: return "json";
    case Format::jcal: return "jcal";
    case Format::xcal: return "xcal";
    case Format::ics: break;
  }
  return "ics";
}

const char* content_type(Format f) {
  switch (f) {
    case Format::json: return "application/json; charset=utf-8";
    case Format::jcal: return "application/calendar+json; charset=utf-8";
    case Format::xcal: return "application/calendar+xml; charset=utf-8";
    case Format::ics: break;
  }
  return "text/calendar; charset=utf-8";
}

calendar::FeedFormat feed_format(Format f) {
  return f == Format::jcal ? calendar::FeedFormat::jcal : f == Format::xcal ? calendar::FeedFormat::xcal : calendar::FeedFormat::ics;
}

// What a path names: a calendar or one of its events, in a format its
// extension says or (none) the Accept header chooses.
struct Route {
  enum Kind { list, feed, event, none } kind = none;
  std::string_view calendar;
  std::string_view event_id;
  std::optional<Format> format;  // nullopt: negotiated
};

// Splits ".ics" / ".json" off `name`; false if it has another extension.
bool take_extension(std::string_view& name, std::optional<Format>& format, bool dots_allowed) {
  if (name.ends_with(".ics") && name.size() > 4) {
    name.remove_suffix(4);
    format = Format::ics;
  } else if (name.ends_with(".json") && name.size() > 5) {
    name.remove_suffix(5);
    format = Format::json;
  } else if (!dots_allowed && name.find('.') != std::string_view::npos) {
    return false;
  }
  return !name.empty();
}

Route route(std::string_view path) {
  Route r;
  if (path.empty()) {
    r.kind = Route::list;
    return r;
  }
  auto slash = path.find('/');
  if (slash == std::string_view::npos) {
    if (take_extension(path, r.format, false)) {
      r.kind = Route::feed;
      r.calendar = path;
    }
    return r;
  }
  std::string_view cal = path.substr(0, slash);
  std::string_view rest = path.substr(slash + 1);
  if (!rest.starts_with("events/")) return r;
  rest.remove_prefix(7);
  // An id may hold dots; only .ics and .json are taken as extensions.
  if (rest.find('/') != std::string_view::npos || !take_extension(rest, r.format, true)) return r;
  r.kind = Route::event;
  r.calendar = cal;
  r.event_id = rest;
  return r;
}

// The best of iCal, jCal and xCal for the Accept header (RFC 9110 §12.5.1);
// on a tie the order here. nullopt: none is acceptable.
std::optional<Format> negotiate(std::string_view accept) {
  static constexpr std::pair<Format, std::string_view> kOffered[] = {
      {Format::ics, "text/calendar"},
      {Format::jcal, "application/calendar+json"},
      {Format::xcal, "application/calendar+xml"}};
  std::optional<Format> best;
  int best_q = 0;
  for (const auto& [format, type] : kOffered) {
    int q = accept_quality(accept, type);
    if (q > best_q) {
      best_q = q;
      best = format;
    }
  }
  return best;
}

ngx_int_t send_store_error(ngx_http_request_t* r, const storage::Error& error) {
  ngx_log_error(NGX_LOG_ERR, r->connection->log, 0, "civic: calendar feed: %s", error.message().c_str());
  return send_error(r, NGX_HTTP_INTERNAL_SERVER_ERROR, "the store could not be read; see the error log");
}

// A feed: its parts (views into the store: the read transaction is still
// open) copied straight into the answer's buffer.
ngx_int_t send_calendar(ngx_http_request_t* r, const calendar::Validators& v, const calendar::CalendarConfig& cal,
                        Format format, const Body& body) {
  if (set_validators(r, v.etag, v.last_modified, cal.refresh_seconds) != NGX_OK) return NGX_ERROR;
  r->headers_out.status = NGX_HTTP_OK;
  r->headers_out.content_length_n = static_cast<off_t>(body.size());
  const char* type = content_type(format);
  r->headers_out.content_type.data = reinterpret_cast<u_char*>(const_cast<char*>(type));
  r->headers_out.content_type.len = std::char_traits<char>::length(type);
  r->headers_out.content_type_len = r->headers_out.content_type.len;
  r->headers_out.content_type_lowcase = nullptr;
  ngx_int_t rc = ngx_http_send_header(r);
  if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) return rc;
  ngx_buf_t* b = ngx_create_temp_buf(r->pool, body.size());
  if (b == nullptr) return NGX_ERROR;
  body.copy_to(reinterpret_cast<char*>(b->last));
  b->last += body.size();
  b->last_buf = (r == r->main) ? 1 : 0;
  b->last_in_chain = 1;
  ngx_chain_t out{b, nullptr};
  return ngx_http_output_filter(r, &out);
}

// What a feed request needs, copied out of the request for a pool thread.
struct FeedRequest {
  const calendar::CalendarConfig* calendar = nullptr;
  calendar::FeedQuery query;
  std::string event_id;  // empty: the whole feed
  Format format = Format::ics;
  calendar::ListLinks links;  // JSON: what its links are made of
  std::string resource() const { return event_id.empty() ? "feed" : "event:" + event_id; }
  // What else the body depends on: the format and, for JSON, the links
  // (host, and the query as sent, which next/previous keep).
  std::string variant() const {
    std::string v(format_name(format));
    if (format == Format::json) v.append("\n").append(links.base).append("\n").append(links.args);
    return v;
  }
};

// A feed request in progress: its read transaction (open while the body's
// views are in use), validators, and then the body.
struct FeedResult {
  std::optional<storage::Txn> txn;
  std::optional<storage::Error> error;
  calendar::Validators validators;
  calendar::FeedAnswer answer;
  bool page_missing = false;  // JSON: beyond the last page
};

// Opens a read transaction and computes the validators from the calendar's
// state record: no event is read.
FeedResult begin_feed(storage::Store& store, const FeedRequest& req) {
  FeedResult result;
  auto begun = storage::Txn::begin_read(store.env());
  if (!begun) {
    result.error = begun.error();
    return result;
  }
  result.txn.emplace(std::move(*begun));
  auto state = storage::events::read_state(*result.txn, store.db(), req.calendar->name);
  if (!state) {
    result.error = state.error();
    return result;
  }
  result.validators = calendar::make_validators(store.id(), *req.calendar, *state, req.resource(), req.query, req.variant());
  return result;
}

// Builds the body in the transaction begin_feed opened.
void build_feed(storage::Store& store, const FeedRequest& req, std::size_t budget, FeedResult& result) {
  if (req.format == Format::json) {
    if (req.event_id.empty()) {
      auto built = calendar::build_json_list(*result.txn, store.db(), *req.calendar, req.query, req.links, budget);
      if (!built) {
        result.error = built.error();
        return;
      }
      result.page_missing = built->page_missing;
      result.answer = std::move(built->feed);
    } else {
      auto built = calendar::build_event_json(*result.txn, store.db(), *req.calendar, req.event_id, req.query, req.links);
      if (!built) {
        result.error = built.error();
        return;
      }
      result.answer = std::move(*built);
    }
    return;
  }
  auto built = req.event_id.empty()
                   ? calendar::build_ics_feed(*result.txn, store.db(), *req.calendar, req.query, budget,
                                          feed_format(req.format))
                   : calendar::build_event_ics(*result.txn, store.db(), *req.calendar, req.event_id, req.query,
                                           feed_format(req.format));
  if (!built) {
    result.error = built.error();
    return;
  }
  result.answer = std::move(*built);
}

// The worker's cache of built feeds (civic_feed_cache), made on first use;
// nullptr when it is off. Used on the event loop only.
calendar::FeedCache* feed_cache(ngx_http_request_t* r) {
  static std::optional<calendar::FeedCache> cache;
  static bool made = false;
  if (!made) {
    made = true;
    auto* mc = static_cast<MainConf*>(ngx_http_get_module_main_conf(r, ngx_http_civic_module));
    if (mc->feed_cache_size > 0) cache.emplace(mc->feed_cache_size);
  }
  return cache ? &*cache : nullptr;
}

std::string cache_key(const FeedRequest& req, const calendar::Validators& v) {
  return v.etag + "\n" + req.calendar->name + "\n" + req.resource() + "\n" + std::string(format_name(req.format));
}

void release_body(void* data) { delete static_cast<calendar::FeedCache::Body*>(data); }

// Sends a body that the cache (or a job) shares: nginx writes from it
// directly; the request holds a reference until it is done.
ngx_int_t send_shared(ngx_http_request_t* r, const calendar::Validators& v, const calendar::CalendarConfig& cal,
                      Format format, const calendar::FeedCache::Body& body) {
  if (set_validators(r, v.etag, v.last_modified, cal.refresh_seconds) != NGX_OK) return NGX_ERROR;
  r->headers_out.status = NGX_HTTP_OK;
  r->headers_out.content_length_n = static_cast<off_t>(body->size());
  const char* type = content_type(format);
  r->headers_out.content_type.data = reinterpret_cast<u_char*>(const_cast<char*>(type));
  r->headers_out.content_type.len = std::char_traits<char>::length(type);
  r->headers_out.content_type_len = r->headers_out.content_type.len;
  r->headers_out.content_type_lowcase = nullptr;
  ngx_int_t rc = ngx_http_send_header(r);
  if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) return rc;
  ngx_pool_cleanup_t* cleanup = ngx_pool_cleanup_add(r->pool, 0);
  auto* b = static_cast<ngx_buf_t*>(ngx_calloc_buf(r->pool));
  if (cleanup == nullptr || b == nullptr) return NGX_ERROR;
  cleanup->handler = release_body;
  cleanup->data = new calendar::FeedCache::Body(body);
  b->pos = reinterpret_cast<u_char*>(const_cast<char*>(body->data()));
  b->last = b->pos + body->size();
  b->memory = 1;  // nginx only reads it
  b->last_buf = (r == r->main) ? 1 : 0;
  b->last_in_chain = 1;
  ngx_chain_t out{b, nullptr};
  return ngx_http_output_filter(r, &out);
}

class FeedJob : public Job {
 public:
  explicit FeedJob(FeedRequest req) : req_(std::move(req)) {}

  void run() noexcept override {
    try {
      auto& store = worker_store();
      if (!store) {
        failure_ = "the store is not open";
        return;
      }
      result_ = begin_feed(*store, req_);
      if (!result_.error) build_feed(*store, req_, calendar::kUnlimited, result_);
      found_ = result_.answer.found;
      page_missing_ = result_.page_missing;
      refused_ = result_.answer.refused;
      body_ = std::make_shared<const std::string>(result_.answer.body.str());
      result_.answer = calendar::FeedAnswer{};  // its views die with the transaction
      result_.txn.reset();  // no reader slot held while the answer waits
    } catch (const std::exception& e) {
      failure_ = e.what();
    } catch (...) {
      failure_ = "unknown error";
    }
  }

  ngx_int_t answer(ngx_http_request_t* r) noexcept override {
    try {
      if (!failure_.empty()) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0, "civic: calendar feed: %s", failure_.c_str());
        return send_error(r, NGX_HTTP_INTERNAL_SERVER_ERROR, "the feed could not be built; see the error log");
      }
      if (result_.error) return send_store_error(r, *result_.error);
      if (refused_) return send_error(r, NGX_HTTP_BAD_REQUEST, refused_->message, refused_->field);
      if (!found_) return send_error(r, NGX_HTTP_NOT_FOUND, "no such event");
      if (page_missing_) return send_error(r, NGX_HTTP_NOT_FOUND, "no such page", "page");
      if (calendar::FeedCache* cache = feed_cache(r)) cache->put(cache_key(req_, result_.validators), body_);
      return send_shared(r, result_.validators, *req_.calendar, req_.format, body_);
    } catch (const std::exception& e) {
      ngx_log_error(NGX_LOG_ERR, r->connection->log, 0, "civic: calendar feed: %s", e.what());
    }
    return NGX_HTTP_INTERNAL_SERVER_ERROR;
  }

 private:
  FeedRequest req_;
  FeedResult result_;
  calendar::FeedCache::Body body_;
  bool found_ = true;
  bool page_missing_ = false;
  std::optional<calendar::FieldError> refused_;
  std::string failure_;
};

ngx_int_t calendar_list(ngx_http_request_t* r, const LocConf& lc) {
  const calendar::Calendars& registry = calendar_registry(r);
  std::string base = request_origin(r);
  base.append(ngx::view(lc.prefix));
  if (base.empty() || base.back() != '/') base.push_back('/');
  std::string body = calendar::calendar_list_json(registry.all(), base);
  // The list changes with the configuration only (and the Host it names).
  std::uint64_t h = fnv1a64(body);
  char etag[24];
  std::snprintf(etag, sizeof etag, "\"%016llx\"", static_cast<unsigned long long>(h));
  std::int64_t modified = 0;
  std::int64_t max_age = 3600;
  for (const auto* c : registry.all()) {
    modified = std::max(modified, c->defined_at);
    max_age = std::min(max_age, c->refresh_seconds);
  }
  if (set_validators(r, etag, modified, max_age) != NGX_OK) return NGX_ERROR;
  if (client_copy_is_current(r, etag, modified)) return send_not_modified(r);
  return send_json(r, NGX_HTTP_OK, body);
}

ngx_int_t dispatch(ngx_http_request_t* r) {
  if (!(r->method & (NGX_HTTP_GET | NGX_HTTP_HEAD))) {
    if (ngx_http_discard_request_body(r) != NGX_OK) return NGX_HTTP_INTERNAL_SERVER_ERROR;
    return send_method_not_allowed(r, kAllow);
  }
  if (ngx_http_discard_request_body(r) != NGX_OK) return NGX_HTTP_INTERNAL_SERVER_ERROR;
  auto* lc = static_cast<LocConf*>(ngx_http_get_module_loc_conf(r, ngx_http_civic_module));
  Route where = route(path_after_prefix(r, lc->prefix));
  if (where.kind == Route::none) return send_error(r, NGX_HTTP_NOT_FOUND, "no such calendar resource");
  if (where.kind == Route::list) return calendar_list(r, *lc);

  std::optional<Format> format = where.format;
  if (!format) {
    // Chosen by Accept: caches must keep the forms apart.
    if (add_header(r, "Vary", "Accept") != NGX_OK) return NGX_ERROR;
    format = negotiate(request_header(r, "accept"));
    if (!format)
      return send_error(r, 406 /* Not Acceptable */,
                        "this calendar is available as text/calendar, application/calendar+json and "
                        "application/calendar+xml");
  }
  // Browser front ends on other sites may read the public data forms.
  if (*format != Format::ics && add_header(r, "Access-Control-Allow-Origin", "*") != NGX_OK) return NGX_ERROR;
  const calendar::CalendarConfig* calendar = calendar_registry(r).find(where.calendar);
  if (calendar == nullptr) return send_error(r, NGX_HTTP_NOT_FOUND, "no such calendar");

  FeedRequest req;
  req.calendar = calendar;
  req.event_id = where.event_id;
  req.format = *format;
  if (req.format == Format::json) {
    req.links.base = request_origin(r);
    req.links.base.append(ngx::view(lc->prefix));
    if (req.links.base.empty() || req.links.base.back() != '/') req.links.base.push_back('/');
    req.links.list_url = req.links.base + calendar->name + ".json";
    req.links.args = std::string(ngx::view(r->args));
  }
  if (auto err = calendar::parse_feed_query(ngx::view(r->args), *calendar, ngx_time(), req.query))
    return send_error(r, NGX_HTTP_BAD_REQUEST, err->message.empty() ? "malformed query" : err->message, err->field);

  auto& store = worker_store();
  if (!store) return send_error(r, NGX_HTTP_SERVICE_UNAVAILABLE, "the store is not open; see the error log");
  FeedResult result = begin_feed(*store, req);
  if (result.error) return send_store_error(r, *result.error);
  const calendar::Validators& v = result.validators;
  if (client_copy_is_current(r, v.etag, v.last_modified)) {
    // The client's copy is current: 304, no event read.
    if (set_validators(r, v.etag, v.last_modified, calendar->refresh_seconds) != NGX_OK) return NGX_ERROR;
    return send_not_modified(r);
  }
  calendar::FeedCache* cache = feed_cache(r);
  std::string key;
  if (cache != nullptr) {
    key = cache_key(req, v);
    if (auto body = cache->find(key)) return send_shared(r, v, *calendar, req.format, body);
  }
  build_feed(*store, req, calendar::kInlineBudget, result);
  if (result.error) return send_store_error(r, *result.error);
  if (const auto& refused = result.answer.refused)
    return send_error(r, NGX_HTTP_BAD_REQUEST, refused->message, refused->field);
  if (!result.answer.found) return send_error(r, NGX_HTTP_NOT_FOUND, "no such event");
  if (result.page_missing) return send_error(r, NGX_HTTP_NOT_FOUND, "no such page", "page");
  if (result.answer.over_budget) {
    result.txn.reset();
    return offload_from_handler(r, std::make_unique<FeedJob>(std::move(req)));
  }
  if (cache != nullptr && result.answer.body.size() <= cache->max_entry()) {
    auto body = std::make_shared<const std::string>(result.answer.body.str());
    cache->put(std::move(key), body);
    return send_shared(r, v, *calendar, req.format, body);
  }
  return send_calendar(r, v, *calendar, req.format, result.answer.body);
}

}  // namespace

ngx_int_t calendars_handler(ngx_http_request_t* r) noexcept {
  try {
    return dispatch(r);
  } catch (const std::exception& e) {
    ngx_log_error(NGX_LOG_ERR, r->connection->log, 0, "civic: calendar request failed: %s", e.what());
  } catch (...) {
    ngx_log_error(NGX_LOG_ERR, r->connection->log, 0, "civic: calendar request failed");
  }
  return NGX_HTTP_INTERNAL_SERVER_ERROR;
}

}  // namespace civic::module
