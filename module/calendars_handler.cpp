// civic_calendars: the public calendar feeds below the location. The core
// (calendar/service/reader.hpp) decides everything from the request's path
// and headers; this file copies them out, answers a large read from the
// thread pool, and sends the reply.
#include "module/ngx.hpp"

#include <memory>
#include <optional>
#include <string>

#include "calendar/service/reader.hpp"
#include "module/calendar_conf.hpp"
#include "module/request_info.hpp"
#include "module/guard.hpp"
#include "module/metrics_zone.hpp"
#include "module/module.hpp"
#include "module/offload.hpp"
#include "module/response.hpp"

namespace civic::module {

namespace {

// The worker's reader, with its cache of built feeds (civic_feed_cache).
calendar::Reader& reader(ngx_http_request_t* r) {
  static std::optional<calendar::Reader> reader;
  if (!reader) {
    auto* mc = static_cast<MainConf*>(ngx_http_get_module_main_conf(r, ngx_http_civic_module));
    reader.emplace(calendar_registry(r), mc->feed_cache_size);
  }
  return *reader;
}

// The request as the core reads it, with copies of its strings (a pool
// thread may read them after the request's own have changed).
struct CopiedRequest {
  std::string path, args, accept, accept_language, if_none_match;
  calendar::ReadRequest request;

  explicit CopiedRequest(ngx_http_request_t* r) {
    auto* lc = static_cast<LocConf*>(ngx_http_get_module_loc_conf(r, ngx_http_civic_module));
    path = path_after_prefix(r, lc->prefix);
    args = ngx::view(r->args);
    accept = request_header(r, "accept");
    accept_language = request_header(r, "accept-language");
    request.read_method = (r->method & (NGX_HTTP_GET | NGX_HTTP_HEAD)) != 0;
    if (r->headers_in.if_none_match != nullptr) {
      if_none_match = ngx::view(r->headers_in.if_none_match->value);
      request.if_none_match = if_none_match;
    }
    if (r->headers_in.if_modified_since != nullptr) {
      time_t t = ngx_parse_http_time(r->headers_in.if_modified_since->value.data,
                                     r->headers_in.if_modified_since->value.len);
      if (t != NGX_ERROR) request.if_modified_since = t;
    }
    request.base_url = request_origin(r) + std::string(ngx::view(lc->prefix));
    if (request.base_url.back() != '/') request.base_url.push_back('/');
    request.now = ngx_time();
    request.path = path;
    request.args = args;
    request.accept = accept;
    request.accept_language = accept_language;
  }
  CopiedRequest(const CopiedRequest&) = delete;
};

ngx_int_t send_answer(ngx_http_request_t* r, calendar::ReadAnswer& answer) {
  if (!answer.calendar.empty()) {
    std::size_t bytes = answer.reply.shared ? answer.reply.shared->size() : answer.reply.body.size();
    server::count_feed(shared_metrics(), answer.calendar, answer.format, answer.reply.status, bytes, answer.from_cache);
  }
  ngx_int_t rc = send_reply(r, std::move(answer.reply));  // copies views out of the store first
  answer.txn.reset();
  return rc;
}

// A read over the inline budget, answered whole in a pool thread.
class FeedJob : public Job {
 public:
  explicit FeedJob(std::unique_ptr<CopiedRequest> request) : request_(std::move(request)) {}

  void run() override {
    answer_ = reader_->answer_whole(open_store(), request_->request);
    answer_.txn.reset();  // the body is shared: no reader slot held while it waits
  }

  ngx_int_t answer(ngx_http_request_t* r) override {
    reader_->remember(answer_);
    return send_answer(r, answer_);
  }

  calendar::Reader* reader_ = nullptr;

 private:
  std::unique_ptr<CopiedRequest> request_;
  calendar::ReadAnswer answer_;
};

ngx_int_t dispatch(ngx_http_request_t* r) {
  if (ngx_http_discard_request_body(r) != NGX_OK) return NGX_HTTP_INTERNAL_SERVER_ERROR;
  auto& store = worker_store();
  if (!store) return send_reply(r, store_not_open());
  auto request = std::make_unique<CopiedRequest>(r);
  calendar::Reader& calendars = reader(r);
  calendar::ReadAnswer answer = calendars.answer(*store, request->request);
  if (answer.needs_pool) {
    auto job = std::make_unique<FeedJob>(std::move(request));
    job->reader_ = &calendars;
    return offload_from_handler(r, std::move(job));
  }
  return send_answer(r, answer);
}

}  // namespace

ngx_int_t calendars_handler(ngx_http_request_t* r) noexcept {
  return guard_handler(r, "calendar request", [r] { return dispatch(r); });
}

}  // namespace civic::module
