// civic_admin: a form's submissions (forms/service/submission_admin.hpp
// decides every answer). This file copies the request out, runs a list or
// an erasure in the thread pool, and streams an export: each page read in a
// pool thread by the core's pager, the next one only once the client has
// taken the previous one (one page in memory at a time).
#include "module/admin_forms.hpp"

#include <cstring>
#include <memory>
#include <string_view>
#include <string>
#include <utility>

#include "forms/service/submission_admin.hpp"
#include "module/form_conf.hpp"
#include "module/guard.hpp"
#include "module/module.hpp"
#include "module/offload.hpp"
#include "module/request_ctx.hpp"
#include "module/request_info.hpp"
#include "module/response.hpp"

namespace civic::module {

namespace {

forms::AdminMethod method_of(ngx_uint_t m) {
  using M = forms::AdminMethod;
  return (m & NGX_HTTP_GET)      ? M::get
         : (m & NGX_HTTP_HEAD)   ? M::head
         : (m & NGX_HTTP_DELETE) ? M::erase
         : (m & NGX_HTTP_POST)   ? M::post
                                 : M::other;
}

// What an export carries from page to page; freed with the request.
struct ExportState {
  std::unique_ptr<forms::ExportPager> pager;
  Reply headers;  // sent before the first page
  bool headers_sent = false;
  bool finished = false;
  u_char* sent_page = nullptr;  // the previous page's buffer, freed once it is out
};

class ExportJob : public Job {
 public:
  explicit ExportJob(ExportState* state) : state_(state) {}
  void run() override {
    if (auto st = state_->pager->next_page(open_store(), page_); !st) error_ = st.error().message();
    state_->finished = state_->pager->finished();
  }
  ngx_int_t answer(ngx_http_request_t* r) override;
  // A throw is answered as a failed page: 500 before the headers, a cut
  // export after them.
  ngx_int_t fail(ngx_http_request_t* r, std::string_view what) override {
    error_ = what;
    return answer(r);
  }

