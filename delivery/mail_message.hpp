// E-mails about a submission, built as RFC 5322 messages with GMime: UTF-8
// subjects as RFC 2047 encoded words, a text/plain; charset=utf-8 body in a
// 7-bit transfer encoding GMime picks, lines within SMTP's 998 octets, CRLF
// line ends (as SMTP sends them). No field of a submission can add a header.
#pragma once

#include "common/result.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace civic::delivery {

struct MailContent {
  std::string from;               // plain addresses (valid_mail_address)
  std::string to;
  std::string subject;            // any text: controls become spaces
  std::string body_text;          // any text: line ends become CRLF
  std::string message_id_domain;  // Message-ID: <random@this>
  std::int64_t date = 0;          // Date:, seconds since the epoch
  std::string language;           // Content-Language: (fi, sv, da, en)
};

// The message as SMTP sends it (before dot-stuffing, which curl does). An
// error if an address or the domain is not plain, or GMime fails.
civic::Result<std::string> build_message(const MailContent& content);

// What the messages say about a submission, resolved by the caller.
struct SubmissionFacts {
  std::string form;           // the form's name, as in /admin/forms/{form}/
  std::string form_title;     // in `language`
  std::string receipt;
  std::int64_t created_time = 0;  // seconds since the epoch; also the Date:
  std::string local_time;     // created_time on the form's wall clock
                              // (forms::local_time_text), "" for UTC
  std::string time_zone;      // shown after it: "Europe/Helsinki"
  std::string language;       // of the texts: fi, sv, da; others get English
};

// To the case worker: the form, the receipt, the time and where to fetch the
// submission; no answers, no personal data (content=summary).
MailContent case_worker_summary(const SubmissionFacts& facts, std::string_view from, std::string_view to);

// The same facts, then one "Label: value" line per answer (content=full). A
// file field's value is what file_answer() writes, never its content.
MailContent case_worker_full(const SubmissionFacts& facts,
                             const std::vector<std::pair<std::string, std::string>>& answers,
                             std::string_view from, std::string_view to);

// To the citizen (confirm_email): the form's title, the receipt and the time;
// never the answers.
MailContent citizen_confirmation(const SubmissionFacts& facts, std::string_view from, std::string_view to);

}  // namespace civic::delivery
