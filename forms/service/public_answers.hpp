// The answers a citizen gets from a form: its page, a short message page, a
// refusal of what was posted (forms/intake.hpp) or the outcome of storing it
// (the receipt page, its JSON, a redirect, or the form again with a notice).
// An HTML answer is a page in the visit's language, never cached; a client
// that asked for JSON gets JSON.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/reply.hpp"
#include "forms/form.hpp"
#include "forms/input.hpp"
#include "forms/intake.hpp"
#include "common/page_layout.hpp"
#include "forms/texts.hpp"
#include "forms/token.hpp"
#include "forms/service/submission_record.hpp"

namespace civic::forms {

// One request for one form, as every answer to it needs it.
struct FormVisit {
  const Form* form = nullptr;
  const Layout* layout = nullptr;          // civic_form_layout; null: the built-in page
  const TokenSigner* signer = nullptr;     // null: the store's secret could not be read (503)
  std::string lang;                        // the page's language
  std::string url;                         // the form's path, e.g. "/forms/feedback"
  bool wants_json = false;                 // a post that asked for JSON answers

  // A multi-step form's page (forms/service/journey.hpp): the step to show
  // (null: the first one shown), the draft's reference, whether Continue
  // leads back to the check-answers page, and prefilled values carried to
  // the first Continue.
  const Step* step = nullptr;
  std::string draft_ref;
  bool return_to_check = false;
  std::vector<std::pair<std::string, std::string>> carried;
};

struct PublicAnswer {
  Reply reply;
  // Why a submission was refused ("form \"x\": submission refused: ..."),
  // for the server's [info] log; "" if nothing was refused.
  std::string refused;
  // The receipt of a stored submission ($civic_receipt); "" if none.
  std::string receipt;
  // The form a refusal concerns (for the server's counters); "" if none.
  std::string form;
};

// The form's page with a fresh token, showing `submitted` again with its
// `errors` and a `notice` at the top when given.
Reply form_page(const FormVisit& visit, std::int64_t now, int status, const FormInput* submitted = nullptr,
                std::span<const FieldError> errors = {}, std::string_view notice = {});

// A page with a title and a sentence, in the visit's layout and language.
Reply message_page(const FormVisit& visit, int status, Text title, Text text);

// A refusal: `reason` for the log, `reply` for the client.
PublicAnswer refusal(const Form& form, std::string_view reason, Reply reply);

// The answer to an intake that was not accepted.
PublicAnswer intake_answer(const FormVisit& visit, const Intake& intake, std::int64_t now);

// The answer once the commit is done; `submitted` (what the citizen sent,
// or null) is shown again if it could not be stored.
PublicAnswer commit_answer(const FormVisit& visit, const CommitResult& result, const FormInput* submitted,
                           std::int64_t now);

// How the server's counters take an answer: a submission stored (it has a
// receipt), one refused (a refusal; or, when `sent_to_commit`, a commit
// that failed), or neither (a page, a step of a journey).
enum class Counted { neither, accepted, refused };
Counted counted_as(const PublicAnswer& answer, bool sent_to_commit);

}  // namespace civic::forms
