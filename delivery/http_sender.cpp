#include "delivery/http_sender.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <initializer_list>
#include <string_view>

namespace civic::delivery {

namespace {

// Transfers under way at once, and so connections to one receiver; the rest
// of a batch waits its turn in post_all. Connections kept open for reuse:
// enough for a few receivers.
constexpr std::size_t kMaxInFlight = 32;
constexpr long kMaxPerHost = static_cast<long>(kMaxInFlight);
constexpr long kMaxCached = 128;
// Of a receiver's answer we keep only the start, for the error text; the
// rest is read and dropped, and past kMaxAnswer the exchange is cut off.
constexpr std::size_t kKeptAnswer = 1024;
constexpr std::size_t kMaxAnswer = 64 * 1024;
constexpr long kMaxConnectMs = 10000;

struct Transfer {
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  std::string answer;
  std::size_t answer_bytes = 0;
  bool cut_off = false;  // the answer was longer than kMaxAnswer
  char error[CURL_ERROR_SIZE] = {};
  HttpResult result;
  bool done = false;

  Transfer() = default;
  Transfer(const Transfer&) = delete;
  Transfer& operator=(const Transfer&) = delete;
  ~Transfer() {
    if (easy != nullptr) curl_easy_cleanup(easy);
    curl_slist_free_all(headers);
  }
};

std::size_t keep_answer_start(char* data, std::size_t size, std::size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::size_t n = size * count;
  t->answer_bytes += n;
  if (t->answer_bytes > kMaxAnswer) {
    t->cut_off = true;
    return 0;  // makes curl stop with CURLE_WRITE_ERROR
  }
  if (t->answer.size() < kKeptAnswer) t->answer.append(data, std::min(n, kKeptAnswer - t->answer.size()));
  return n;
}

// The receiver's text on one line of printable ASCII, fit for a log line.
std::string printable(std::string_view text) {
  std::string out;
  for (unsigned char c : text) out.push_back(c >= 0x20 && c < 0x7f ? static_cast<char>(c) : ' ');
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

bool has_line_break(std::string_view s) { return s.find_first_of(std::string_view("\r\n\0", 3)) != s.npos; }

// Sets up one transfer; false (with result filled in) when it cannot start.
bool prepare(Transfer& t, const HttpPost& post) {
  auto refuse = [&t](std::string why) {
    t.result.transport_error = true;
    t.result.error = std::move(why);
    t.done = true;
    return false;
  };
  t.easy = curl_easy_init();
  if (t.easy == nullptr) return refuse("curl_easy_init failed (out of memory)");
  for (const auto& [name, value] : post.headers) {
    // A header carrying a line break would smuggle in headers of its own.
    if (name.empty() || has_line_break(name) || name.find(':') != std::string::npos || has_line_break(value)) {
      return refuse("the header '" + printable(name) + "' has a line break or is not a header name");
    }
    curl_slist* more = curl_slist_append(t.headers, (name + ": " + value).c_str());
    if (more == nullptr) return refuse("curl_slist_append failed (out of memory)");
    t.headers = more;
  }
  // "Expect:" turns off curl's wait for a 100 Continue before larger bodies.
  for (const char* fixed : {"Content-Type: application/json", "Expect:"}) {
    curl_slist* more = curl_slist_append(t.headers, fixed);
    if (more == nullptr) return refuse("curl_slist_append failed (out of memory)");
    t.headers = more;
  }
  CURL* e = t.easy;
  const long timeout = std::max(post.timeout_ms, 1L);
  const bool set = curl_easy_setopt(e, CURLOPT_URL, post.url.c_str()) == CURLE_OK &&
                   curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https") == CURLE_OK &&
                   curl_easy_setopt(e, CURLOPT_POST, 1L) == CURLE_OK &&
                   curl_easy_setopt(e, CURLOPT_POSTFIELDS, post.body.data()) == CURLE_OK &&
                   curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(post.body.size())) ==
                       CURLE_OK &&
                   curl_easy_setopt(e, CURLOPT_HTTPHEADER, t.headers) == CURLE_OK &&
                   curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L) == CURLE_OK &&
                   curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L) == CURLE_OK &&
                   curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, timeout) == CURLE_OK &&
                   curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, std::min(timeout, kMaxConnectMs)) == CURLE_OK &&
                   curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L) == CURLE_OK &&
                   curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L) == CURLE_OK &&
                   curl_easy_setopt(e, CURLOPT_USERAGENT, "civic") == CURLE_OK &&
                   curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, keep_answer_start) == CURLE_OK &&
                   curl_easy_setopt(e, CURLOPT_WRITEDATA, &t) == CURLE_OK &&
                   curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t.error) == CURLE_OK &&
                   curl_easy_setopt(e, CURLOPT_PRIVATE, &t) == CURLE_OK;
  if (!set) return refuse("this libcurl refuses an option civic needs (too old a libcurl?)");
  return true;
}

