// What the pages (journey.cpp) and the posts (journey_step.cpp) of a
// multi-step form share: the names of its special pages and fields, and the
// pieces of page both answer with. Not for use outside forms/service/journey*.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "forms/service/journey.hpp"
#include "common/html.hpp"
#include "common/result.hpp"
#include "storage/drafts.hpp"

namespace civic::forms::journey {

namespace drafts = storage::drafts;

inline constexpr std::string_view kCheckPage = "check";
inline constexpr std::string_view kSavedPage = "saved";
inline constexpr std::string_view kPrefillPrefix = "_prefill.";
// A draft's note that a step was answered (its value: the step's name).
inline constexpr std::string_view kSeenMark = "_seen";
// A ?F= prefill value longer than this is not a value anyone types.
inline constexpr std::size_t kMaxPrefillBytes = 2000;
// Idempotency of the final Submit: as long as a form token may be replayed.
inline constexpr std::int64_t kReplaySeconds = 24 * 3600;

// A page of the journey in the form's layout, never cached.
Reply html_page(const FormVisit& visit, int status, std::string_view title, const HtmlFragment& fragment);

// "/forms/permit?lang=fi": where the pages post, and redirects start from.
std::string page_url(const FormVisit& visit);

// "The saved answers have expired ...", with a link to the form's start.
PublicAnswer draft_missing(const FormVisit& visit, int status, bool clear_cookie, bool secure);

// A draft's answers and files as the checks and pages read them, opened
// with the key of its reference; an error when that key does not open them
// (a reference to another draft's box, a damaged box).
Result<FormInput> open_answers(const drafts::Draft& draft, std::string_view key);
// `answers` encrypted into `draft` with `key` (its box, counts and bytes).
Status seal_answers(drafts::Draft& draft, const FormInput& answers, std::string_view key);
// The log line of a draft its reference does not open (the id, never the key).
std::string unopened_draft(const Form& form, const drafts::Draft& draft, const Error& why);

bool has_value(const FormInput& in, std::string_view name);
// Whether the citizen has answered `step` (kSeenMark in the draft).
bool step_seen(const FormInput& answers, const Step& step);

// Until when a draft is kept, as a date on the form's wall clock.
std::string until_text(const Form& form, std::int64_t expires);

// The absolute link that opens the draft named by `ref`.
std::string resume_link(std::string_view site, const FormVisit& visit, std::string_view ref);

// After Save: the resume link, and the form that e-mails it (civic_smtp).
Reply saved_page(const FormVisit& visit, const drafts::Draft& draft, std::string_view site, bool can_email,
                 std::string_view notice, bool notice_is_error, std::int64_t now);

}  // namespace civic::forms::journey
