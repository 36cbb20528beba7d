// SetHandler civic-calendars: the public calendar feeds below the location.
// The core (calendar/service/reader.hpp) decides everything from the
// request's path and headers; this file copies them out and sends the reply.
// httpd's request threads may block: a read over the inline budget is
// answered whole in the same thread.
#include "apache/httpd.hpp"

#include <apr_date.h>

#include <string>

#include "apache/child.hpp"
#include "apache/conf.hpp"
#include "apache/handlers.hpp"
#include "apache/request.hpp"
#include "calendar/service/reader.hpp"

namespace civic::apache {

int calendars_request(request_rec* r) {
  if (!discard_body(r)) return HTTP_BAD_REQUEST;
  Child& c = child();
  if (!c.store || !c.reader) return send_reply(r, store_not_open());
  const char* prefix = location_path(r);

  calendar::ReadRequest request;
  request.read_method = r->method_number == M_GET;  // HEAD is a GET whose body is not sent
  request.path = path_after_prefix(r, prefix);
  request.args = view(r->args);
  request.accept = request_header(r, "Accept");
  request.accept_language = request_header(r, "Accept-Language");
  if (const char* etags = apr_table_get(r->headers_in, "If-None-Match")) request.if_none_match = etags;
  if (const char* since = apr_table_get(r->headers_in, "If-Modified-Since")) {
    apr_time_t t = apr_date_parse_http(since);
    if (t != APR_DATE_BAD) request.if_modified_since = apr_time_sec(t);
  }
  request.base_url = request_origin(r) + (prefix ? prefix : "/");
  if (request.base_url.back() != '/') request.base_url.push_back('/');
  request.now = now_seconds();

  calendar::ReadAnswer answer = c.reader->answer(*c.store, request);
  if (answer.needs_pool) {
    answer.txn.reset();
    answer = c.reader->answer_whole(*c.store, request);
    c.reader->remember(answer);
  }
  if (!answer.calendar.empty())
    server::count_feed(shared_metrics(), answer.calendar, answer.format, answer.reply.status, answer.reply.size(),
                       answer.from_cache);
  int rc = send_reply(r, std::move(answer.reply));
  answer.txn.reset();  // after the store's views were sent or copied
  return rc;
}

}  // namespace civic::apache
