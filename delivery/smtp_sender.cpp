#include "delivery/smtp_sender.hpp"

#include "delivery/curl_global.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cstring>
#include <memory>

namespace civic::delivery {

namespace {

// One message on its way: what curl reads from and writes its error to.
struct Transfer {
  std::size_t index = 0;
  const OutgoingMail* mail = nullptr;
  std::size_t offset = 0;
  CURL* easy = nullptr;
  curl_slist* recipients = nullptr;
  char error[CURL_ERROR_SIZE] = {};

  ~Transfer() {
    curl_slist_free_all(recipients);
    if (easy != nullptr) curl_easy_cleanup(easy);
  }
};

struct MultiFree {
  void operator()(CURLM* multi) const { curl_multi_cleanup(multi); }
};

size_t read_message(char* buffer, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const std::string& message = transfer->mail->message;
  std::size_t n = std::min(size * count, message.size() - transfer->offset);
  std::memcpy(buffer, message.data() + transfer->offset, n);
  transfer->offset += n;
  return n;
}

MailResult not_sent(bool retry, std::string error) { return MailResult{false, retry, std::move(error)}; }

// Sets every option of one message; false if curl refused one.
bool prepare(Transfer& t, const SmtpConfig& config) {
  t.recipients = curl_slist_append(nullptr, t.mail->to.c_str());
  if (t.recipients == nullptr) return false;
  CURL* e = t.easy;
  bool ok = curl_easy_setopt(e, CURLOPT_URL, config.url.c_str()) == CURLE_OK &&
            curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "smtp,smtps") == CURLE_OK &&
            curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L) == CURLE_OK &&
            curl_easy_setopt(e, CURLOPT_MAIL_FROM, config.from.c_str()) == CURLE_OK &&
            curl_easy_setopt(e, CURLOPT_MAIL_RCPT, t.recipients) == CURLE_OK &&
            curl_easy_setopt(e, CURLOPT_UPLOAD, 1L) == CURLE_OK &&
            curl_easy_setopt(e, CURLOPT_READFUNCTION, read_message) == CURLE_OK &&
            curl_easy_setopt(e, CURLOPT_READDATA, &t) == CURLE_OK &&
            curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, std::max(1L, t.mail->timeout_ms)) == CURLE_OK &&
            curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t.error) == CURLE_OK &&
            curl_easy_setopt(e, CURLOPT_PRIVATE, &t) == CURLE_OK &&
            // A relay that cannot do TLS is refused, not used in clear.
            curl_easy_setopt(e, CURLOPT_USE_SSL, config.starttls ? long(CURLUSESSL_ALL) : long(CURLUSESSL_NONE)) == CURLE_OK;
  if (ok && !config.user.empty())
    ok = curl_easy_setopt(e, CURLOPT_USERNAME, config.user.c_str()) == CURLE_OK &&
         curl_easy_setopt(e, CURLOPT_PASSWORD, config.password.c_str()) == CURLE_OK;
  return ok;
}

}  // namespace

MailResult smtp_outcome(int curl_code, long reply_code, std::string_view detail, std::string_view relay) {
  if (curl_code == CURLE_OK) return MailResult{true, false, {}};
  std::string error = "SMTP relay " + std::string(relay) + ": " + curl_easy_strerror(static_cast<CURLcode>(curl_code));
  if (!detail.empty()) error += " (" + std::string(detail) + ")";
  if (reply_code != 0) error += ", reply " + std::to_string(reply_code);
  if (reply_code >= 500 && reply_code < 600) return not_sent(false, std::move(error));
  if (reply_code >= 400 && reply_code < 500) return not_sent(true, std::move(error));
  // What no retry can mend: the configuration or this build of curl.
  switch (curl_code) {
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
    case CURLE_NOT_BUILT_IN:
    case CURLE_UNKNOWN_OPTION:
    case CURLE_BAD_FUNCTION_ARGUMENT:
      return not_sent(false, std::move(error));
    default:
      return not_sent(true, std::move(error));
  }
}

SmtpSender::SmtpSender(SmtpConfig config) : config_(std::move(config)) {}

std::vector<MailResult> SmtpSender::send_all(std::span<const OutgoingMail> mails) const {
  std::vector<MailResult> results(mails.size());
  if (mails.empty()) return results;
  if (civic::Status init = global_init(); !init) {
    for (MailResult& r : results) r = not_sent(true, init.error().message());
    return results;
  }
  std::unique_ptr<CURLM, MultiFree> multi(curl_multi_init());
  if (!multi) {
    for (MailResult& r : results) r = not_sent(true, "curl_multi_init failed (out of memory?)");
    return results;
  }

  std::vector<std::unique_ptr<Transfer>> active;
  std::size_t next = 0;
  auto finish = [&](Transfer* t, MailResult result) {
    results[t->index] = std::move(result);
    curl_multi_remove_handle(multi.get(), t->easy);
    std::erase_if(active, [t](const std::unique_ptr<Transfer>& a) { return a.get() == t; });
  };

  while (next < mails.size() || !active.empty()) {
    while (active.size() < static_cast<std::size_t>(kParallel) && next < mails.size()) {
      std::size_t index = next++;
      if (!valid_mail_address(mails[index].to)) {
        results[index] = not_sent(false, "the recipient is not one plain address");
        continue;
      }
      auto t = std::make_unique<Transfer>();
      t->index = index;
      t->mail = &mails[index];
      t->easy = curl_easy_init();
      if (t->easy == nullptr || !prepare(*t, config_)) {
        results[index] = not_sent(true, "curl refused the options of an SMTP transfer (out of memory?)");
        continue;
      }
      if (curl_multi_add_handle(multi.get(), t->easy) != CURLM_OK) {
        results[index] = not_sent(true, "curl_multi_add_handle failed");
        continue;
      }
      active.push_back(std::move(t));
    }

    int running = 0;
    CURLMcode mc = curl_multi_perform(multi.get(), &running);
    if (mc == CURLM_OK) {
      int queued = 0;
      while (CURLMsg* msg = curl_multi_info_read(multi.get(), &queued)) {
        if (msg->msg != CURLMSG_DONE) continue;
        Transfer* t = nullptr;
        long reply = 0;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, reinterpret_cast<char**>(&t));
        if (curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &reply) != CURLE_OK) reply = 0;
        finish(t, smtp_outcome(msg->data.result, reply, t->error, config_.url));
      }
      if (!active.empty()) mc = curl_multi_poll(multi.get(), nullptr, 0, 1000, nullptr);
    }
    if (mc != CURLM_OK) {
      // curl's own state is broken: nothing more is sent in this batch.
      std::string error = std::string("SMTP relay ") + config_.url + ": " + curl_multi_strerror(mc);
      while (!active.empty()) finish(active.back().get(), not_sent(true, error));
      while (next < mails.size()) results[next++] = not_sent(true, error);
    }
  }
  return results;
}

}  // namespace civic::delivery
