// HTML pages (escaping, labels, error summary), layouts, the schema, language
// negotiation, form tokens and the intake's decisions.
#include <cstring>
#include <fstream>
#include <string>

#include "common/html.hpp"
#include "forms/intake.hpp"
#include "common/language.hpp"
#include "common/page_layout.hpp"
#include "forms/render_page.hpp"
#include "forms/schema_json.hpp"
#include "forms/token.hpp"
#include "tests/support/form_lines.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/cmocka.hpp"  // last

using namespace civic;
using namespace civic::forms;

namespace {

#define assert_contains(haystack, needle) \
  do { \
    std::string h_ = (haystack); \
    if (h_.find(needle) == std::string::npos) fail_msg("page does not contain \"%s\"", needle); \
  } while (0)
#define assert_lacks(haystack, needle) \
  do { \
    std::string h_ = (haystack); \
    if (h_.find(needle) != std::string::npos) fail_msg("page contains \"%s\"", needle); \
  } while (0)

Form make(std::vector<std::string> lines) {
  auto r = civic::test::build_form("feedback", lines);
  if (auto* e = std::get_if<std::string>(&r)) fail_msg("%s", e->c_str());
  return std::move(std::get<Form>(r));
}

Form sample() {
  return make({"languages fi sv en", "title fi \"Palaute <kaupungille>\"", "title en \"Feedback\"",
               "honeypot website",
               "field name text", "  required", "  label fi \"Nimi\"", "  label en \"Name\"",
               "  help en \"Your \\\"full\\\" name\"", "end",
               "field topic radios", "  required", "  option roads fi \"Kadut\" en \"Streets\"",
               "  option other fi \"Muu\" en \"Other\"", "end",
               "field photo file", "  max_size 5m", "  accept image/png", "end"});
}

void escaping_cannot_be_forgotten(void**) {
  assert_string_equal(escape_html("<a href=\"x\">'&'</a>").c_str(),
                      "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  Html h;
  h.open("p", {{"title", "\"><script>"}}).text("<b>&</b>").close();
  assert_string_equal(h.take().str().c_str(), "<p title=\"&quot;&gt;&lt;script&gt;\">&lt;b&gt;&amp;&lt;/b&gt;</p>");
}

void form_page_is_accessible(void**) {
  Form f = sample();
  FormPage page;
  page.lang = "fi";
  page.form_url = "/forms/feedback";
  page.token = "TOKEN";
  std::string html = Layout::builtin().render("fi", form_page_title(f, page), render_form(f, page));
  assert_contains(html, "<html lang=\"fi\">");
  assert_contains(html, "<title>Palaute &lt;kaupungille&gt;</title>");
  assert_contains(html, "<h1>Palaute &lt;kaupungille&gt;</h1>");
  assert_contains(html, "<label for=\"f-name\">Nimi <span class=\"civic-required\">(pakollinen)</span></label>");
  assert_contains(html, "id=\"f-name\" name=\"name\"");
  assert_contains(html, "<fieldset><legend>topic <span class=\"civic-required\">(pakollinen)</span></legend>");
  assert_contains(html, "<input type=\"radio\" id=\"f-topic-0\" name=\"topic\" value=\"roads\" required>"
                        "<label for=\"f-topic-0\">Kadut</label>");
  assert_contains(html, "name=\"_token\" value=\"TOKEN\"");
  assert_contains(html, "enctype=\"multipart/form-data\"");
  assert_contains(html, "action=\"/forms/feedback?lang=fi\"");
  assert_contains(html, "<button type=\"submit\" class=\"civic-submit\">Lähetä</button>");
  assert_contains(html, "<a href=\"/forms/feedback?lang=sv\" lang=\"sv\" hreflang=\"sv\">svenska</a>");
  assert_contains(html, "name=\"website\" value=\"\" tabindex=\"-1\"");
  assert_contains(html, "aria-describedby=\"f-photo-help\"");
  assert_contains(html, "Enintään 5 MB. Sallitut tiedostotyypit: PNG.");
  assert_lacks(html, "role=\"alert\"");
}

void error_page_keeps_values_and_links_errors(void**) {
  Form f = sample();
  FormInput sent;
  sent.values = {{"name", "\"><script>alert(1)</script>"}, {"topic", "other"}};
  std::vector<FieldError> errors = {{"name", "Too <long>"}, {"topic", "Pick one"}};
  FormPage page;
  page.lang = "en";
  page.form_url = "/forms/feedback";
  page.token = "T";
  page.submitted = &sent;
  page.errors = errors;
  std::string html = Layout::builtin().render("en", form_page_title(f, page), render_form(f, page));
  assert_contains(html, "<title>Error: Feedback</title>");
  assert_contains(html, "role=\"alert\" aria-labelledby=\"civic-error-summary-title\"");
  assert_contains(html, "<a href=\"#f-name\">Name: Too &lt;long&gt;</a>");
  assert_contains(html, "<a href=\"#f-topic-0\">topic: Pick one</a>");
  assert_contains(html, "value=\"&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\"");
  assert_lacks(html, "<script>alert");
  assert_contains(html, "aria-invalid=\"true\" aria-describedby=\"f-name-help f-name-error\"");
  assert_contains(html, "<p id=\"f-name-error\" class=\"civic-error\"><span class=\"civic-error-prefix\">Error:</span> Too &lt;long&gt;</p>");
  assert_contains(html, "value=\"other\" checked");
  assert_contains(html, "<fieldset aria-describedby=\"f-topic-error\">");
}

// A label that is a sentence of its own does not get ".:" in the summary
// (issue 12); a question keeps its mark.
void error_summary_punctuation(void**) {
  auto built = civic::test::build_form("c", {"languages fi", "field ok consent", "  required",
                                             "  label fi \"Hyväksyn tietojen käytön asian hoitamiseksi.\"", "end",
                                             "field q text", "  required", "  label fi \"Onko teillä lapsia?\"", "end",
                                             "field n text", "  required", "  label fi \"Nimi:\"", "end"});
  const Form& f = std::get<Form>(built);
  std::vector<FieldError> errors = {{"ok", "Hyväksy tämä."}, {"q", "Vastaa."}, {"n", "Anna nimi."}};
  FormPage page;
  page.lang = "fi";
  page.form_url = "/forms/c";
  page.token = "T";
  page.errors = errors;
  std::string html = render_form(f, page).str();
  assert_contains(html, ">Hyväksyn tietojen käytön asian hoitamiseksi: Hyväksy tämä.</a>");
  assert_contains(html, ">Onko teillä lapsia? Vastaa.</a>");
  assert_contains(html, ">Nimi: Anna nimi.</a>");
  assert_lacks(html, ".:");
  // A hidden field carries its default, never a value posted back.
  auto hidden = civic::test::build_form("h", {"languages fi", "field k hidden", "  default kampanja", "end",
                                              "field n text", "  required", "end"});
  FormInput sent;
  sent.values = {{"k", "evil"}};
  page.errors = {};
  page.submitted = &sent;
  html = render_form(std::get<Form>(hidden), page).str();
  assert_contains(html, "name=\"k\" value=\"kampanja\"");
  assert_lacks(html, "evil");
}

void layouts(void**) {
  auto bad = Layout::parse("<html><body>no place</body></html>");
  assert_true(std::holds_alternative<std::string>(bad));
  bad = Layout::parse("{{form}}{{form}}");
  assert_true(std::holds_alternative<std::string>(bad));
  auto good = Layout::parse("<html lang=\"{{lang}}\"><title>{{title}} | Turku</title><main>{{form}}</main>{{other}}");
  assert_true(std::holds_alternative<Layout>(good));
  Html h;
  h.element("p", {}, "x");
  std::string page = std::get<Layout>(good).render("sv", "A & B", h.take());
  assert_string_equal(page.c_str(), "<html lang=\"sv\"><title>A &amp; B | Turku</title><main><p>x</p></main>{{other}}");
}

// What Layout::load says of `text` written to a file ("" if it loads), or
// of a file that is not there (text null).
std::string load_error(const char* text, std::size_t size = 0) {
  std::string dir = civic::test::make_temp_dir();
  std::string file = dir + "/layout.html";
  if (text != nullptr) {
    std::ofstream out(file, std::ios::binary);
    out << text;
    if (size > 0) out << std::string(size, 'x');
  }
  auto loaded = Layout::load(file);
  civic::test::remove_dir(dir);
  auto* error = std::get_if<std::string>(&loaded);
  return error == nullptr ? "" : error->substr(0, error->find(dir)) + error->substr(error->find(dir) + dir.size());
}

void layout_files(void**) {
  assert_string_equal(load_error("<main>{{form}}</main>").c_str(), "");
  assert_string_equal(load_error(nullptr).c_str(), "civic_form_layout: cannot read \"/layout.html\"");
  assert_string_equal(load_error("{{form}}", 1u << 20).c_str(), "civic_form_layout \"/layout.html\": larger than 1 MB");
  assert_string_equal(load_error("no place").c_str(),
                      "civic_form_layout \"/layout.html\": the layout must mark the place of the form or calendar with {{form}} (or {{content}}) exactly once");
}

void confirmation(void**) {
  Form f = make({"languages fi en", "confirm_message en \"Thanks! Keep {receipt}.\"", "field a text", "end"});
  std::string html = render_confirmation(f, "en", "PAL-2026-000001").str();
  assert_contains(html, "Thanks! Keep PAL-2026-000001.");
  assert_contains(html, "<strong id=\"civic-receipt\">PAL-2026-000001</strong>");
  html = render_confirmation(f, "fi", "X-1").str();  // the chain: no Finnish text, so English
  assert_contains(html, "Thanks! Keep X-1.");
  Form plain = make({"languages fi en", "field a text", "end"});
  html = render_confirmation(plain, "fi", "X-1").str();
  assert_contains(html, "Tunnisteesi on X-1.");
}

void schema(void**) {
  std::string json = render_schema_json(sample(), "/forms/feedback", "TOK");
  assert_contains(json, "\"name\":\"feedback\"");
  assert_contains(json, "\"languages\":[\"fi\",\"sv\",\"en\"]");
  assert_contains(json, "{\"name\":\"name\",\"type\":\"text\",\"required\":true,\"label\":{\"fi\":\"Nimi\",\"en\":\"Name\"}");
  assert_contains(json, "\"options\":[{\"value\":\"roads\",\"label\":{\"fi\":\"Kadut\",\"en\":\"Streets\"}}");
  assert_contains(json, "\"max_size\":5242880,\"accept\":[\"image/png\"]");
  assert_contains(json, "\"token\":\"TOK\"");
  assert_contains(json, "\"honeypot\":\"website\"");
}

void language_choice(void**) {
  const std::string langs[] = {"fi", "sv", "en"};
  assert_string_equal(choose_language("sv", "en", langs).c_str(), "sv");
  assert_string_equal(choose_language("de", "", langs).c_str(), "fi");
  assert_string_equal(choose_language("", "en-GB,en;q=0.9", langs).c_str(), "en");
  assert_string_equal(choose_language("", "de;q=1, sv-FI;q=0.5, en;q=0.7", langs).c_str(), "en");
  assert_string_equal(choose_language("", "sv;q=0, en;q=0.1", langs).c_str(), "en");
  assert_string_equal(choose_language("", "da, *;q=0.5", langs).c_str(), "fi");
  assert_string_equal(choose_language("", "garbage;;q=x", langs).c_str(), "fi");
}

void tokens(void**) {
  TokenSigner signer(std::string(32, 'k'));
  std::string t = signer.issue("feedback", 1000);
  assert_int_equal(t.size(), 76);
  VerifiedToken v = signer.verify(t, "feedback", 1005, 2, 3600);
  assert_int_equal(static_cast<int>(v.result), static_cast<int>(TokenCheck::ok));
  assert_int_equal(v.nonce.size(), 32);
  assert_int_equal(static_cast<int>(signer.verify(t, "feedback", 1001, 2, 3600).result),
                   static_cast<int>(TokenCheck::too_fast));
  assert_int_equal(static_cast<int>(signer.verify(t, "feedback", 1000 + 3601, 2, 3600).result),
                   static_cast<int>(TokenCheck::expired));
  assert_int_equal(static_cast<int>(signer.verify(t, "other", 1005, 2, 3600).result),
                   static_cast<int>(TokenCheck::bad_signature));
  assert_int_equal(static_cast<int>(TokenSigner(std::string(32, 'x')).verify(t, "feedback", 1005, 2, 3600).result),
                   static_cast<int>(TokenCheck::bad_signature));
  std::string tampered = t;
  tampered[5] = tampered[5] == 'A' ? 'B' : 'A';
  assert_int_equal(static_cast<int>(signer.verify(tampered, "feedback", 1005, 2, 3600).result),
                   static_cast<int>(TokenCheck::bad_signature));
  assert_int_equal(static_cast<int>(signer.verify("short", "feedback", 1005, 2, 3600).result),
                   static_cast<int>(TokenCheck::malformed));
  assert_int_equal(static_cast<int>(signer.verify("", "feedback", 1005, 2, 3600).result),
                   static_cast<int>(TokenCheck::missing));
  // Two tokens never share a nonce.
  assert_string_not_equal(signer.verify(signer.issue("feedback", 1000), "feedback", 1005, 2, 3600).nonce.c_str(),
                          v.nonce.c_str());
  std::string out;
  assert_true(base64url_decode(base64url_encode(std::string("\xff\xfe\x00z", 4)), out));
  assert_int_equal(out.size(), 4);
}

void cross_site(void**) {
  assert_false(is_cross_site("", "", "forms.turku.fi"));
  assert_false(is_cross_site("https://forms.turku.fi", "same-origin", "forms.turku.fi"));
  assert_false(is_cross_site("https://forms.turku.fi", "", "forms.turku.fi:443"));
  assert_false(is_cross_site("http://127.0.0.1:8080", "", "127.0.0.1:8080"));
  assert_true(is_cross_site("https://evil.example", "", "forms.turku.fi"));
  assert_true(is_cross_site("", "cross-site", "forms.turku.fi"));
  assert_true(is_cross_site("null", "", "forms.turku.fi"));
  assert_true(is_cross_site("https://forms.turku.fi.evil.example", "", "forms.turku.fi"));
}

void intake_decisions(void**) {
  Form f = make({"languages en", "honeypot website", "min_fill_time 0", "field a text", "  required", "end"});
  TokenSigner signer(std::string(32, 's'));
  ContentType form_type = parse_content_type("application/x-www-form-urlencoded");
  ContentType json_type = parse_content_type("application/json");
  std::string token = signer.issue("feedback", 100);
  auto run = [&](const ContentType& type, std::string body, std::vector<std::string> keys = {}) {
    IntakeRequest req{f, "en", type, body, keys, 100, signer};
    return take_in(req);
  };
  Intake i = run(form_type, "a=x&_token=" + token);
  assert_int_equal(static_cast<int>(i.result), static_cast<int>(IntakeResult::accepted));
  assert_string_equal(i.data_json.c_str(), "{\"a\":\"x\"}");
  assert_int_equal(i.replay_keys.size(), 1);
  assert_int_equal(static_cast<int>(run(form_type, "a=x").result), static_cast<int>(IntakeResult::token_refused));
  assert_int_equal(static_cast<int>(run(form_type, "a=x&website=spam&_token=" + token).result),
                   static_cast<int>(IntakeResult::honeypot));
  assert_int_equal(static_cast<int>(run(form_type, "a=&_token=" + token).result), static_cast<int>(IntakeResult::invalid));
  assert_int_equal(static_cast<int>(run(form_type, "a=%zz").result), static_cast<int>(IntakeResult::undecodable));
  // JSON needs the schema's token by default (json_submissions token, issue 12) ...
  assert_int_equal(static_cast<int>(run(json_type, "{\"a\":\"x\"}").result),
                   static_cast<int>(IntakeResult::token_refused));
  i = run(json_type, "{\"a\":\"x\",\"_token\":\"" + signer.issue("feedback", 100) + "\"}", {"key-1"});
  assert_int_equal(static_cast<int>(i.result), static_cast<int>(IntakeResult::accepted));
  assert_int_equal(i.replay_keys.size(), 2);
  // ... none with json_submissions on, and is refused with off.
  f.json_submissions = JsonSubmissions::off;
  assert_int_equal(static_cast<int>(run(json_type, "{\"a\":\"x\"}").result), static_cast<int>(IntakeResult::json_refused));
  assert_int_equal(static_cast<int>(run(form_type, "a=x&_token=" + signer.issue("feedback", 100)).result),
                   static_cast<int>(IntakeResult::accepted));
  f.json_submissions = JsonSubmissions::on;
  // JSON without a token is fine then; with a bad one it is not.
  i = run(json_type, "{\"a\":\"x\"}", {"key-1"});
  assert_int_equal(static_cast<int>(i.result), static_cast<int>(IntakeResult::accepted));
  assert_string_equal(i.replay_keys[0].c_str(), "K:key-1");
  assert_int_equal(static_cast<int>(run(json_type, "{\"a\":\"x\",\"_token\":\"bad\"}").result),
                   static_cast<int>(IntakeResult::token_refused));
  assert_int_equal(static_cast<int>(run(json_type, "{\"a\":\"x\"}", {"bad key"}).result),
                   static_cast<int>(IntakeResult::undecodable));
  // An empty Idempotency-Key, or two of them, is refused too (issue 11).
  i = run(json_type, "{\"a\":\"x\"}", {""});
  assert_int_equal(static_cast<int>(i.result), static_cast<int>(IntakeResult::undecodable));
  assert_string_equal(i.decode_error.field.c_str(), "Idempotency-Key");
  i = run(json_type, "{\"a\":\"x\"}", {"key-1", "key-2"});
  assert_int_equal(static_cast<int>(i.result), static_cast<int>(IntakeResult::undecodable));
  assert_string_equal(i.decode_error.message.c_str(), "send Idempotency-Key once");
  assert_string_equal(render_errors_json({{"a", "x\"y"}}).c_str(), "{\"errors\":{\"a\":\"x\\\"y\"}}");
}

}  // namespace

int main() {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(escaping_cannot_be_forgotten),
      cmocka_unit_test(form_page_is_accessible),
      cmocka_unit_test(error_page_keeps_values_and_links_errors),
      cmocka_unit_test(error_summary_punctuation),
      cmocka_unit_test(layouts),
      cmocka_unit_test(layout_files),
      cmocka_unit_test(confirmation),
      cmocka_unit_test(schema),
      cmocka_unit_test(language_choice),
      cmocka_unit_test(tokens),
      cmocka_unit_test(cross_site),
      cmocka_unit_test(intake_decisions),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
