#include "delivery/http_fetch.hpp"

#include <curl/curl.h>

#include <memory>
#include <string_view>

namespace civic::delivery {

namespace {

struct Transfer {
  HttpGot got;
  std::size_t max_bytes = 0;
  bool too_long = false;
};

std::size_t take_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::size_t n = size * count;
  if (t->got.body.size() + n > t->max_bytes) {
    t->too_long = true;
    return 0;  // curl stops with CURLE_WRITE_ERROR
  }
  t->got.body.append(data, n);
  return n;
}

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) s.remove_suffix(1);
  return s;
}

bool is_header(std::string_view line, std::string_view name) {
  if (line.size() <= name.size() || line[name.size()] != ':') return false;
  for (std::size_t i = 0; i < name.size(); ++i)
    if ((line[i] | 0x20) != (name[i] | 0x20)) return false;
  return true;
}

// ETag and Last-Modified of the last answer (a redirect's are replaced).
std::size_t take_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string_view line(data, size * count);
  if (line.starts_with("HTTP/")) {
    t->got.etag.clear();
    t->got.last_modified.clear();
  } else if (is_header(line, "etag")) {
    t->got.etag = trimmed(line.substr(5));
  } else if (is_header(line, "last-modified")) {
    t->got.last_modified = trimmed(line.substr(14));
  }
  return size * count;
}

bool clean(std::string_view value) { return value.find_first_of(std::string_view("\r\n\0", 3)) == value.npos; }

}  // namespace

HttpGot http_get(const HttpGet& request) {
  Transfer t;
  t.max_bytes = request.max_bytes;
  if (!clean(request.if_none_match) || !clean(request.if_modified_since) || !clean(request.accept)) {
    t.got.error = "a stored ETag or Last-Modified holds a line break";
    return t.got;
  }
  std::unique_ptr<CURL, void (*)(CURL*)> easy(curl_easy_init(), curl_easy_cleanup);
  if (!easy) {
    t.got.error = "curl_easy_init failed (out of memory)";
    return t.got;
  }
  curl_slist* headers = nullptr;
  if (!request.if_none_match.empty())
    headers = curl_slist_append(headers, ("If-None-Match: " + request.if_none_match).c_str());
  if (!request.if_modified_since.empty())
    headers = curl_slist_append(headers, ("If-Modified-Since: " + request.if_modified_since).c_str());
  if (!request.accept.empty()) headers = curl_slist_append(headers, ("Accept: " + request.accept).c_str());
  std::unique_ptr<curl_slist, void (*)(curl_slist*)> header_list(headers, curl_slist_free_all);
  char error[CURL_ERROR_SIZE] = {};
  CURL* c = easy.get();
  curl_easy_setopt(c, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, request.timeout_ms);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");  // gzip and the like, as curl can
  curl_easy_setopt(c, CURLOPT_USERAGENT, "civic calendar follower");
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, header_list.get());
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, take_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, take_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  CURLcode rc = curl_easy_perform(c);
  if (t.too_long) {
    t.got.error = "the answer is longer than " + std::to_string(request.max_bytes >> 20) + " MB";
    t.got.body.clear();
    return t.got;
  }
  if (rc != CURLE_OK) {
    t.got.error = error[0] ? error : curl_easy_strerror(rc);
    t.got.body.clear();
    return t.got;
  }
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &t.got.status);
  if (t.got.status != 200 && t.got.status != 304) {
    t.got.error = "HTTP " + std::to_string(t.got.status);
    t.got.body.clear();
  }
  return t.got;
}

}  // namespace civic::delivery
