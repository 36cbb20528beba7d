// What a citizen's request below a civic_forms location asks for
// (docs/forms.md):
//
//   GET  {form}        the form's page, in the citizen's language
//   GET  {form}.json   its schema, with a fresh form token
//   POST {form}        a submission: its body is read, taken in
//                      (take_in_submission) and answered (public_answers.hpp)
//
// Everything but the body is decided here, before it is read: the form, the
// language, JSON or HTML, and the answers that need no body (the page, the
// schema, 404, 405, 403, 413, 415, 503).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "delivery/smtp_config.hpp"
#include "forms/decode.hpp"
#include "forms/forms.hpp"
#include "forms/intake.hpp"
#include "forms/service/public_answers.hpp"
#include "storage/store.hpp"

namespace civic::forms {

enum class PublicMethod { get, head, post, other };

// What the server module copies out of a request.
struct PublicRequest {
  PublicMethod method = PublicMethod::get;
  std::string_view path;        // after the location: "feedback", "feedback.json"
  // In a named location (error_page 413 @form_too_large) the request keeps
  // its URI: `path` is all of it, the form its last part.
  bool named_location = false;
  std::string_view uri;         // the request's path, e.g. "/forms/feedback.json"
  std::string_view args;        // the query string as sent
  std::string_view accept;
  std::string_view accept_language;
  std::string_view content_type;
  std::string_view origin;
  std::string_view sec_fetch_site;
  std::string_view host;
  // nginx refused the body (client_max_body_size) and error_page sent the
  // request here: the form's own page says so.
  bool body_too_large = false;
  // For multi-step forms (forms/service/journey.hpp): the Cookie header,
  // whether the request came over https, and where the site is for links
  // that leave the browser ("https://lomakkeet.example.fi").
  std::string_view cookie;
  bool https = false;
  std::string_view site;
};

// What the server has for every request.
struct PublicSite {
  const Forms& forms;
  const Layout* layout = nullptr;       // civic_form_layout; null: the built-in page
  bool store_open = false;
  const TokenSigner* signer = nullptr;  // null: the store's secret could not be read
  std::int64_t now = 0;                 // seconds since the epoch
  storage::Store* store = nullptr;      // where drafts are read; null: not open
  const delivery::SmtpConfig* smtp = nullptr;  // civic_smtp: resume links by e-mail
};

// A post whose body is to be read.
struct Submission {
  FormVisit visit;
  ContentType content_type;
  // A step of a multi-step form (a browser's post; JSON clients send the
  // whole form at once): forms/service/journey.hpp takes it.
  bool journey = false;
  std::string cookie_ref;  // the civic_draft cookie
  bool https = false;
  std::string site;
  const delivery::SmtpConfig* smtp = nullptr;
};

// The post to read, or the answer to send (the body, if any, discarded).
std::variant<Submission, PublicAnswer> plan_public_request(const PublicSite& site, const PublicRequest& request);

// The body of `submission`, read, taken in (forms/intake.hpp).
Intake take_in_submission(const Submission& submission, std::string_view body,
                          std::span<const std::string> idempotency_keys, std::int64_t now);

// The parts of the plan, for tests.

struct PublicRoute {
  std::string_view form;
  bool schema = false;  // {form}.json
};
// What a path names; nullopt: no form can be named so (404).
std::optional<PublicRoute> route_public_path(std::string_view path, bool named_location);

// An Accept header that weighs JSON above HTML (a browser's weighs HTML
// first; no header, or */*, is a tie: HTML).
bool prefers_json(std::string_view accept);

// The value of `name` in a query string as sent (not decoded), as nginx's
// ngx_http_arg() finds it: the first "name=" (any letter case); "" if none.
std::string_view query_value(std::string_view args, std::string_view name);

// ?lang= if it names one of `languages`, else the best Accept-Language match,
// else the first of `languages`.
std::string request_language(const PublicRequest& request, std::span<const std::string> languages);

}  // namespace civic::forms
