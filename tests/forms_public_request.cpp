// What a citizen's request below civic_forms is planned as: the route, the
// language from ?lang= and Accept-Language, JSON or HTML, and every answer
// made before a body is read, with the status and headers a client sees.
#include <string>

#include "common/html.hpp"
#include "forms/service/public_request.hpp"
#include "forms/texts.hpp"
#include "tests/support/public_forms.hpp"
#include "tests/support/cmocka.hpp"  // last

using namespace civic;
using namespace civic::forms;
using civic::test::Seen;

namespace {

// The plan as a caller sees it.
struct Planned {
  bool submit = false;  // the body is to be read
  Seen answer;          // else: what is sent
  std::string refused;
  std::string lang, url;
  bool wants_json = false;
  BodyKind body_kind = BodyKind::unsupported;
};

struct Ask {
  PublicMethod method = PublicMethod::get;
  const char* path = "feedback";
  const char* args = "";
  const char* accept = "";
  const char* accept_language = "";
  const char* content_type = "";
  const char* origin = "";
  bool too_large = false;
  bool store_open = true;
  bool signer = true;
};

Planned plan(const Ask& ask) {
  PublicRequest request;
  request.method = ask.method;
  request.path = ask.path;
  std::string uri = "/forms/" + std::string(ask.path);
  request.uri = uri;
  request.args = ask.args;
  request.accept = ask.accept;
  request.accept_language = ask.accept_language;
  request.content_type = ask.content_type;
  request.origin = ask.origin;
  request.host = "example.org";
  request.body_too_large = ask.too_large;
  PublicSite site{test::public_forms(), nullptr, ask.store_open, ask.signer ? &test::test_signer() : nullptr,
                  test::kNow};
  auto planned = plan_public_request(site, request);
  Planned p;
  if (auto* answer = std::get_if<PublicAnswer>(&planned)) {
    p.answer = test::seen(answer->reply);
    p.refused = answer->refused;
    return p;
  }
  const auto& s = std::get<Submission>(planned);
  p.submit = true;
  p.lang = s.visit.lang;
  p.url = s.visit.url;
  p.wants_json = s.visit.wants_json;
  p.body_kind = s.content_type.kind;
  return p;
}

std::string language(const char* args, const char* accept_language) {
  PublicRequest request;
  request.args = args;
  request.accept_language = accept_language;
  return request_language(request, test::public_form().languages);
}

std::string escaped(Text text, std::string_view lang) { return escape_html(builtin_text(text, lang)); }

void routes_by_path(void**) {
  struct Case {
    const char* path;
    bool named;
    const char* form;  // nullptr: no route
    bool schema;
  } cases[] = {
      {"feedback", false, "feedback", false},
      {"feedback.json", false, "feedback", true},
      {"forms/feedback", true, "feedback", false},  // error_page 413 @name: the URI's last part
      {"forms/feedback.json", true, "feedback", true},
      {"", false, nullptr, false},
      {".json", false, nullptr, false},
      {"feedback/", false, nullptr, false},
      {"a/feedback", false, nullptr, false},
  };
  for (const auto& c : cases) {
    auto route = route_public_path(c.path, c.named);
    if (!route != (c.form == nullptr)) fail_msg("%s: routed %d", c.path, route.has_value());
    if (!route) continue;
    if (route->form != c.form || route->schema != c.schema)
      fail_msg("%s: form \"%.*s\", schema %d", c.path, int(route->form.size()), route->form.data(), route->schema);
  }
}

void chooses_the_language(void**) {
  assert_string_equal(language("", "").c_str(), "fi");  // the form's first
  assert_string_equal(language("", "en").c_str(), "en");
  assert_string_equal(language("", "sv-FI, en;q=0.5").c_str(), "sv");
  assert_string_equal(language("", "de, en;q=0.1").c_str(), "en");
  assert_string_equal(language("", "sv;q=0.5x, en;q=0.3").c_str(), "en");  // a malformed weight: passed over
  assert_string_equal(language("lang=sv", "en").c_str(), "sv");  // ?lang= wins
  assert_string_equal(language("x=1&LANG=en", "").c_str(), "en");  // as nginx finds arguments
  assert_string_equal(language("lang=de", "").c_str(), "fi");    // not one of the form's
  assert_string_equal(language("flang=en", "").c_str(), "fi");
  Planned p = plan({.args = "lang=sv"});
  assert_string_equal(p.answer.header("Content-Language").c_str(), "sv");
  assert_true(p.answer.has("<html lang=\"sv\">"));
}

void negotiates_json_or_html(void**) {
  assert_true(prefers_json("application/json"));
  assert_true(prefers_json("application/json, */*;q=0.1"));
  assert_false(prefers_json("text/html, application/json"));
  assert_false(prefers_json(""));
  assert_false(prefers_json("*/*"));
  // By weight, as a browser or a client library sends them.
  assert_false(prefers_json("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"));
  assert_true(prefers_json("text/html;q=0.5, application/json"));
  assert_false(prefers_json("application/json;q=0, text/html"));
  assert_true(prefers_json("application/*"));
  const char* form = "application/x-www-form-urlencoded";
  Planned p = plan({.method = PublicMethod::post, .content_type = form});
  assert_true(p.submit);
  assert_false(p.wants_json);
  assert_int_equal(int(p.body_kind), int(BodyKind::urlencoded));
  assert_string_equal(p.url.c_str(), "/forms/feedback");
  p = plan({.method = PublicMethod::post, .accept = "application/json", .content_type = form});
  assert_true(p.wants_json);
  p = plan({.method = PublicMethod::post, .content_type = "application/json"});
  assert_true(p.submit);
  assert_true(p.wants_json);
  p = plan({.method = PublicMethod::post, .accept_language = "en", .content_type = "multipart/form-data; boundary=x"});
  assert_string_equal(p.lang.c_str(), "en");
  assert_int_equal(int(p.body_kind), int(BodyKind::multipart));
}

void answers_no_such_form(void**) {
  Planned p = plan({.path = "nosuch"});
  assert_int_equal(p.answer.status, 404);
  assert_string_equal(p.answer.content_type.c_str(), "application/json");
  assert_true(p.answer.has("\"error\":\"no such form\""));
  p = plan({.path = "nosuch", .accept = "text/html", .accept_language = "da"});
  assert_int_equal(p.answer.status, 404);
  assert_string_equal(p.answer.content_type.c_str(), "text/html; charset=utf-8");
  assert_string_equal(p.answer.header("Content-Language").c_str(), "da");  // the site's languages, not a form's
  assert_true(p.answer.has(escaped(Text::not_found_text, "da")));
  p = plan({.path = "nosuch", .accept = "text/html", .store_open = false});
  assert_int_equal(p.answer.status, 404);  // before the store is needed
  p = plan({.store_open = false});
  assert_int_equal(p.answer.status, 503);
  assert_true(p.answer.has("the store is not open"));
}

void serves_the_page_and_the_schema(void**) {
  Planned p = plan({});
  assert_false(p.submit);
  assert_int_equal(p.answer.status, 200);
  assert_string_equal(p.answer.content_type.c_str(), "text/html; charset=utf-8");
  assert_string_equal(p.answer.header("Vary").c_str(), "Accept-Language");
  assert_string_equal(p.answer.header("Cache-Control").c_str(), "no-store");
  assert_string_equal(p.answer.header("Content-Language").c_str(), "fi");
  assert_true(p.answer.has("action=\"/forms/feedback?lang=fi\""));
  assert_true(p.answer.has("name=\"_token\""));
  assert_int_equal(plan({.method = PublicMethod::head}).answer.status, 200);

  p = plan({.path = "feedback.json"});
  assert_int_equal(p.answer.status, 200);
  assert_string_equal(p.answer.content_type.c_str(), "application/json");
  assert_string_equal(p.answer.header("Cache-Control").c_str(), "no-store");
  assert_true(p.answer.has("\"url\":\"/forms/feedback\""));  // the form's, without .json
  p = plan({.method = PublicMethod::post, .path = "feedback.json", .content_type = "application/json"});
  assert_int_equal(p.answer.status, 405);
  assert_string_equal(p.answer.header("Allow").c_str(), "GET, HEAD");
  p = plan({.method = PublicMethod::other});
  assert_int_equal(p.answer.status, 405);
  assert_string_equal(p.answer.header("Allow").c_str(), "GET, HEAD, POST");

  p = plan({.signer = false});  // the store's secret could not be read
  assert_int_equal(p.answer.status, 503);
  p = plan({.method = PublicMethod::post, .content_type = "application/json", .signer = false});
  assert_int_equal(p.answer.status, 503);
}

void refuses_before_the_body(void**) {
  const char* form = "application/x-www-form-urlencoded";
  Planned p = plan({.method = PublicMethod::post, .content_type = form, .origin = "https://evil.example"});
  assert_int_equal(p.answer.status, 403);
  assert_string_equal(p.answer.content_type.c_str(), "text/html; charset=utf-8");
  assert_true(p.answer.has(escaped(Text::cross_site_text, "fi")));
  assert_string_equal(p.refused.c_str(),
                      "form \"feedback\": submission refused: cross-site post (Origin \"https://evil.example\", "
                      "Sec-Fetch-Site \"\")");
  p = plan({.method = PublicMethod::post, .content_type = "application/json", .origin = "null"});
  assert_int_equal(p.answer.status, 403);
  assert_true(p.answer.has("cross-site form posts are refused"));
  assert_false(plan({.method = PublicMethod::post, .content_type = form, .origin = "http://example.org"}).answer.status);

  for (const char* type : {"text/plain", "", "application/x-www-form-urlencoded; charset=iso-8859-1"}) {
    p = plan({.method = PublicMethod::post, .content_type = type});
    if (p.answer.status != 415) fail_msg("%s: %d, not 415", type, p.answer.status);
    assert_true(p.answer.has("\"field\":\"Content-Type\""));
    assert_string_equal(p.refused.c_str(), "form \"feedback\": submission refused: unsupported Content-Type");
  }
}

void says_a_body_was_too_large(void**) {
  Planned p = plan({.method = PublicMethod::post, .accept_language = "en",
                    .content_type = "multipart/form-data; boundary=x", .too_large = true});
  assert_int_equal(p.answer.status, 413);
  assert_string_equal(p.answer.content_type.c_str(), "text/html; charset=utf-8");
  assert_string_equal(p.answer.header("Content-Language").c_str(), "en");
  assert_true(p.answer.has(escaped(Text::too_large_text, "en")));
  assert_true(p.answer.has("name=\"_token\""));  // the form, to send again
  assert_string_equal(p.refused.c_str(),
                      "form \"feedback\": submission refused: the body is larger than client_max_body_size");
  p = plan({.method = PublicMethod::post, .content_type = "application/json", .too_large = true});
  assert_int_equal(p.answer.status, 413);
  assert_true(p.answer.has("the submission is larger than this service takes; nothing was stored"));
  p = plan({.method = PublicMethod::post, .accept = "application/json", .too_large = true});
  assert_string_equal(p.answer.content_type.c_str(), "application/json");
  p = plan({.path = "feedback.json", .too_large = true});
  assert_int_equal(p.answer.status, 200);  // the schema is not a post
}

// A planned post's body goes to the intake with the plan's form and language.
void takes_in_what_it_planned(void**) {
  PublicRequest request;
  request.method = PublicMethod::post;
  request.path = "feedback";
  request.uri = "/forms/feedback";
  request.args = "lang=en";
  request.content_type = "application/x-www-form-urlencoded";
  PublicSite site{test::public_forms(), nullptr, true, &test::test_signer(), test::kNow};
  auto planned = plan_public_request(site, request);
  assert_true(std::holds_alternative<Submission>(planned));
  std::string token = test::test_signer().issue("feedback", test::kNow - 60);
  std::string body = "name=&_token=" + token;
  Intake intake = take_in_submission(std::get<Submission>(planned), body, {}, test::kNow);
  assert_int_equal(int(intake.result), int(IntakeResult::invalid));
  assert_int_equal(intake.validated.errors.size(), 1);
  assert_string_equal(intake.validated.errors[0].field.c_str(), "name");
  assert_string_equal(intake.validated.errors[0].message.c_str(), std::string(builtin_text(Text::required, "en")).c_str());
}

}  // namespace

int main() {
  const CMUnitTest tests[] = {
      cmocka_unit_test(routes_by_path),
      cmocka_unit_test(chooses_the_language),
      cmocka_unit_test(negotiates_json_or_html),
      cmocka_unit_test(answers_no_such_form),
      cmocka_unit_test(serves_the_page_and_the_schema),
      cmocka_unit_test(refuses_before_the_body),
      cmocka_unit_test(says_a_body_was_too_large),
      cmocka_unit_test(takes_in_what_it_planned),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
