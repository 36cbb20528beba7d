// The words of civic's e-mails in Finnish, Swedish, Danish and English;
// other languages get English. Placeholders, filled with civic::fill
// (common/placeholders.hpp): {title} (the form's title), {form} (its name),
// {receipt}, {time}.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace civic::delivery {

enum class MailText {
  case_worker_subject,   // "New submission to {title}"
  summary_body,          // which form, receipt, time, where to fetch it; no answers
  full_intro,            // the same facts, then "Answers:" and one line per answer
  confirmation_subject,  // to the citizen
  confirmation_body,     // title, receipt, time; never the answers
};

std::string_view mail_text(MailText text, std::string_view lang);

// How a file field appears among the answers: "plan.pdf (application/pdf,
// 120 kB)". Never its content.
std::string file_answer(std::string_view name, std::string_view type, std::uint64_t size);

}  // namespace civic::delivery
