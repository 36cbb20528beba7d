// civic_admin: event writes below /admin/calendars/{cal}/events. The core
// (calendar/service/event_admin.hpp) decides every answer; this file copies
// the request out, reads the body, and runs the write in the thread pool
// (the body may be in a temp file; parsing, rendering and the commit are long).
#include "module/ngx.hpp"

#include <string>
#include <utility>

#include "calendar/service/calendar_writer.hpp"
#include "calendar/service/event_admin.hpp"
#include "module/admin_events.hpp"
#include "module/calendar_conf.hpp"
#include "module/guard.hpp"
#include "module/module.hpp"
#include "module/offload.hpp"
#include "module/request_body.hpp"
#include "module/request_ctx.hpp"
#include "module/request_info.hpp"
#include "module/response.hpp"

namespace civic::module {

namespace {

// The request's context while its body is read.
struct WriteContext {
  calendar::EventAdminPlan plan;
  std::string base_url;
};

calendar::EventMethod method_of(ngx_uint_t m) {
  using M = calendar::EventMethod;
  switch (m) {
    case NGX_HTTP_GET: return M::get;
    case NGX_HTTP_HEAD: return M::head;
    case NGX_HTTP_PUT: return M::put;
    case NGX_HTTP_POST: return M::post;
    case NGX_HTTP_DELETE: return M::erase;
    default: return M::other;
  }
}

// The public feeds' URL, for the stored event's "@id"; "" without civic_calendars.
std::string public_base_url(ngx_http_request_t* r) {
  auto* mc = static_cast<MainConf*>(ngx_http_get_module_main_conf(r, ngx_http_civic_module));
  if (mc->calendars_prefix.len == 0) return {};
  std::string base = request_origin(r);
  base.append(ngx::view(mc->calendars_prefix));
  if (base.back() != '/') base.push_back('/');
  return base;
}

// Body read: the write goes to a pool thread, which reads the body too.
void body_read(ngx_http_request_t* r) noexcept {
  guard_body_handler(r, "calendar write", [r] {
    auto* ctx = request_ctx<WriteContext>(r);
    auto body = RequestBody::of(r);
    if (ctx == nullptr || !body) {
      ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
      return;
    }
    storage::Store* store = &open_store();
    offload_reply_after_body(r, [store, plan = ctx->plan, base = ctx->base_url, body = std::move(*body)] {
      std::string text;
      if (!body.read_into(text)) {
        Reply failed = error_reply(500, "the request body could not be read");
        failed.log = "calendar \"" + plan.calendar->name + "\": reading the body failed";
        return failed;
      }
      return calendar::event_write(*store, plan, text, base, calendar::now_micros());
    });
  });
}

}  // namespace

ngx_int_t admin_calendar_request(ngx_http_request_t* r, std::string_view path) {
  std::string content_type;
  if (r->headers_in.content_type != nullptr) content_type = ngx::view(r->headers_in.content_type->value);
  auto& store = worker_store();
  calendar::EventAdminRequest request{method_of(r->method), path, content_type, ngx::view(r->args),
                                      store.has_value()};
  auto planned = calendar::plan_event_admin(calendar_registry(r), request);
  auto* plan = std::get_if<calendar::EventAdminPlan>(&planned);
  if (plan != nullptr && plan->reads_body()) {
    // (A body over client_max_body_size never gets here: nginx answers 413
    // itself; docs/admin-api.md shows the error_page that makes that JSON.)
    auto* ctx = make_request_ctx<WriteContext>(r, WriteContext{std::move(*plan), public_base_url(r)});
    if (ctx == nullptr) return NGX_HTTP_INTERNAL_SERVER_ERROR;
    return read_request_body(r, body_read);
  }
  if (ngx_http_discard_request_body(r) != NGX_OK) return NGX_HTTP_INTERNAL_SERVER_ERROR;
  if (plan == nullptr) return send_reply(r, std::move(std::get<Reply>(planned)));
  if (plan->action == calendar::EventAdminPlan::Action::get)
    return send_reply(r, calendar::one_event(*store, *plan->calendar, plan->id, public_base_url(r)));
  return offload_reply(r, [s = &*store, cal = plan->calendar, id = plan->id] {
    return calendar::event_erasure(*s, *cal, id, calendar::now_micros());
  });
}

}  // namespace civic::module
