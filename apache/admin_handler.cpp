// SetHandler civic-admin: the privileged API below its location (the core's
// server/admin.hpp routes it; calendar/service/event_admin.hpp and
// forms/service/submission_admin.hpp answer). An export is sent a page at a
// time: each page is read in its own read transaction and written before the
// next is read, so one page is in memory and a slow client holds back only
// its own export.
#include "apache/httpd.hpp"

#include <string>
#include <vector>

#include "apache/child.hpp"
#include "apache/conf.hpp"
#include "apache/handlers.hpp"
#include "apache/request.hpp"
#include "calendar/model/calendars.hpp"
#include "calendar/service/calendar_writer.hpp"
#include "calendar/service/event_admin.hpp"
#include "forms/forms.hpp"
#include "forms/service/export_pager.hpp"
#include "forms/service/submission_admin.hpp"
#include "server/admin.hpp"

namespace civic::apache {

namespace {

const calendar::Calendars& calendars_of(const ServerConf& sc) {
  static const calendar::Calendars none;
  return sc.calendars ? *sc.calendars : none;
}

const forms::Forms& forms_of(const ServerConf& sc) {
  static const forms::Forms none;
  return sc.forms ? *sc.forms : none;
}

calendar::EventMethod event_method(request_rec* r) {
  using M = calendar::EventMethod;
  switch (r->method_number) {
    case M_GET: return r->header_only ? M::head : M::get;
    case M_PUT: return M::put;
    case M_POST: return M::post;
    case M_DELETE: return M::erase;
    default: return M::other;
  }
}

forms::AdminMethod form_method(request_rec* r) {
  using M = forms::AdminMethod;
  switch (r->method_number) {
    case M_GET: return r->header_only ? M::head : M::get;
    case M_DELETE: return M::erase;
    case M_POST: return M::post;
    default: return M::other;
  }
}

// The public feeds' URL, for a stored event's "@id"; "" without a
// civic-calendars location.
std::string public_base_url(request_rec* r, const ServerConf& sc) {
  if (sc.calendars_prefix == nullptr) return {};
  std::string base = request_origin(r) + sc.calendars_prefix;
  if (base.back() != '/') base.push_back('/');
  return base;
}

int calendar_request(request_rec* r, const ServerConf& sc, std::string_view path) {
  Child& c = child();
  calendar::EventAdminRequest request{event_method(r), path, request_header(r, "Content-Type"), view(r->args),
                                      c.store.has_value()};
  auto planned = calendar::plan_event_admin(calendars_of(sc), request);
  auto* plan = std::get_if<calendar::EventAdminPlan>(&planned);
  if (plan != nullptr && plan->reads_body()) {
    std::string body;
    bool too_large = false;
    if (!read_body(r, body, too_large)) return HTTP_BAD_REQUEST;
    if (too_large) {
      r->connection->keepalive = AP_CONN_CLOSE;
      return send_reply(r, error_reply(413, "the request body is larger than LimitRequestBody allows"));
    }
    return send_reply(r, calendar::event_write(*c.store, *plan, body, public_base_url(r, sc), calendar::now_micros()));
  }
  if (!discard_body(r)) return HTTP_BAD_REQUEST;
  if (plan == nullptr) return send_reply(r, std::move(std::get<Reply>(planned)));
  if (plan->action == calendar::EventAdminPlan::Action::get)
    return send_reply(r, calendar::one_event(*c.store, *plan->calendar, plan->id, public_base_url(r, sc)));
  return send_reply(r, calendar::event_erasure(*c.store, *plan->calendar, plan->id, calendar::now_micros()));
}

int send_export(request_rec* r, forms::AdminAnswer& answer) {
  Child& c = child();
  set_reply_headers(r, answer.reply);
  if (r->header_only) return OK;
  apr_bucket_alloc_t* ba = r->connection->bucket_alloc;
  apr_bucket_brigade* bb = apr_brigade_create(r->pool, ba);
  std::string page;
  while (!answer.pager->finished()) {
    page.clear();
    if (auto st = answer.pager->next_page(*c.store, page); !st) {
      ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, "civic: export of \"%s\": %s", answer.pager->form().c_str(),
                    st.error().message().c_str());
      // Before anything was sent: a 500; mid-body: the client sees a cut export.
      if (!r->sent_bodyct) return HTTP_INTERNAL_SERVER_ERROR;
      r->connection->keepalive = AP_CONN_CLOSE;
      return AP_FILTER_ERROR;
    }
    if (page.empty()) continue;
    APR_BRIGADE_INSERT_TAIL(bb, apr_bucket_transient_create(page.data(), page.size(), ba));
    APR_BRIGADE_INSERT_TAIL(bb, apr_bucket_flush_create(ba));
    // Blocks while the client has not taken the page: the next is read after.
    if (ap_pass_brigade(r->output_filters, bb) != APR_SUCCESS) return AP_FILTER_ERROR;
    apr_brigade_cleanup(bb);
  }
  APR_BRIGADE_INSERT_TAIL(bb, apr_bucket_eos_create(ba));
  return ap_pass_brigade(r->output_filters, bb) == APR_SUCCESS ? OK : AP_FILTER_ERROR;
}

int form_request(request_rec* r, const ServerConf& sc, std::string_view path) {
  if (!discard_body(r)) return HTTP_BAD_REQUEST;
  Child& c = child();
  std::string origin = request_origin(r);
  forms::AdminRequest request{form_method(r), path, view(r->args), origin, view(r->uri)};
  forms::AdminAnswer answer = forms::answer_admin(forms_of(sc), c.store ? &*c.store : nullptr, request);
  if (answer.pager) return send_export(r, answer);
  if (answer.in_pool) return send_reply(r, forms::answer_in_pool(*c.store, *answer.in_pool));
  return send_reply(r, std::move(answer.reply));
}

}  // namespace

int admin_request(request_rec* r) {
  const ServerConf& sc = server_conf(r->server);
  server::AdminPath path = server::route_admin(path_after_prefix(r, location_path(r)));
  if (path.area == server::AdminArea::calendars) return calendar_request(r, sc, path.rest);
  if (path.area == server::AdminArea::forms) return form_request(r, sc, path.rest);
  if (!discard_body(r)) return HTTP_BAD_REQUEST;
  if (path.area == server::AdminArea::unknown) return send_reply(r, server::no_admin_resource());
  Child& c = child();
  std::vector<std::string_view> calendars = calendars_of(sc).names();
  bool read = r->method_number == M_GET;
  if (path.area == server::AdminArea::metrics)
    return send_reply(r, server::admin_metrics(read, c.store ? &*c.store : nullptr, calendars, forms_of(sc),
                                               now_seconds(), shared_metrics()));
  return send_reply(r, server::admin_status(read, c.store ? &*c.store : nullptr, calendars, forms_of(sc), now_seconds(),
                                            static_cast<long>(getpid())));
}

}  // namespace civic::apache
