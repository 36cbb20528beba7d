// Sending built messages through the civic_smtp relay with libcurl's SMTP.
// Usable from any thread; one call sends a batch, several at once.
#pragma once

#include "delivery/smtp_config.hpp"

#include <span>
#include <string>
#include <vector>

namespace civic::delivery {

struct OutgoingMail {
  std::string to;           // the envelope recipient, a plain address
  std::string message;      // build_message()'s text
  long timeout_ms = 30000;  // for the whole exchange with the relay
};

struct MailResult {
  bool delivered = false;  // the relay answered 2xx to the message
  bool retry = false;      // not delivered, but may be later: 4xx, no answer
  std::string error;       // for the log when not delivered; no addresses
};

class SmtpSender {
 public:
  explicit SmtpSender(SmtpConfig config);

  // results[i] is the outcome of mails[i]. Up to kParallel connections to the
  // relay at once (curl multi), all in the calling thread; returns when every
  // message is accepted, refused or timed out.
  std::vector<MailResult> send_all(std::span<const OutgoingMail> mails) const;

  static constexpr int kParallel = 4;

 private:
  SmtpConfig config_;
};

// How one transfer ended, from curl's code and the relay's last reply code
// (CURLINFO_RESPONSE_CODE; 0 if it never answered): 2xx delivered, 5xx
// failed for good, 4xx and connection errors retried.
MailResult smtp_outcome(int curl_code, long reply_code, std::string_view detail, std::string_view relay);

}  // namespace civic::delivery
