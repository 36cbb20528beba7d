// A multi-step form, walked through by a citizen (docs/forms.md, "Steps"):
//
//   GET  {form}[?step=NAME|check|saved][&return=check][&draft=REF]
//        a step's page (or check your answers, or the saved page) with the
//        answers of the citizen's draft
//   POST {form}  with _step, _action (continue, back, save, submit,
//        email_link), _token, _draft and the step's fields
//
// The answers live in a draft in the store (storage/drafts.hpp), encrypted
// with a key that only its signed reference holds (TokenSigner::draft_ref,
// sealing/draft_box.hpp): the reference the page carries in
// `_draft`, the browser in the `civic_draft` cookie (scoped to the form's
// path), and a resume link in ?draft=. Every post is answered with a
// redirect to the page to show next (303, so that reload and Back never post
// twice), or the same step again with its errors (422). The final Submit
// goes to the group commit, which stores the submission and removes the
// draft in one transaction: a submission is committed once.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "forms/service/public_answers.hpp"
#include "forms/service/public_request.hpp"
#include "storage/store.hpp"
#include "storage/submission_store.hpp"

namespace civic::forms {

inline constexpr std::string_view kDraftCookie = "civic_draft";

// Bounds on one draft (docs/limits.md).
inline constexpr std::size_t kMaxDraftValueBytes = 1 << 20;    // every answer's text together
inline constexpr std::size_t kMaxDraftBytes = 32u << 20;       // answers and files together

// The page of a multi-step form for a GET or HEAD (the draft read inline:
// one key).
PublicAnswer journey_page(const PublicSite& site, const PublicRequest& request, FormVisit visit);

// What a step's post becomes: an answer now, or a submission to commit
// (then `answer` is empty and `answers` is what to show if it fails).
struct JourneyOutcome {
  PublicAnswer answer;
  std::optional<storage::NewSubmission> record;
  FormInput answers;
};

// A step's post, its body read: in a pool thread (it writes the draft).
JourneyOutcome take_journey_step(const Submission& submission, std::string_view body, storage::Store& store,
                                 std::int64_t now);

// Prefill (`prefill F... from=query`): the values of the query string `args`
// for the listed fields, each kept only if it passes the field's checks.
FormInput prefilled(const Form& form, std::string_view args, std::string_view lang);
// What a one-page form shows on a first visit: prefill, and the defaults.
FormInput first_visit_answers(const Form& form, std::string_view args, std::string_view lang);

// The answer to the final commit: commit_answer, and the draft's cookie
// cleared once the submission is stored.
PublicAnswer journey_commit_answer(const FormVisit& visit, const CommitResult& result, const FormInput* answers,
                                   bool secure, std::int64_t now);

// Set-Cookie values: the draft's reference for the form at `path`, or its
// removal.
std::string draft_cookie(std::string_view ref, std::string_view path, bool secure);
std::string cleared_draft_cookie(std::string_view path, bool secure);

// The value of cookie `name` in a Cookie header ("" if none).
std::string_view cookie_value(std::string_view header, std::string_view name);

}  // namespace civic::forms
