// civic_calendars: the public, read-only calendar feeds below its location.
//
//   GET /calendars/                        the list of calendars (JSON)
//   GET /calendars/{cal}.ics               the feed
//   GET /calendars/{cal}                   the feed, if Accept allows text/calendar
//   GET /calendars/{cal}/events/{id}.ics   one event
//
// A request reads the calendar's state record, answers 304 if the client's
// copy is current, else builds the body inline from stored VEVENTs; one that
// would read more than ical::kInlineBudget index entries is built again in
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
#include "ical/calendar_feed.hpp"
#include "ical/calendar_json.hpp"
#include "ical/feed_query.hpp"
#include "ical/field_error.hpp"
#include "module/calendar_conf.hpp"
#include "module/http_cache.hpp"
#include "module/module.hpp"
#include "module/offload.hpp"
#include "module/response.hpp"
#include "storage/event_store.hpp"

namespace civic::module {

namespace {

constexpr std::string_view kCalendarType = "text/calendar; charset=utf-8";
constexpr std::string_view kAllow = "GET, HEAD";

// What a path names.
struct Route {
  enum Kind { list, feed, negotiated_feed, event, none } kind = none;
  std::string_view calendar;
  std::string_view event_id;
};

Route route(std::string_view path) {
  Route r;
  if (path.empty()) {
    r.kind = Route::list;
    return r;
  }
  auto slash = path.find('/');
  if (slash == std::string_view::npos) {
    if (path.ends_with(".ics")) {
      r.kind = Route::feed;
      r.calendar = path.substr(0, path.size() - 4);
    } else if (path.find('.') == std::string_view::npos) {
      r.kind = Route::negotiated_feed;
      r.calendar = path;
    }
    return r;
  }
  std::string_view cal = path.substr(0, slash);
  std::string_view rest = path.substr(slash + 1);
  if (!rest.starts_with("events/")) return r;
  rest.remove_prefix(7);
  if (rest.find('/') != std::string_view::npos || !rest.ends_with(".ics") || rest.size() <= 4) return r;
  r.kind = Route::event;
  r.calendar = cal;
  r.event_id = rest.substr(0, rest.size() - 4);
  return r;
}

ngx_int_t send_store_error(ngx_http_request_t* r, const storage::Error& error) {
  ngx_log_error(NGX_LOG_ERR, r->connection->log, 0, "civic: calendar feed: %s", error.message().c_str());
  return send_error(r, NGX_HTTP_INTERNAL_SERVER_ERROR, "the store could not be read; see the error log");
}

ngx_int_t send_calendar(ngx_http_request_t* r, const ical::Validators& v, const ical::CalendarConfig& cal,
                        std::string_view body) {
  if (set_validators(r, v.etag, v.last_modified, cal.refresh_seconds) != NGX_OK) return NGX_ERROR;
  return send_body(r, NGX_HTTP_OK, kCalendarType, body);
}

// The same, copying the parts of a feed (views into the store: the read
// transaction is still open) straight into the answer's buffer.
ngx_int_t send_calendar(ngx_http_request_t* r, const ical::Validators& v, const ical::CalendarConfig& cal,
                        const ical::FeedBody& body) {
  if (set_validators(r, v.etag, v.last_modified, cal.refresh_seconds) != NGX_OK) return NGX_ERROR;
  r->headers_out.status = NGX_HTTP_OK;
  r->headers_out.content_length_n = static_cast<off_t>(body.size());
  ngx_str_set(&r->headers_out.content_type, "text/calendar; charset=utf-8");
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
  const ical::CalendarConfig* calendar = nullptr;
  ical::FeedQuery query;
  std::string event_id;  // empty: the whole feed
  std::string resource() const { return event_id.empty() ? "feed" : "event:" + event_id; }
};

// Reads state, validators and (unless only validators are wanted) the body
// in one read transaction.
struct FeedResult {
  std::optional<storage::Txn> txn;  // open while the body's views are in use
  std::optional<storage::Error> error;
  bool client_copy_current = false;  // nothing built: answer 304
  ical::Validators validators;
  ical::FeedAnswer answer;
};

FeedResult run_feed(storage::Store& store, const FeedRequest& req, std::size_t budget,
                    ngx_http_request_t* r_for_conditional) {
  FeedResult result;
  auto begun = storage::Txn::begin_read(store.env());
  if (!begun) {
    result.error = begun.error();
    return result;
  }
  result.txn.emplace(std::move(*begun));
  storage::Txn* txn = &*result.txn;
  auto state = storage::events::read_state(*txn, store.db(), req.calendar->name);
  if (!state) {
    result.error = state.error();
    return result;
  }
  result.validators = ical::make_validators(store.id(), *req.calendar, *state, req.resource(), req.query, "ics");
  if (r_for_conditional != nullptr &&
      client_copy_is_current(r_for_conditional, result.validators.etag, result.validators.last_modified)) {
    result.client_copy_current = true;
    return result;
  }
  auto built = req.event_id.empty() ? ical::build_ics_feed(*txn, store.db(), *req.calendar, req.query, budget)
                                    : ical::build_event_ics(*txn, store.db(), *req.calendar, req.event_id, req.query);
  if (!built) {
    result.error = built.error();
    return result;
  }
  result.answer = std::move(*built);
  return result;
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
      result_ = run_feed(*store, req_, ical::kUnlimited, nullptr);
      body_ = result_.answer.body.str();
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
      if (!result_.answer.found) return send_error(r, NGX_HTTP_NOT_FOUND, "no such event");
      return send_calendar(r, result_.validators, *req_.calendar, std::string_view(body_));
    } catch (const std::exception& e) {
      ngx_log_error(NGX_LOG_ERR, r->connection->log, 0, "civic: calendar feed: %s", e.what());
    }
    return NGX_HTTP_INTERNAL_SERVER_ERROR;
  }

