// civic_form blocks: every setting, and the errors `nginx -t` reports.
#include <cstring>
#include <string>

#include "forms/form_builder.hpp"
#include "tests/support/form_lines.hpp"
#include "tests/support/cmocka.hpp"  // last

using namespace civic::forms;
using civic::test::build_form;

namespace {

const std::vector<std::string> kFeedback = {
    "title fi \"Palaute kaupungille\"",
    "title en \"Feedback to the city\"",
    "languages fi sv en",
    "retention 30d",
    "receipt_prefix PAL",
    "confirm redirect=/kiitos",
    "honeypot website",
    "field name text", "  required", "  max_length 200", "  label fi \"Nimi\"", "  label en \"Name\"", "end",
    "field email email", "  required", "  label en \"Email\"", "end",
    "field topic select", "  required", "  option roads fi \"Kadut\" en \"Streets\"",
    "  option parks fi \"Puistot\" en \"Parks\"", "  option other fi \"Muu\" en \"Other\"", "end",
    "field other_topic text", "  required_if topic=other", "end",
    "field message textarea", "  required", "  max_length 5000", "end",
    "field postcode text", "  pattern \"^[0-9]{5}$\"", "  pattern_message en \"Five digits\"", "end",
    "field hetu national_id", "  country FI", "end",
    "field photo file", "  max_size 5m", "  accept image/jpeg image/png", "end",
    "field consent consent", "  required", "  label en \"I agree that ...\"", "end",
};

std::string error_with(std::vector<std::string> lines) {
  auto r = build_form("feedback", lines);
  if (std::holds_alternative<Form>(r)) fail_msg("the form was accepted");
  return std::get<std::string>(r);
}

std::vector<std::string> with(std::vector<std::string> extra) {
  std::vector<std::string> lines = {"languages fi en"};
  lines.insert(lines.end(), extra.begin(), extra.end());
  return lines;
}

#define assert_contains(haystack, needle) \
  do { \
    std::string h_ = (haystack); \
    if (h_.find(needle) == std::string::npos) fail_msg("\"%s\" does not contain \"%s\"", h_.c_str(), needle); \
  } while (0)

void the_spec_example_builds(void**) {
  auto r = build_form("feedback", kFeedback);
  if (auto* e = std::get_if<std::string>(&r)) fail_msg("%s", e->c_str());
  const Form& f = std::get<Form>(r);
  assert_int_equal(f.fields.size(), 9);
  assert_string_equal(f.receipt_prefix.c_str(), "PAL");
  assert_int_equal(f.retention_seconds, 30 * 86400);
  assert_int_equal(static_cast<int>(f.confirm), static_cast<int>(ConfirmKind::redirect));
  assert_string_equal(f.confirm_url.c_str(), "/kiitos");
  assert_string_equal(f.honeypot.c_str(), "website");
  const Field* photo = f.field("photo");
  assert_int_equal(photo->max_size, 5u << 20);
  assert_int_equal(photo->accept.size(), 2);
  assert_true(f.field("postcode")->pattern->matches("20100"));
  assert_false(f.field("postcode")->pattern->matches("2010"));
  assert_int_equal(*f.field("message")->max_length, 5000);
  assert_int_equal(*f.field("email")->max_length, 1000);  // the default
  assert_string_equal(f.field("other_topic")->required_if->text().c_str(), "topic=other");
  assert_string_equal(std::string(f.field("topic")->options[0].label.in("sv", f.languages)).c_str(), "Kadut");
}

void every_type_builds(void**) {
  auto r = build_form("all", with({
      "field a text", "end", "field b textarea", "end", "field c email", "end", "field d tel", "end",
      "field e url", "end", "field f number", "  min 1", "  max 10.5", "end",
      "field g date", "  min 2020-01-01", "  max 2030-12-31", "end",
      "field h select", "  multiple", "  option x en \"X\"", "  default x", "end",
      "field i radios", "  option x en \"X\"", "end", "field j checkboxes", "  option x en \"X\"", "end",
      "field k checkbox", "  default yes", "end", "field l consent", "end", "field m file", "  multiple", "end",
      "field n hidden", "  default abc", "end", "field o national_id", "  country DK", "end",
      "field p text", "  show_if k=yes", "  help en \"Help\"", "  min_length 2", "end"}));
  if (auto* e = std::get_if<std::string>(&r)) fail_msg("%s", e->c_str());
  assert_int_equal(std::get<Form>(r).fields.size(), 16);
}

void configuration_errors(void**) {
  assert_contains(error_with(with({"field a colour", "end"})), "unknown type \"colour\"");
  assert_contains(error_with(with({"field a text", "  colour red", "end"})), "unknown setting \"colour\"");
  assert_contains(error_with(with({"field a text", "  pattern \"^[0-9{5}$\"", "end"})), "does not compile");
  assert_contains(error_with(with({"field a text", "  required_if nothing=x", "end"})),
                  "names the field \"nothing\", which this form does not have");
  assert_contains(error_with(with({"field a text", "end", "field a text", "end"})), "duplicate field \"a\"");
  assert_contains(error_with(with({"field a select", "  option x", "end"})),
                  "option \"x\" has no label in the form's languages");
  assert_contains(error_with(with({"field a select", "  option x sv \"X\"", "end"})),
                  "not one of the form's languages");
  assert_contains(error_with(with({"field a text", "  label de \"A\"", "end"})), "not one of the form's languages");
  assert_contains(error_with({"field a text", "end"}), "needs \"languages\"");
  assert_contains(error_with(with({})), "has no fields");
  assert_contains(error_with(with({"field a select", "end"})), "needs at least one option");
  assert_contains(error_with(with({"field a text", "  option x en \"X\"", "end"})), "does not apply to a text field");
  assert_contains(error_with(with({"field a text", "  max_size 5m", "end"})), "does not apply");
  assert_contains(error_with(with({"field a text", "  required", "  required", "end"})), "duplicate \"required\"");
  assert_contains(error_with(with({"field a file", "  max_size lots", "end"})), "is not a size");
  assert_contains(error_with(with({"field a file", "  accept png", "end"})), "not a media type");
  assert_contains(error_with(with({"field a number", "  min x", "end"})), "is not a number");
  assert_contains(error_with(with({"field a date", "  max 2026-02-30", "end"})), "is not a date");
  assert_contains(error_with(with({"field a national_id", "  country SE", "end"})), "not supported");
  assert_contains(error_with(with({"field a select", "  option x en \"X\"", "end", "field b text",
                                   "  show_if a=y", "end"})),
                  "\"y\" is not an option of field \"a\"");
  assert_contains(error_with(with({"field a text", "  show_if b=1", "end", "field b text", "  show_if a=1", "end"})),
                  "form a loop");
  assert_contains(error_with(with({"honeypot a", "field a text", "end"})), "name of a real field");
  assert_contains(error_with(with({"confirm redirect=javascript:alert(1)", "field a text", "end"})), "confirm");
  assert_contains(error_with(with({"field _token text", "end"})), "is not valid");
  assert_contains(error_with(with({"field a text", "  min_length 5", "  max_length 2", "end"})),
                  "min_length is larger");
  assert_contains(error_with(with({"receipt_prefix PAL-1", "field a text", "end"})), "receipt_prefix");
  // The line of the setting to blame comes with finish()'s errors.
  assert_contains(error_with(with({"field a text", "end", "field b text", "  required_if zz=1", "end"})), "(line 5)");
}

void durations_as_people_say_them(void**) {
  assert_string_equal(describe_duration(180).c_str(), "3 minutes");
  assert_string_equal(describe_duration(86400).c_str(), "1 day");
  assert_string_equal(describe_duration(90).c_str(), "90 seconds");
  // A retention under an hour must say it means it.
  assert_contains(error_with(with({"field h hidden", "  required", "end"})), "a hidden field stores its default");
  assert_contains(error_with(with({"retention 3m", "field a text", "end"})), "retention \"3m\" is 3 minutes");
  assert_contains(error_with(with({"retention 90", "field a text", "end"})), "is 90 seconds");
  auto r = build_form("short", with({"retention 10m short", "field a text", "end"}));
  if (auto* e = std::get_if<std::string>(&r)) fail_msg("%s", e->c_str());
  assert_int_equal(std::get<Form>(r).retention_seconds, 600);
}

// A form's delivery lines as a summary: "kind target options" each.
std::string deliveries_of(std::vector<std::string> lines) {
  auto r = build_form("feedback", with(lines));
  if (auto* e = std::get_if<std::string>(&r)) fail_msg("%s", e->c_str());
  std::string out;
  for (const Delivery& d : std::get<Form>(r).deliveries)
    out += (out.empty() ? "" : "; ") + d.describe() + (d.files_inline ? " inline" : "") + (d.full ? " full" : "") +
           " " + std::to_string(d.timeout_ms) + "/" + std::to_string(d.retry_for_ms / 1000);
  return out;
}

void deliveries_are_configured(void**) {
  assert_string_equal(
      deliveries_of({"deliver webhook https://cases.example.fi/api secret_file=/etc/civic/f.whsec files=inline timeout=5s",
                     "deliver email to=kirjaamo@example.fi content=full retry_for=1d", "confirm_email field=email",
                     "field email email", "end"})
          .c_str(),
      "webhook https://cases.example.fi/api inline 5000/259200; email to kirjaamo@example.fi full 30000/86400; "
      "confirmation to the address in email 30000/259200");
  // Plain http only to this machine.
  assert_string_equal(deliveries_of({"deliver webhook http://127.0.0.1:9000/in secret_file=/k", "field a text", "end"}).c_str(),
                      "webhook http://127.0.0.1:9000/in 10000/259200");
  assert_contains(error_with(with({"deliver webhook http://cases.example.fi/api secret_file=/k", "field a text", "end"})),
                  "is plain http");
  assert_contains(error_with(with({"deliver webhook http://127.evil.example/api secret_file=/k", "field a text", "end"})),
                  "is plain http");
  assert_contains(error_with(with({"deliver webhook https://u:p@cases.example.fi/ secret_file=/k", "field a text", "end"})),
                  "not an https:// URL with a host");
  assert_contains(error_with(with({"deliver webhook https://cases.example.fi/api", "field a text", "end"})),
                  "needs secret_file=PATH");
  assert_contains(error_with(with({"deliver webhook https://x.fi/ secret_file=/k files=all", "field a text", "end"})),
                  "files= takes inline or none");
  assert_contains(error_with(with({"deliver webhook https://x.fi/ secret_file=/k timeout=1h", "field a text", "end"})),
                  "timeout=1h is not a duration from 1s to 5m");
  assert_contains(error_with(with({"deliver webhook https://x.fi/ secret_file=/k secret_file=/j", "field a text", "end"})),
                  "\"secret_file=\" is given twice");
  assert_contains(error_with(with({"deliver email to=a@x.fi retry_for=1y", "field a text", "end"})), "retry_for=1y");
  assert_contains(error_with(with({"deliver email to=\"A <a@x.fi>\"", "field a text", "end"})), "one plain address");
  assert_contains(error_with(with({"deliver email to=a@x.fi cc=b@x.fi", "field a text", "end"})),
                  "\"cc=b@x.fi\" is not one of its options (to=, content=, timeout=, retry_for=, name=)");
  assert_contains(error_with(with({"deliver email to=bad@example_fi", "field a text", "end"})), "one plain address");
  assert_contains(error_with(with({"deliver fax 0912345", "field a text", "end"})), "not a kind of delivery");
  // name= keeps a target's identity when its URL changes.
  auto named = [](const char* url) {
    auto r = build_form("f", with({std::string("deliver webhook ") + url + " secret_file=/k name=cases", "field a text", "end"}));
    return std::get<Form>(r).deliveries.at(0).target_id();
  };
  assert_true(named("https://old.example.fi/in") == named("https://new.example.fi/in"));
  assert_string_equal(deliveries_of({"deliver webhook https://x.fi/ secret_file=/k name=cases", "field a text", "end"}).c_str(),
                      "webhook https://x.fi/ (cases) 10000/259200");
  assert_contains(error_with(with({"deliver webhook https://x.fi/ secret_file=/k name=a b", "field a text", "end"})),
                  "is not one of its options");
  assert_contains(error_with(with({"deliver webhook https://x.fi/ secret_file=/k name=c$", "field a text", "end"})),
                  "name= takes 1 to 32 letters");
  assert_contains(error_with(with({"deliver webhook https://x.fi/ secret_file=/k name=c", "deliver email to=a@x.fi name=c",
                                   "field a text", "end"})),
                  "name=c is given twice");
  assert_contains(error_with(with({"deliver email to=a@x.fi", "deliver email to=a@x.fi content=full", "field a text", "end"})),
                  "email to a@x.fi is given twice");
  assert_contains(error_with(with({"confirm_email field=mail", "field a text", "end"})), "has no field \"mail\"");
  assert_contains(error_with(with({"confirm_email field=a", "field a text", "end"})), "is not of type email");
  assert_contains(error_with(with({"confirm_email email", "field email email", "end"})), "confirm_email field=email;");
}

// Whether the lines build a form (the error is printed if not).
bool builds(const std::vector<std::string>& lines) {
  auto r = build_form("f", lines);
  if (auto* e = std::get_if<std::string>(&r)) print_error("%s\n", e->c_str());
  return std::holds_alternative<Form>(r);
}

// Two steps over fields a (radios x/y), b (checkbox), c (text), h (hidden).
std::vector<std::string> stepped(std::vector<std::string> extra) {
  std::vector<std::string> lines = with({"field a radios", "  option x en \"X\"", "  option y en \"Y\"", "end",
                                         "field b checkbox", "end", "field c text", "end",
                                         "field h hidden", "  default v", "end"});
  lines.insert(lines.end(), extra.begin(), extra.end());
  return lines;
}

std::string condition_text(const char* written) {
  auto r = build_form("f", with({"field a text", "end", "field b text", std::string("  show_if ") + written, "end"}));
  if (auto* e = std::get_if<std::string>(&r)) return "!" + *e;
  return std::get<Form>(r).field("b")->show_if->text();
}

void conditions_are_written_three_ways(void**) {
  assert_string_equal(condition_text("a=x").c_str(), "a=x");
  assert_string_equal(condition_text("a=x,y").c_str(), "a=x,y");
  assert_string_equal(condition_text("a!=x,y").c_str(), "a!=x,y");
  assert_string_equal(condition_text("a").c_str(), "a");
  assert_contains(condition_text("a=x,"), "is written FIELD=VALUE");
  assert_contains(condition_text("=x"), "is written FIELD=VALUE");
  assert_contains(condition_text("a!="), "is written FIELD=VALUE");
  assert_contains(error_with(with({"field a radios", "  option x en \"X\"", "end", "field b text",
                                   "  show_if a!=x,z", "end"})), "\"z\" is not an option of field \"a\" (line 6)");
  assert_contains(error_with(with({"field a checkbox", "end", "field b text", "  show_if a=no", "end"})),
                  "a checkbox is compared with \"yes\"");
  assert_contains(error_with(with({"field a consent", "end", "field b text", "  required_if a=yes,no", "end"})),
                  "a checkbox is compared with \"yes\"");
  // F, F=yes and F!=yes are what a checkbox takes.
  assert_string_equal(condition_text("a").c_str(), "a");
}

// Built once, outside the test bodies (cmocka longjmps past destructors).
const Form& stepped_form() {
  static const Form form = [] {
    auto r = build_form("f", stepped({"check_answers on", "save_and_return on ttl=2w", "max_drafts 500",
                                      "prefill a c from=query",
                                      "step one", "  title en \"One\"", "  fields a b", "end",
                                      "step two", "  show_if a=x", "  fields c", "end"}));
    if (auto* e = std::get_if<std::string>(&r)) fail_msg("%s", e->c_str());
    return std::move(std::get<Form>(r));
  }();
  return form;
}

void steps_build(void**) {
  const Form& f = stepped_form();
  assert_int_equal(f.steps.size(), 2);
  assert_true(f.multi_step() && f.check_answers && f.save_and_return);
  assert_int_equal(f.draft_ttl_seconds, 14 * 86400);
  assert_int_equal(f.max_drafts, 500);
  assert_int_equal(f.prefill.size(), 2);
  assert_string_equal(f.step_of("c")->name.c_str(), "two");
  assert_null(f.step_of("h"));
  assert_string_equal(f.steps[1].show_if->text().c_str(), "a=x");
  assert_string_equal(std::string(f.steps[0].title.in("en", f.languages)).c_str(), "One");
}

std::int64_t draft_ttl(const char* line) {
  auto r = build_form("f", stepped({line, "step one", "  fields a b c", "end"}));
  if (auto* e = std::get_if<std::string>(&r)) fail_msg("%s", e->c_str());
  return std::get<Form>(r).draft_ttl_seconds;
}

void drafts_are_kept_as_long_as_said(void**) {
  assert_int_equal(draft_ttl("save_and_return on"), 30 * 86400);
  assert_int_equal(draft_ttl("save_and_return on ttl=12h"), 12 * 3600);
  assert_int_equal(draft_ttl("save_and_return off"), 86400);
  assert_int_equal(draft_ttl("max_drafts 1"), 86400);
}

void step_errors(void**) {
  assert_contains(error_with(stepped({"step one", "  fields a b c zz", "end"})),
                  "step \"one\": names the field \"zz\", which this form does not have (line 13)");
  assert_contains(error_with(stepped({"step one", "  fields a b", "end"})), "field \"c\" is in no step");
  assert_contains(error_with(stepped({"step one", "  fields a b", "end", "step two", "  fields b c", "end"})),
                  "field \"b\" is already in step \"one\"");
  assert_contains(error_with(stepped({"step one", "  fields a b c h", "end"})), "hidden fields belong to no step");
  assert_contains(error_with(stepped({"step check", "  fields a b c", "end"})), "reserved for the check-answers page");
  assert_contains(error_with(stepped({"step 1x", "  fields a b c", "end"})), "the step name \"1x\" is not valid");
  assert_contains(error_with(stepped({"step one", "  fields a", "end", "step one", "  fields b c", "end"})),
                  "duplicate step \"one\"");
  assert_contains(error_with(stepped({"step one", "  title en \"One\"", "end"})), "needs at least one field");
  assert_contains(error_with(stepped({"step one", "  title de \"Eins\"", "  fields a b c", "end"})),
                  "step \"one\": title in \"de\": not one of the form's languages");
  assert_contains(error_with(stepped({"step one", "  feilds a b c", "end"})), "did you mean \"fields\"");
  assert_contains(error_with(stepped({"step one", "  required", "end"})), "not a setting of a step");
  assert_contains(error_with(stepped({"fields a b c"})), "is a setting of a step");
  // Conditions name earlier steps (a step's) or earlier-or-own (a field's).
  assert_contains(error_with(stepped({"step one", "  show_if a=x", "  fields a b c", "end"})),
                  "a step's show_if names a field of an earlier step (line 14)");
  assert_contains(error_with(with({"field a text", "end", "field b text", "  show_if c", "end", "field c text", "end",
                                   "step one", "  fields a b", "end", "step two", "  fields c", "end"})),
                  "of the later step \"two\"");
  assert_contains(error_with(stepped({"step one", "  fields a", "end", "step two", "  show_if zz", "  fields b c", "end"})),
                  "step \"two\": show_if names the field \"zz\"");
  // A field's condition on its own step, or a hidden field, is fine.
  assert_true(builds(with({"field a text", "end", "field b text", "  show_if a", "end",
                           "field h hidden", "  default v", "end", "field c text", "  show_if h=v", "end",
                           "step one", "  fields a b c", "end"})));
}

void journey_setting_errors(void**) {
  assert_contains(error_with(with({"check_answers on", "field a text", "end"})), "check_answers on needs step blocks");
  assert_contains(error_with(with({"save_and_return on", "field a text", "end"})), "save_and_return on needs step blocks");
  assert_contains(error_with(with({"check_answers maybe", "field a text", "end"})), "check_answers takes on or off");
  assert_contains(error_with(with({"save_and_return on ttl=soon", "field a text", "end"})), "is not a duration");
  assert_contains(error_with(with({"save_and_return on for=2d", "field a text", "end"})), "is not ttl=DURATION");
  assert_contains(error_with(with({"max_drafts 0", "field a text", "end"})), "max_drafts takes a whole number from 1 to 10000000");
  assert_contains(error_with(with({"max_drafts 10000001", "field a text", "end"})), "max_drafts takes");
  assert_contains(error_with(with({"max_drafts 5", "max_drafts 6", "field a text", "end"})), "duplicate \"max_drafts\"");
  assert_contains(error_with(with({"prefill a", "field a text", "end"})), "from=query");
  assert_contains(error_with(with({"prefill a from=cookie", "field a text", "end"})), "from=query");
  assert_contains(error_with(with({"prefill zz from=query", "field a text", "end"})),
                  "prefill names the field \"zz\", which this form does not have (line 2)");
  assert_contains(error_with(with({"prefill a from=query", "field a consent", "end"})), "consent is given actively");
  assert_contains(error_with(with({"prefill a from=query", "field a national_id", "end"})), "must not travel in URLs");
  assert_contains(error_with(with({"prefill a from=query", "field a file", "end"})), "cannot be filled from a URL");
  assert_contains(error_with(with({"prefill a from=query", "field a hidden", "  default x", "end"})),
                  "cannot be filled from a URL");
  // prefill works on a one-page form.
  assert_true(builds(with({"prefill a from=query", "field a text", "end"})));
}

}  // namespace

int main() {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(the_spec_example_builds),
      cmocka_unit_test(every_type_builds),
      cmocka_unit_test(configuration_errors),
      cmocka_unit_test(durations_as_people_say_them),
      cmocka_unit_test(deliveries_are_configured),
      cmocka_unit_test(conditions_are_written_three_ways),
      cmocka_unit_test(steps_build),
      cmocka_unit_test(drafts_are_kept_as_long_as_said),
      cmocka_unit_test(step_errors),
      cmocka_unit_test(journey_setting_errors),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
