#include "forms/service/public_request.hpp"

#include "common/http_headers.hpp"

#include "common/protocol_words.hpp"
#include "common/language.hpp"
#include "forms/schema_json.hpp"
#include "forms/service/journey.hpp"

namespace civic::forms {

namespace {

constexpr std::string_view kSchemaSuffix = ".json";

// The languages of a page that belongs to no form (404).
const std::string kSiteLanguages[] = {"en", "fi", "sv", "da"};

bool reads(PublicMethod m) { return m == PublicMethod::get || m == PublicMethod::head; }

// 404: JSON unless the client reads HTML, then a page in its language.
PublicAnswer not_found(const PublicRequest& request) {
  if (request.accept.find("text/html") == std::string_view::npos) return {error_reply(404, "no such form"), {}, {}, {}};
  FormVisit site_page;  // no form, the built-in layout
  site_page.lang = request_language(request, kSiteLanguages);
  return {message_page(site_page, 404, Text::not_found_title, Text::not_found_text), {}, {}, {}};
}

PublicAnswer too_large(const FormVisit& visit, const ContentType& type, std::string_view accept, std::int64_t now) {
  Reply reply = type.kind == BodyKind::json || prefers_json(accept)
                    ? error_reply(413, "the submission is larger than this service takes; nothing was stored")
                    : form_page(visit, now, 413, nullptr, {}, builtin_text(Text::too_large_text, visit.lang));
  return refusal(*visit.form, "the body is larger than client_max_body_size", std::move(reply));
}

PublicAnswer schema(const FormVisit& visit, PublicMethod method, std::int64_t now) {
  if (!reads(method)) return {method_not_allowed("GET, HEAD"), {}, {}, {}};
  if (visit.signer == nullptr) return {store_not_open(), {}, {}, {}};
  std::string token = visit.signer->issue(visit.form->name, now);
  Reply r = json_reply(200, render_schema_json(*visit.form, visit.url, token));
  r.header("Cache-Control", "no-store");  // the token is fresh each time
  return {std::move(r), {}, {}, {}};
}

}  // namespace

std::string_view query_value(std::string_view args, std::string_view name) {
  while (!args.empty()) {
    std::size_t amp = args.find('&');
    std::string_view pair = args.substr(0, amp);
    if (pair.size() > name.size() && pair[name.size()] == '=' && iequals_ascii(pair.substr(0, name.size()), name))
      return pair.substr(name.size() + 1);
    if (amp == std::string_view::npos) break;
    args.remove_prefix(amp + 1);
  }
  return {};
}

std::optional<PublicRoute> route_public_path(std::string_view path, bool named_location) {
  if (named_location) path = path.substr(path.rfind('/') + 1);
  PublicRoute route;
  route.schema = path.ends_with(kSchemaSuffix);
  route.form = route.schema ? path.substr(0, path.size() - kSchemaSuffix.size()) : path;
  if (route.form.empty() || route.form.find('/') != std::string_view::npos) return std::nullopt;
  return route;
}

bool prefers_json(std::string_view accept) {
  return accept_quality(accept, "application/json") > accept_quality(accept, "text/html");
}

std::string request_language(const PublicRequest& request, std::span<const std::string> languages) {
  return choose_language(query_value(request.args, "lang"), request.accept_language, languages);
}

std::variant<Submission, PublicAnswer> plan_public_request(const PublicSite& site, const PublicRequest& request) {
  auto route = route_public_path(request.path, request.named_location);
  const Form* form = route ? site.forms.find(route->form) : nullptr;
  if (form == nullptr) return not_found(request);
  if (!site.store_open) return PublicAnswer{store_not_open(), {}, {}, {}};

  Submission s;
  FormVisit& visit = s.visit;
  visit.form = form;
  visit.layout = site.layout;
  visit.signer = site.signer;
  visit.lang = request_language(request, form->languages);
  visit.url = request.uri;
  if (route->schema && visit.url.ends_with(kSchemaSuffix)) visit.url.resize(visit.url.size() - kSchemaSuffix.size());
  s.content_type = parse_content_type(request.content_type);

  if (request.body_too_large && !route->schema) return too_large(visit, s.content_type, request.accept, site.now);
  if (route->schema) return schema(visit, request.method, site.now);
  if (reads(request.method)) {
    if (form->multi_step()) return journey_page(site, request, visit);
    if (form->prefill.empty()) return PublicAnswer{form_page(visit, site.now, 200), {}, {}, {}};
    FormInput first = first_visit_answers(*form, request.args, visit.lang);
    return PublicAnswer{form_page(visit, site.now, 200, &first), {}, {}, {}};
  }
  if (request.method != PublicMethod::post) return PublicAnswer{method_not_allowed("GET, HEAD, POST"), {}, {}, {}};

  visit.wants_json = s.content_type.kind == BodyKind::json || prefers_json(request.accept);
  if (is_cross_site(request.origin, request.sec_fetch_site, request.host)) {
    Reply reply = visit.wants_json ? error_reply(403, "cross-site form posts are refused")
                                   : message_page(visit, 403, Text::refused_title, Text::cross_site_text);
    return refusal(*form,
                   "cross-site post (Origin \"" + std::string(request.origin) + "\", Sec-Fetch-Site \"" +
                       std::string(request.sec_fetch_site) + "\")",
                   std::move(reply));
  }
  if (s.content_type.kind == BodyKind::unsupported || !s.content_type.charset_ok)
    return refusal(*form, "unsupported Content-Type",
                   error_reply(415, "send application/x-www-form-urlencoded, multipart/form-data or application/json in UTF-8",
                               "Content-Type"));
  if (visit.signer == nullptr) return PublicAnswer{store_not_open(), {}, {}, {}};
  if (form->multi_step() && s.content_type.kind != BodyKind::json) {
    s.journey = true;
    s.cookie_ref = cookie_value(request.cookie, kDraftCookie);
    s.https = request.https;
    s.site = request.site;
    s.smtp = site.smtp;
  }
  return s;
}

Intake take_in_submission(const Submission& submission, std::string_view body,
                          std::span<const std::string> idempotency_keys, std::int64_t now) {
  const FormVisit& visit = submission.visit;
  IntakeRequest request{*visit.form, visit.lang, submission.content_type, body, idempotency_keys, now, *visit.signer};
  return take_in(request);
}

}  // namespace civic::forms