 private:
  FeedRequest req_;
  FeedResult result_;
  std::string body_;
  std::string failure_;
};

ngx_int_t calendar_list(ngx_http_request_t* r, const LocConf& lc) {
  const CalendarRegistry& registry = calendar_registry(r);
  std::string base = request_origin(r);
  base.append(ngx::view(lc.prefix));
  if (base.empty() || base.back() != '/') base.push_back('/');
  std::string body = ical::calendar_list_json(registry.all(), base);
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

  const ical::CalendarConfig* calendar = calendar_registry(r).find(where.calendar);
  if (calendar == nullptr) return send_error(r, NGX_HTTP_NOT_FOUND, "no such calendar");
  if (where.kind == Route::negotiated_feed) {
    if (add_header(r, "Vary", "Accept") != NGX_OK) return NGX_ERROR;
    if (accept_quality(request_header(r, "accept"), "text/calendar") <= 0)
      return send_error(r, 406 /* Not Acceptable */, "this calendar is available as text/calendar");
  }

  FeedRequest req;
  req.calendar = calendar;
  req.event_id = where.event_id;
  if (auto err = ical::parse_feed_query(ngx::view(r->args), *calendar, ngx_time(), req.query))
    return send_error(r, NGX_HTTP_BAD_REQUEST, err->message.empty() ? "malformed query" : err->message, err->field);

  auto& store = worker_store();
  if (!store) return send_error(r, NGX_HTTP_SERVICE_UNAVAILABLE, "the store is not open; see the error log");
  FeedResult result = run_feed(*store, req, ical::kInlineBudget, r);
  if (result.error) return send_store_error(r, *result.error);
  if (result.client_copy_current) {
    // The client's copy is current: 304, no event read.
    if (set_validators(r, result.validators.etag, result.validators.last_modified, calendar->refresh_seconds) != NGX_OK)
      return NGX_ERROR;
    return send_not_modified(r);
  }
  if (!result.answer.found) return send_error(r, NGX_HTTP_NOT_FOUND, "no such event");
  if (result.answer.over_budget) return offload_from_handler(r, std::make_unique<FeedJob>(std::move(req)));
  return send_calendar(r, result.validators, *calendar, result.answer.body);
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
