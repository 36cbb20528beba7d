// What the core answers an HTTP request with, for a server module (nginx
// today) to send as it is: a status, headers, and a body given in pieces
// (views valid while the service that made the reply keeps its read
// transaction open), or shared with a cache and sent without a copy.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/body.hpp"

namespace civic {

struct Reply {
  int status = 200;
  std::string content_type;                       // "": none (304, 204, HEAD-only answers)
  Body body;
  std::shared_ptr<const std::string> shared;      // when set, the body instead of `body`
  std::vector<std::pair<std::string, std::string>> headers;  // in the order to send; ETag among them
  std::optional<std::int64_t> last_modified;      // seconds; as sent (common/http_headers.hpp)
  // What went wrong inside, for the server's error log (never sent): raw
  // store messages go here, the client gets a sentence of its own.
  std::string log;
  bool store_full = false;  // the log line is [crit], at most once a second
  bool log_notice = false;  // `log` is an event to keep (an erasure), not a failure: [notice]

  void header(std::string name, std::string value) { headers.emplace_back(std::move(name), std::move(value)); }
  std::size_t size() const { return shared ? shared->size() : body.size(); }
};

// A reply with a body of its own.
Reply text_reply(int status, std::string_view content_type, std::string body);
Reply json_reply(int status, std::string body);
// {"error": message, "field": field}: every refusal.
Reply error_reply(int status, std::string_view message, std::string_view field = {});
// 405 with Allow.
Reply method_not_allowed(std::string_view allow);
// 204, no body.
Reply no_content();
// A failure of the store (its message logged, not sent): 507 when it is
// full, else 500. `what` names what was tried ("calendar \"culture\": write").
Reply store_failure(bool full, std::string_view what, std::string_view message);
// 503: the worker's store did not open (the error log says why).
Reply store_not_open();
// An exception stopped at the service's edge: 500, logged.
Reply internal_error(std::string_view what, std::string_view message);

// RFC 9110 §15.5.21.
inline constexpr int kUnprocessableContent = 422;

}  // namespace civic
