// What the handlers read of a request and how they send the core's reply.
#pragma once

#include "apache/httpd.hpp"

#include <string>
#include <string_view>
#include <vector>

#include "common/reply.hpp"

namespace civic::apache {

std::string_view request_header(request_rec* r, const char* name);
// Every value of a header sent more than once (Cookie, Idempotency-Key).
std::vector<std::string_view> request_headers(request_rec* r, const char* name);
// "https://host": the scheme and the Host the client asked for.
std::string request_origin(request_rec* r);
// The path of the <Location> the request is in ("/calendars/"), or null.
const char* location_path(request_rec* r);
// The path after the <Location>'s own ("culture.ics" below "/calendars/").
std::string_view path_after_prefix(request_rec* r, const char* prefix);
// Seconds since the epoch.
std::int64_t now_seconds();

// The body, whole, up to LimitRequestBody. False if it could not be read;
// `too_large` says when it was over the limit.
bool read_body(request_rec* r, std::string& into, bool& too_large);
// Reads and drops a body nobody asked for. False if the connection failed.
bool discard_body(request_rec* r);

// Sends `reply` (its log line to the error log) and returns what the
// handler returns to httpd.
int send_reply(request_rec* r, Reply reply);

// Sends the headers of `reply` for a body written piece by piece after
// (an export): no Content-Length.
void set_reply_headers(request_rec* r, const Reply& reply);

}  // namespace civic::apache