 private:
  ExportState* state_;
  std::string page_, error_;
};

void export_write_ready(ngx_http_request_t* r);
void write_ready(ngx_http_request_t* r);

// Sends `page` (and the headers before the first).
ngx_int_t send_page(ngx_http_request_t* r, ExportState& s, std::string_view page) {
  if (!s.headers_sent) {
    s.headers_sent = true;
    ngx_int_t rc = send_reply_headers(r, s.headers, -1);  // chunked: the length is not known ahead
    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) return rc;
  }
  if (s.sent_page != nullptr) ngx_pfree(r->pool, std::exchange(s.sent_page, nullptr));
  ngx_buf_t* b = static_cast<ngx_buf_t*>(ngx_calloc_buf(r->pool));
  if (b == nullptr) return NGX_ERROR;
  if (!page.empty()) {
    // Large enough to be a pool's "large" allocation, which ngx_pfree gives back.
    u_char* mem = static_cast<u_char*>(ngx_palloc(r->pool, page.size() > 8192 ? page.size() : 8192 + 1));
    if (mem == nullptr) return NGX_ERROR;
    std::memcpy(mem, page.data(), page.size());
    s.sent_page = mem;
    b->start = b->pos = mem;
    b->end = b->last = mem + page.size();
    b->temporary = 1;
  }
  b->last_buf = s.finished ? 1 : 0;
  b->last_in_chain = 1;
  b->flush = s.finished ? 0 : 1;
  if (page.empty() && !s.finished) return NGX_OK;
  ngx_chain_t out{b, nullptr};
  return ngx_http_output_filter(r, &out);
}

bool output_pending(ngx_http_request_t* r) {
  return r->out != nullptr || (r->connection->buffered & NGX_HTTP_WRITE_BUFFERED) != 0 || r->buffered != 0;
}

ngx_int_t wait_for_client(ngx_http_request_t* r) {
  auto* clcf = static_cast<ngx_http_core_loc_conf_t*>(ngx_http_get_module_loc_conf(r, ngx_http_core_module));
  ngx_event_t* wev = r->connection->write;
  if (!wev->delayed) ngx_add_timer(wev, clcf->send_timeout);
  return ngx_handle_write_event(wev, clcf->send_lowat);
}

ngx_int_t next_page_or_wait(ngx_http_request_t* r, ExportState& s) {
  if (!output_pending(r)) return offload_from_handler(r, std::make_unique<ExportJob>(&s));
  // Backpressure: the client has not taken the last page yet.
  r->main->count++;
  r->write_event_handler = export_write_ready;
  return wait_for_client(r) == NGX_OK ? NGX_DONE : NGX_ERROR;
}

void export_write_ready(ngx_http_request_t* r) {
  guarded([r] { write_ready(r); }, [r](std::string_view what) {
    log_throw(r->connection->log, NGX_LOG_ERR, "export", what);
    ngx_http_finalize_request(r, NGX_ERROR);
  });
}

void write_ready(ngx_http_request_t* r) {
  ngx_event_t* wev = r->connection->write;
  if (wev->timedout) {
    ngx_log_error(NGX_LOG_INFO, r->connection->log, NGX_ETIMEDOUT, "civic: export: client timed out");
    r->connection->timedout = 1;
    ngx_http_finalize_request(r, NGX_HTTP_REQUEST_TIME_OUT);
    return;
  }
  if (ngx_http_output_filter(r, nullptr) == NGX_ERROR) {
    ngx_http_finalize_request(r, NGX_ERROR);
    return;
  }
  auto* ctx = request_ctx<ExportState>(r);
  if (output_pending(r) || ctx == nullptr) {
    if (wait_for_client(r) != NGX_OK) ngx_http_finalize_request(r, NGX_ERROR);
    return;
  }
  if (wev->timer_set) ngx_del_timer(wev);
  r->write_event_handler = ngx_http_request_empty_handler;
  bool posted = offload_from_handler(r, std::make_unique<ExportJob>(ctx)) == NGX_DONE;
  ngx_http_finalize_request(r, posted ? NGX_DONE : NGX_ERROR);  // NGX_DONE: the count taken while waiting
}

ngx_int_t ExportJob::answer(ngx_http_request_t* r) {
  ExportState& s = *state_;
  if (!error_.empty()) {
    Reply failed = internal_error("export of \"" + s.pager->form() + "\"", error_);
    if (!s.headers_sent) return send_reply(r, std::move(failed));
    ngx_log_error(NGX_LOG_ERR, r->connection->log, 0, "civic: %s", failed.log.c_str());
    return NGX_ERROR;  // mid-body: the connection is closed, the client sees a cut export
  }
  ngx_int_t rc = send_page(r, s, page_);
  if (rc == NGX_ERROR || rc > NGX_OK || r->header_only || s.finished) return rc;
  return next_page_or_wait(r, s);
}

ngx_int_t start_export(ngx_http_request_t* r, forms::AdminAnswer& answer) {
  auto* state = make_request_ctx<ExportState>(r);
  if (state == nullptr) return NGX_HTTP_INTERNAL_SERVER_ERROR;
  state->pager = std::move(answer.pager);
  state->headers = std::move(answer.reply);
  if (r->method & NGX_HTTP_HEAD) {
    state->finished = true;
    r->header_only = 1;
    return send_page(r, *state, {});
  }
  return offload_from_handler(r, std::make_unique<ExportJob>(state));
}

}  // namespace

ngx_int_t admin_form_request(ngx_http_request_t* r, std::string_view path) {
  if (ngx_http_discard_request_body(r) != NGX_OK) return NGX_HTTP_INTERNAL_SERVER_ERROR;
  std::string origin = request_origin(r);
  forms::AdminRequest request{method_of(r->method), path, ngx::view(r->args), origin, ngx::view(r->uri)};
  auto& store = worker_store();
  forms::AdminAnswer answer = forms::answer_admin(form_registry(r), store ? &*store : nullptr, request);
  if (answer.pager) return start_export(r, answer);
  // A list or an erasure, in the pool (an erasure is logged once done).
  if (answer.in_pool)
    return offload_reply(r, [plan = std::move(*answer.in_pool)] { return forms::answer_in_pool(open_store(), plan); });
  return send_reply(r, std::move(answer.reply));
}

}  // namespace civic::module
