#include "apache/request.hpp"

#include <apr_date.h>
#include <util_filter.h>

#include <ctime>
#include <memory>
#include <mutex>

#include "common/log_throttle.hpp"

namespace civic::apache {

std::string_view request_header(request_rec* r, const char* name) { return view(apr_table_get(r->headers_in, name)); }

std::vector<std::string_view> request_headers(request_rec* r, const char* name) {
  std::vector<std::string_view> values;
  apr_table_do(
      [](void* into, const char*, const char* value) -> int {
        static_cast<std::vector<std::string_view>*>(into)->emplace_back(value);
        return 1;
      },
      &values, r->headers_in, name, nullptr);
  return values;
}

std::string request_origin(request_rec* r) {
  std::string origin = ap_http_scheme(r);
  origin.append("://");
  std::string_view host = request_header(r, "Host");
  if (host.empty()) host = view(r->hostname);
  if (host.empty()) host = view(r->server->server_hostname);
  origin.append(host);
  return origin;
}

const char* location_path(request_rec* r) {
  // The core's record of the last section merged for the request: the
  // <Location>, which httpd merges after any <Directory>.
  auto* core = static_cast<core_dir_config*>(ap_get_core_module_config(r->per_dir_config));
  return core ? core->d : nullptr;
}

std::string_view path_after_prefix(request_rec* r, const char* prefix) {
  std::string_view uri = view(r->uri);
  std::string_view pre = view(prefix);
  if (!pre.empty() && uri.starts_with(pre)) uri.remove_prefix(pre.size());
  while (!uri.empty() && uri.front() == '/') uri.remove_prefix(1);
  return uri;
}

std::int64_t now_seconds() { return static_cast<std::int64_t>(std::time(nullptr)); }

bool read_body(request_rec* r, std::string& into, bool& too_large) {
  too_large = false;
  apr_off_t limit = ap_get_limit_req_body(r);
  const char* length = apr_table_get(r->headers_in, "Content-Length");
  if (limit > 0 && length != nullptr) {
    char* end = nullptr;
    apr_off_t n = 0;
    if (apr_strtoff(&n, length, &end, 10) == APR_SUCCESS && n > limit) {
      too_large = true;
      return true;  // the client's body is left unread: the connection closes after the answer
    }
  }
  if (ap_setup_client_block(r, REQUEST_CHUNKED_DECHUNK) != OK) return false;
  if (!ap_should_client_block(r)) return true;
  char buffer[16384];
  for (;;) {
    long n = ap_get_client_block(r, buffer, sizeof buffer);
    if (n == 0) return true;
    if (n < 0) {
      // Over LimitRequestBody in a chunked body: httpd stops reading it.
      if (limit > 0 && static_cast<apr_off_t>(into.size()) + static_cast<apr_off_t>(sizeof buffer) >= limit)
        too_large = true;
      return too_large;
    }
    into.append(buffer, static_cast<std::size_t>(n));
    if (limit > 0 && static_cast<apr_off_t>(into.size()) > limit) {
      too_large = true;
      return true;
    }
  }
}

bool discard_body(request_rec* r) { return ap_discard_request_body(r) == OK; }

namespace {

apr_status_t release_shared(void* data) {
  delete static_cast<std::shared_ptr<const std::string>*>(data);
  return APR_SUCCESS;
}

void log_reply(request_rec* r, const Reply& reply) {
  if (reply.store_full) {
    // At most once a second, as under nginx (module/store_full_log.cpp).
    static std::mutex mutex;
    static LogThrottle throttle;
    std::uint64_t held_back = 0;
    bool admitted;
    {
      std::lock_guard lock(mutex);
      admitted = throttle.admit(now_seconds(), held_back);
    }
    if (!admitted) return;
    if (held_back == 0)
      ap_log_rerror(APLOG_MARK, APLOG_CRIT, 0, r, "civic: store: %s", reply.log.c_str());
    else
      ap_log_rerror(APLOG_MARK, APLOG_CRIT, 0, r, "civic: store: %s (and %" APR_UINT64_T_FMT " more refused since the last line)",
                    reply.log.c_str(), static_cast<apr_uint64_t>(held_back));
  } else if (!reply.log.empty()) {
    ap_log_rerror(APLOG_MARK, reply.log_notice ? APLOG_NOTICE : APLOG_ERR, 0, r, "civic: %s", reply.log.c_str());
  }
}

}  // namespace

void set_reply_headers(request_rec* r, const Reply& reply) {
  log_reply(r, reply);
  r->status = reply.status;
  // Some older httpd have no reason phrase of their own for 422 (RFC 9110 §15.5.21).
  if (reply.status == kUnprocessableContent) r->status_line = "422 Unprocessable Content";
  for (const auto& [name, value] : reply.headers) {
    apr_table_add(r->headers_out, apr_pstrmemdup(r->pool, name.data(), name.size()),
                  apr_pstrmemdup(r->pool, value.data(), value.size()));
  }
  if (reply.last_modified) {
    char* date = static_cast<char*>(apr_palloc(r->pool, APR_RFC822_DATE_LEN));
    apr_rfc822_date(date, apr_time_from_sec(*reply.last_modified));
    apr_table_setn(r->headers_out, "Last-Modified", date);
  }
  if (!reply.content_type.empty())
    ap_set_content_type(r, apr_pstrmemdup(r->pool, reply.content_type.data(), reply.content_type.size()));
}

int send_reply(request_rec* r, Reply reply) {
  set_reply_headers(r, reply);
  std::size_t size = reply.size();
  if (reply.status == HTTP_NOT_MODIFIED || reply.status == HTTP_NO_CONTENT) return OK;
  ap_set_content_length(r, static_cast<apr_off_t>(size));
  if (r->header_only || size == 0) return OK;
  apr_bucket_brigade* bb = apr_brigade_create(r->pool, r->connection->bucket_alloc);
  apr_bucket_alloc_t* ba = r->connection->bucket_alloc;
  if (reply.shared) {
    // Sent without a copy: the request's pool keeps the body alive.
    auto* keep = new std::shared_ptr<const std::string>(reply.shared);
    apr_pool_cleanup_register(r->pool, keep, release_shared, apr_pool_cleanup_null);
    APR_BRIGADE_INSERT_TAIL(bb, apr_bucket_immortal_create((*keep)->data(), (*keep)->size(), ba));
  } else {
    // Views of the store (valid until the handler returns): transient
    // buckets, which httpd copies if it has to keep them longer.
    reply.body.for_each([&](std::string_view part) {
      if (!part.empty()) APR_BRIGADE_INSERT_TAIL(bb, apr_bucket_transient_create(part.data(), part.size(), ba));
    });
  }
  APR_BRIGADE_INSERT_TAIL(bb, apr_bucket_eos_create(ba));
  apr_status_t rv = ap_pass_brigade(r->output_filters, bb);
  return rv == APR_SUCCESS ? OK : AP_FILTER_ERROR;
}

}  // namespace civic::apache
