// What decides a delivery round without sending anything: when rounds run,
// the id receivers deduplicate on, and nginx -t's check for civic_smtp; and
// that the admin API's deliveries list never shows the address a sealed
// form's confirmation keeps in its outbox entry.
#include <cstring>
#include <string>
#include <vector>

#include "forms/service/delivery_admin.hpp"
#include "forms/service/delivery_round.hpp"
#include "storage/submission_store.hpp"
#include "tests/support/form_lines.hpp"
#include "tests/support/temp_store.hpp"
#include "tests/support/cmocka.hpp"  // last

using namespace civic::forms;

namespace {

// next_round_ms and round_after_commit_ms of a round that delivered,
// retried and failed so many (plain values: no object in the test bodies).
std::int64_t next_after(std::size_t delivered, std::size_t retried, std::size_t failed, bool full,
                        const char* problem = "") {
  RoundReport r;
  r.delivered = delivered;
  r.retried = retried;
  r.failed = failed;
  r.full = full;
  r.problem = problem;
  return next_round_ms(r);
}

std::int64_t after_commit(std::size_t delivered, std::size_t retried, std::size_t failed) {
  RoundReport r;
  r.delivered = delivered;
  r.retried = retried;
  r.failed = failed;
  return round_after_commit_ms(r);
}

void rounds_follow_progress(void**) {
  // A backlog goes back to back while it is being delivered.
  assert_int_equal(next_after(60, 4, 0, true), 0);
  // Not when nothing went through (receivers down), nor when it was not full.
  assert_int_equal(next_after(0, 64, 0, true), kIdleMs);
  assert_int_equal(next_after(3, 0, 0, false), kIdleMs);
  assert_int_equal(next_after(64, 0, 0, true, "MDB_MAP_FULL"), kIdleMs);
  // A commit starts a round soon, unless the last one found the receivers down.
  assert_int_equal(after_commit(0, 0, 0), kAfterCommitMs);
  assert_int_equal(after_commit(5, 1, 0), kAfterCommitMs);
  assert_int_equal(after_commit(0, 5, 1), kIdleMs);
}

void ids_name_receipt_and_target(void**) {
  assert_string_equal(delivery_id("PAL-2026-K7QD-000042", 0xc7c8d904).c_str(), "PAL-2026-K7QD-000042.c7c8d904");
  assert_string_equal(delivery_id("PAL-2026-K7QD-000042", 0xa1).c_str(), "PAL-2026-K7QD-000042.000000a1");
}

// nginx -t's verdict for `lines` in a form, with or without civic_smtp.
std::string smtp_check(std::vector<std::string> lines, bool smtp) {
  lines.insert(lines.begin(), "languages fi");
  lines.insert(lines.end(), {"field email email", "end"});
  auto built = civic::test::build_form("hakemus", lines);
  if (auto* e = std::get_if<std::string>(&built)) fail_msg("%s", e->c_str());
  Forms forms;
  forms.add(std::move(std::get<Form>(built)));
  return check_smtp(forms, smtp);
}

void email_needs_a_relay(void**) {
  assert_string_equal(smtp_check({"deliver webhook https://x.fi/ secret_file=/k"}, false).c_str(), "");
  assert_string_equal(smtp_check({"deliver email to=a@x.fi"}, true).c_str(), "");
  assert_true(smtp_check({"deliver email to=a@x.fi"}, false).find("deliver email needs civic_smtp") != std::string::npos);
  assert_true(smtp_check({"confirm_email field=email"}, false).find("confirm_email needs civic_smtp") != std::string::npos);
}

struct ListFixture : civic::test::TempStore {
  std::string text;
};

int open_store(void** state) {
  auto* f = new ListFixture;
  *state = f;
  return f->open() ? 0 : -1;
}

// A submission whose confirmation (target 0xB2) keeps `address`, beside a
// webhook (0xA1); then the deliveries list's body.
const char* listed_with_address(ListFixture& f, const char* address) {
  std::vector<civic::storage::NewSubmission> batch(1);
  auto& s = batch[0];
  s.form = "f";
  s.receipt_prefix = "PAL";
  s.language = "fi";
  s.sealed = true;
  s.data_json = "{}";
  s.deliveries = {0xA1, 0xB2};
  s.confirmation_target = 0xB2;
  s.confirmation_address = address;
  if (!civic::storage::commit_submissions(*f.store, batch, 1000)) return "not stored";
  civic::Reply r = delivery_list(*f.store, "f", "", Window{});
  f.text = r.shared ? *r.shared : r.body.str();
  return f.text.c_str();
}

void the_deliveries_list_keeps_the_address_back(void** state) {
  auto& f = *static_cast<ListFixture*>(*state);
  const char* body = listed_with_address(f, "matti@example.fi");
  assert_non_null(strstr(body, "\"target\":\"000000b2\",\"state\":\"pending\""));
  assert_null(strstr(body, "matti"));
}

}  // namespace

int main() {
  const CMUnitTest tests[] = {
      cmocka_unit_test(rounds_follow_progress),
      cmocka_unit_test(ids_name_receipt_and_target),
      cmocka_unit_test(email_needs_a_relay),
      cmocka_unit_test_setup_teardown(the_deliveries_list_keeps_the_address_back, open_store,
                                      civic::test::delete_fixture<ListFixture>),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
