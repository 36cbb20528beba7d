// Many webhook POSTs at once over libcurl's multi interface, blocking the
// calling thread (a thread-pool thread, never nginx's event loop) until every
// one has an answer or has timed out.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace civic::delivery {

struct HttpPost {
  std::string url;  // http or https only; redirects are not followed
  std::vector<std::pair<std::string, std::string>> headers;  // besides Content-Type: application/json
  std::string body;
  long timeout_ms = 10000;  // the whole exchange, from when it gets a connection slot
};

struct HttpResult {
  long status = 0;               // the HTTP status, 0 when none came
  bool transport_error = false;  // no answer: refused, timed out, DNS, TLS
  std::string error;             // curl's text, or "HTTP 503: <start of the answer>"; empty on 2xx
};

// Keeps one curl multi handle, and with it the connection cache, from call
// to call, so that deliveries to the same receiver reuse their connections.
// Not thread-safe: one HttpSender per nginx worker, used by one thread-pool
// task at a time. global_init() (curl_global.hpp) must have run first.
class HttpSender {
 public:
  HttpSender();
  ~HttpSender();
  HttpSender(const HttpSender&) = delete;
  HttpSender& operator=(const HttpSender&) = delete;

  // One result per post, in the posts' order. At most 32 are under way at
  // once (and so at most 32 connections to one receiver); the others wait
  // their turn before their timeout starts, so a batch takes up to
  // (posts / 32) timeouts. Never throws for a network problem: each one's
  // result says what happened to it.
  std::vector<HttpResult> post_all(std::span<const HttpPost> posts);

 private:
  struct Multi;
  std::unique_ptr<Multi> multi_;
};

}  // namespace civic::delivery
