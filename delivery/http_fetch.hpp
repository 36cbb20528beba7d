// One conditional HTTP GET over libcurl, blocking the calling thread (a
// thread-pool thread or civicctl, never nginx's event loop): what a calendar
// that follows a published .ics fetches (calendar/service/source_sync.hpp).
#pragma once

#include <cstddef>
#include <string>

namespace civic::delivery {

struct HttpGet {
  std::string url;            // http or https; up to 5 redirects are followed
  std::string if_none_match;  // the ETag of the last answer, "" if none
  std::string if_modified_since;  // its Last-Modified, "" if none
  std::string accept;             // an Accept header, "" for none
  long timeout_ms = 30000;        // the whole exchange
  std::size_t max_bytes = 64u << 20;  // a longer body is an error
};

struct HttpGot {
  long status = 0;              // 200, 304, ...; 0 when no answer came
  std::string body;             // of a 200
  std::string etag;             // ETag and Last-Modified of the answer, "" if none
  std::string last_modified;
  std::string error;            // empty when a 200 or 304 came
  // Nothing was asked: the server is stopping (a server's own fetcher says
  // so, never http_get). A source's run ends there, not failed, and the turn
  // goes to the next process at once.
  bool stopped = false;
};

// Never throws for a network problem: `error` says what happened. global_init()
// (curl_global.hpp) must have run first.
HttpGot http_get(const HttpGet& request);

}  // namespace civic::delivery