void finish(Transfer& t, CURLcode code) {
  long status = 0;
  if (curl_easy_getinfo(t.easy, CURLINFO_RESPONSE_CODE, &status) != CURLE_OK) status = 0;
  t.result.status = status;
  t.done = true;
  // An answer cut off for its length still has its status: that is the answer.
  if (code == CURLE_OK || (t.cut_off && status != 0)) {
    if (status < 200 || status > 299) {
      t.result.error = "HTTP " + std::to_string(status);
      const std::string said = printable(t.answer);
      if (!said.empty()) t.result.error += ": " + said;
    }
    return;
  }
  t.result.transport_error = true;
  t.result.error = t.error[0] != '\0' ? printable(t.error) : curl_easy_strerror(code);
}

}  // namespace

struct HttpSender::Multi {
  CURLM* handle = nullptr;
  std::string setup_error;
};

HttpSender::HttpSender() : multi_(std::make_unique<Multi>()) {
  multi_->handle = curl_multi_init();
  if (multi_->handle == nullptr) {
    multi_->setup_error = "curl_multi_init failed (out of memory, or global_init was not called)";
    return;
  }
  if (curl_multi_setopt(multi_->handle, CURLMOPT_MAX_HOST_CONNECTIONS, kMaxPerHost) != CURLM_OK ||
      curl_multi_setopt(multi_->handle, CURLMOPT_MAXCONNECTS, kMaxCached) != CURLM_OK) {
    multi_->setup_error = "this libcurl refuses a connection limit civic needs";
  }
}

HttpSender::~HttpSender() {
  if (multi_->handle != nullptr) curl_multi_cleanup(multi_->handle);
}

std::vector<HttpResult> HttpSender::post_all(std::span<const HttpPost> posts) {
  std::vector<HttpResult> results(posts.size());
  if (!multi_->setup_error.empty()) {
    for (HttpResult& r : results) {
      r.transport_error = true;
      r.error = multi_->setup_error;
    }
    return results;
  }
  CURLM* multi = multi_->handle;
  // Transfers stay where they are: curl holds pointers into them.
  std::vector<std::unique_ptr<Transfer>> transfers(posts.size());
  std::size_t next = 0;
  std::size_t running = 0;
  // No more than kMaxInFlight handed to curl at once: curl's timeout runs
  // from when it gets a transfer, so one waiting there for a free connection
  // would time out without having been sent.
  auto start_more = [&] {
    for (; next < posts.size() && running < kMaxInFlight; ++next) {
      transfers[next] = std::make_unique<Transfer>();
      Transfer& t = *transfers[next];
      if (!prepare(t, posts[next])) continue;
      const CURLMcode added = curl_multi_add_handle(multi, t.easy);
      if (added != CURLM_OK) {
        t.result.transport_error = true;
        t.result.error = std::string("curl_multi_add_handle: ") + curl_multi_strerror(added);
        t.done = true;
        continue;
      }
      ++running;
    }
  };
  start_more();
  std::string multi_error;
  while (running > 0) {
    int still = 0;
    CURLMcode mc = curl_multi_perform(multi, &still);
    if (mc == CURLM_OK) {
      int queued = 0;
      while (CURLMsg* msg = curl_multi_info_read(multi, &queued)) {
        if (msg->msg != CURLMSG_DONE) continue;
        Transfer* t = nullptr;
        if (curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &t) != CURLE_OK || t == nullptr) continue;
        const CURLcode code = msg->data.result;  // read before removing: msg is curl's
        finish(*t, code);
        // A failure here leaves the handle in; the loop at the end removes it again.
        (void)curl_multi_remove_handle(multi, t->easy);
        --running;
      }
      start_more();
      if (running == 0) break;
      mc = curl_multi_poll(multi, nullptr, 0, 1000, nullptr);
    }
    if (mc != CURLM_OK) {
      multi_error = std::string("curl multi: ") + curl_multi_strerror(mc);
      break;
    }
  }
  for (std::size_t i = 0; i < posts.size(); ++i) {
    Transfer* t = transfers[i].get();
    if (t == nullptr || !t->done) {
      // Only after a failure of the multi handle itself.
      results[i].transport_error = true;
      results[i].error = multi_error;
      if (t == nullptr) continue;
    } else {
      results[i] = std::move(t->result);
    }
    if (t->easy != nullptr) (void)curl_multi_remove_handle(multi, t->easy);  // harmless if already removed
  }
  return results;
}

}  // namespace civic::delivery
