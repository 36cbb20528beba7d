// What a citizen gets for a post: each refusal of the intake and each
// outcome of the commit, as a page or as JSON, with its status and headers.
#include <cstdlib>
#include <string>

#include "common/html.hpp"
#include "forms/service/public_answers.hpp"
#include "tests/support/public_forms.hpp"
#include "tests/support/cmocka.hpp"  // last

using namespace civic;
using namespace civic::forms;
using civic::test::Seen;
using Kind = CommitResult::Kind;

namespace {

struct Answered {
  Seen reply;
  std::string refused, receipt;
};

Answered seen(const PublicAnswer& a) { return {test::seen(a.reply), a.refused, a.receipt}; }

FormVisit visit_of(const Form& form, bool json, std::string lang = "fi") {
  FormVisit visit;
  visit.form = &form;
  visit.signer = &test::test_signer();
  visit.lang = std::move(lang);
  visit.url = "/forms/feedback";
  visit.wants_json = json;
  return visit;
}

Answered refused(IntakeResult result, bool json, TokenCheck token = TokenCheck::missing) {
  static const Form form = test::public_form();
  Intake intake;
  intake.result = result;
  intake.token = token;
  intake.input.values = {{"name", "Maija <M>"}};
  intake.decode_error = undecodable("the body is not valid JSON", "body");
  intake.validated.errors.push_back(FieldError{"name", "Liian pitkä", {}, {}, 0});
  return seen(intake_answer(visit_of(form, json), intake, test::kNow));
}

Answered committed(Kind kind, bool json, const Form& form, std::string lang = "fi") {
  CommitResult result{kind, kind == Kind::stored || kind == Kind::replayed ? "PAL-2026-K7QD-000042" : "",
                      "put into 'submissions': MDB_MAP_FULL"};
  FormInput submitted;
  submitted.values = {{"name", "Maija <M>"}};
  return seen(commit_answer(visit_of(form, json, std::move(lang)), result, &submitted, test::kNow));
}

Answered committed(Kind kind, bool json) {
  static const Form form = test::public_form({"max_submissions_per_day 20"});
  return committed(kind, json, form);
}

void expect_refused(const Answered& a, const char* reason) {
  std::string want = std::string("form \"feedback\": submission refused: ") + reason;
  if (a.refused != want) fail_msg("refused \"%s\", not \"%s\"", a.refused.c_str(), want.c_str());
}

void answers_invalid_fields(void**) {
  Answered a = refused(IntakeResult::invalid, true);
  assert_int_equal(a.reply.status, 422);
  assert_string_equal(a.reply.body.c_str(), "{\"errors\":{\"name\":\"Liian pitkä\"}}");
  a = refused(IntakeResult::invalid, false);
  assert_int_equal(a.reply.status, 422);
  assert_string_equal(a.reply.content_type.c_str(), "text/html; charset=utf-8");
  assert_true(a.reply.has("Liian pitkä"));
  assert_true(a.reply.has("value=\"Maija &lt;M&gt;\""));  // what was sent, shown again
  assert_string_equal(a.reply.header("Vary").c_str(), "Accept-Language");
  assert_string_equal(a.reply.header("Cache-Control").c_str(), "no-store");
  assert_string_equal(a.receipt.c_str(), "");
  assert_true(a.refused.starts_with("form \"feedback\": submission refused: "));
}

void answers_unreadable_and_refused_posts(void**) {
  Answered a = refused(IntakeResult::undecodable, true);
  assert_int_equal(a.reply.status, 400);
  assert_string_equal(a.reply.body.c_str(), "{\"error\":\"the body is not valid JSON\",\"field\":\"body\"}");
  a = refused(IntakeResult::undecodable, false);
  assert_int_equal(a.reply.status, 400);
  assert_true(a.reply.has(escape_html(builtin_text(Text::refused_text, "fi"))));

  a = refused(IntakeResult::honeypot, true);
  assert_int_equal(a.reply.status, 400);
  assert_string_equal(a.reply.body.c_str(), "{\"error\":\"the submission was refused\"}");  // not why
  a = refused(IntakeResult::honeypot, false);
  assert_int_equal(a.reply.status, 400);
  assert_string_equal(a.reply.header("Content-Language").c_str(), "fi");

  a = refused(IntakeResult::json_refused, true);
  assert_int_equal(a.reply.status, 415);
  assert_true(a.reply.has("\"field\":\"Content-Type\""));
}

void answers_a_refused_token(void**) {
  Answered a = refused(IntakeResult::token_refused, true, TokenCheck::expired);
  assert_int_equal(a.reply.status, 400);
  assert_true(a.reply.has("; fetch the form again\",\"field\":\"_token\""));
  expect_refused(a, std::string(describe(TokenCheck::expired)).c_str());
  // In a browser: the form again, with a fresh token and a notice.
  struct Case {
    TokenCheck check;
    Text notice;
  } cases[] = {{TokenCheck::expired, Text::token_expired},
               {TokenCheck::too_fast, Text::token_too_fast},
               {TokenCheck::bad_signature, Text::token_missing}};
  for (const auto& c : cases) {
    a = refused(IntakeResult::token_refused, false, c.check);
    assert_int_equal(a.reply.status, 422);
    assert_true(a.reply.has(escape_html(builtin_text(c.notice, "fi"))));
    assert_true(a.reply.has("value=\"Maija &lt;M&gt;\""));
  }
}

void answers_a_stored_submission(void**) {
  Answered a = committed(Kind::stored, true);
  assert_int_equal(a.reply.status, 201);
  assert_string_equal(a.reply.body.c_str(), "{\"receipt\":\"PAL-2026-K7QD-000042\"}");
  assert_string_equal(a.receipt.c_str(), "PAL-2026-K7QD-000042");
  assert_string_equal(a.refused.c_str(), "");
  assert_string_equal(a.reply.header("Idempotent-Replayed").c_str(), "(none)");
  a = committed(Kind::stored, false);
  assert_int_equal(a.reply.status, 201);
  assert_string_equal(a.reply.content_type.c_str(), "text/html; charset=utf-8");
  assert_true(a.reply.has("PAL-2026-K7QD-000042"));
  assert_string_equal(a.reply.header("Cache-Control").c_str(), "no-store");
  a = committed(Kind::replayed, true);
  assert_int_equal(a.reply.status, 201);
  assert_string_equal(a.reply.header("Idempotent-Replayed").c_str(), "true");
  assert_string_equal(a.receipt.c_str(), "PAL-2026-K7QD-000042");
}

void redirects_to_the_confirm_url(void**) {
  static const Form plain = test::public_form({"confirm redirect=/kiitos"});
  static const Form query = test::public_form({"confirm redirect=https://example.org/kiitos?x=1#top"});
  Answered a = committed(Kind::stored, false, plain);
  assert_int_equal(a.reply.status, 303);
  assert_string_equal(a.reply.header("Location").c_str(), "/kiitos?receipt=PAL-2026-K7QD-000042");
  assert_string_equal(a.reply.body.c_str(), "");
  a = committed(Kind::stored, false, query);
  assert_string_equal(a.reply.header("Location").c_str(),
                      "https://example.org/kiitos?x=1&receipt=PAL-2026-K7QD-000042#top");
  a = committed(Kind::stored, true, query);
  assert_int_equal(a.reply.status, 201);  // JSON clients get the receipt itself
}

void answers_the_daily_limit(void**) {
  Answered a = committed(Kind::over_limit, true);
  assert_int_equal(a.reply.status, 429);
  assert_true(a.reply.has("the form has taken its 20 submissions for today; nothing was stored"));
  long retry = std::atol(a.reply.header("Retry-After").c_str());
  assert_in_range(retry, 1, 86400 + 3600);  // until the local day ends
  expect_refused(a, "max_submissions_per_day reached");
  assert_string_equal(a.receipt.c_str(), "");
  a = committed(Kind::over_limit, false);
  assert_int_equal(a.reply.status, 429);
  assert_true(a.reply.has(escape_html(builtin_text(Text::daily_limit_text, "fi"))));
  assert_true(a.reply.has("value=\"Maija &lt;M&gt;\""));  // nothing lost
}

void answers_a_draft_already_gone(void**) {
  Answered a = committed(Kind::draft_gone, true);
  assert_int_equal(a.reply.status, 409);
  assert_true(a.reply.has("this application was sent already or has expired; nothing was stored"));
  expect_refused(a, "its draft was sent already, expired or erased");
  assert_string_equal(a.receipt.c_str(), "");
  a = committed(Kind::draft_gone, false);
  assert_int_equal(a.reply.status, 409);
  assert_true(a.reply.has(escape_html(builtin_text(Text::draft_gone_text, "fi"))));
}

void answers_a_failed_commit(void**) {
  Answered a = committed(Kind::store_full, true);
  assert_int_equal(a.reply.status, 507);
  assert_string_equal(a.reply.body.c_str(), "{\"error\":\"the store is full; nothing was stored\"}");
  assert_true(a.reply.store_full);  // logged at [crit], throttled
  assert_string_equal(a.reply.log.c_str(),
                      "form \"feedback\": submission not stored: put into 'submissions': MDB_MAP_FULL");
  assert_false(a.reply.has("MDB"));  // never sent
  a = committed(Kind::store_full, false);
  assert_int_equal(a.reply.status, 507);
  assert_true(a.reply.has(escape_html(builtin_text(Text::store_full_text, "fi"))));
  assert_true(a.reply.has("value=\"Maija &lt;M&gt;\""));
  a = committed(Kind::failed, true);
  assert_int_equal(a.reply.status, 500);
  assert_string_equal(a.reply.body.c_str(), "{\"error\":\"the submission could not be stored\"}");
  assert_false(a.reply.store_full);
  assert_false(a.reply.log.empty());
  a = committed(Kind::failed, false);
  assert_int_equal(a.reply.status, 500);
  assert_true(a.reply.has(escape_html(builtin_text(Text::server_error_text, "fi"))));
}

}  // namespace

int main() {
  const CMUnitTest tests[] = {
      cmocka_unit_test(answers_invalid_fields),
      cmocka_unit_test(answers_unreadable_and_refused_posts),
      cmocka_unit_test(answers_a_refused_token),
      cmocka_unit_test(answers_a_stored_submission),
      cmocka_unit_test(redirects_to_the_confirm_url),
      cmocka_unit_test(answers_the_daily_limit),
      cmocka_unit_test(answers_a_draft_already_gone),
      cmocka_unit_test(answers_a_failed_commit),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
