#include "common/reply.hpp"

#include "common/json_error.hpp"

namespace civic {

Reply text_reply(int status, std::string_view content_type, std::string body) {
  Reply r;
  r.status = status;
  r.content_type = content_type;
  r.body.append_owned(std::move(body));
  return r;
}

Reply json_reply(int status, std::string body) { return text_reply(status, "application/json", std::move(body)); }

Reply error_reply(int status, std::string_view message, std::string_view field) {
  return json_reply(status, json_error(message, field));
}

Reply method_not_allowed(std::string_view allow) {
  Reply r = error_reply(405, "method not allowed here; allowed: " + std::string(allow));
  r.header("Allow", std::string(allow));
  return r;
}

Reply store_failure(bool full, std::string_view what, std::string_view message) {
  Reply r = full ? error_reply(507, "the store is full: nothing was written; raise max_size of civic_store")
                 : error_reply(500, "the store could not be used; nothing was written; see the error log");
  r.log = std::string(what) + ": " + std::string(message);
  r.store_full = full;
  return r;
}

Reply store_not_open() { return error_reply(503, "the store is not open; see the error log"); }

Reply internal_error(std::string_view what, std::string_view message) {
  Reply r = error_reply(500, "the request failed; see the error log");
  r.log = std::string(what) + ": " + std::string(message);
  return r;
}

Reply no_content() {
  Reply r;
  r.status = 204;
  return r;
}

}  // namespace civic
