// The retention purge as nginx's timer and civicctl run it: which forms,
// how often, what a run (and a dry run) removes, and one process per turn.
#include <cstring>
#include <string>
#include <vector>

#include "forms/service/retention_purge.hpp"
#include "storage/drafts.hpp"
#include "storage/submission_store.hpp"
#include "tests/support/forms_admin.hpp"
#include "tests/support/cmocka.hpp"  // last

using namespace civic;
using namespace civic::forms;

namespace {

constexpr std::int64_t kNow = 1800000000;

int setup(void** state) {
  if (test::forms_store_setup(state) != 0) return -1;
  auto* f = static_cast<test::FormsStore*>(*state);
  // Three submissions 100 s old, two new.
  for (int i = 0; i < 3; ++i)
    if (test::submit(*f->store, "feedback", "old", 1, kNow - 100).empty()) return -1;
  for (int i = 0; i < 2; ++i)
    if (test::submit(*f->store, "feedback", "new", 0, kNow).empty()) return -1;
  return 0;
}

// "name:retention" for each form a purge covers.
std::string covered(bool by_nginx) {
  Forms configured;
  configured.add(test::feedback_form());
  Form kept = test::feedback_form();
  kept.name = "kept";
  kept.retention_seconds = 0;  // kept until erased
  configured.add(kept);
  std::vector<storage::FormDefinition> recorded(2);
  recorded[0].name = "old";
  recorded[0].retention_seconds = 10;
  recorded[1].name = "forever";
  auto forms = by_nginx ? forms_to_purge(configured, recorded) : forms_to_purge(recorded);
  std::string out;
  for (const auto& f : forms) out += f.name + ":" + std::to_string(f.retention_seconds) + " ";
  return out;
}

// A multi-step form without a retention: covered for its drafts.
std::string covered_with_steps() {
  Forms configured;
  Form steps = test::feedback_form();
  steps.name = "steps";
  steps.retention_seconds = 0;
  steps.steps.push_back({"contact", 1, {}, {"name"}, std::nullopt});
  configured.add(steps);
  auto forms = forms_to_purge(configured, {});
  std::string out;
  for (const auto& f : forms) out += f.name + ":" + std::to_string(f.retention_seconds) + " ";
  return out + std::to_string(purge_interval(forms));
}

void covers_multi_step_forms_for_their_drafts(void**) {
  assert_string_equal(covered_with_steps().c_str(), "steps:0 60");  // a minute late is fine for drafts
}

// Drafts of "feedback" expiring at kNow - 1 (`expired` of them) and kNow + 100.
bool put_drafts(storage::Store& store, int expired) {
  auto txn = storage::Txn::begin_write(store.env());
  if (!txn) return false;
  for (int i = 0; i <= expired; ++i) {
    storage::drafts::Draft d;
    d.form = "feedback";
    d.id = std::string(storage::drafts::kIdBytes, static_cast<char>('a' + i));
    d.expires = i < expired ? kNow - 1 : kNow + 100;
    auto put = storage::drafts::put(*txn, store.db(), d, 100);
    if (!put || *put != storage::drafts::PutOutcome::stored) return false;
  }
  return txn->commit().ok();
}

std::uint64_t drafts_left(storage::Store& store) {
  auto txn = storage::Txn::begin_read(store.env());
  return txn ? storage::drafts::count(*txn, store.db(), "feedback").value() : 0;
}

// drafts_removed of a run (a dry run too) over no form at all.
std::uint64_t drafts_purged(storage::Store& store, bool dry_run) {
  PurgeReport report = purge_forms(store, {}, kNow, dry_run);
  return report.error ? 999 : report.drafts_removed;
}

void removes_expired_drafts(void** state) {
  auto& f = test::forms_store(state);
  assert_true(put_drafts(*f.store, 2));
  assert_int_equal(drafts_purged(*f.store, true), 0);  // a dry run removes nothing
  assert_int_equal(drafts_left(*f.store), 3);
  assert_int_equal(drafts_purged(*f.store, false), 2);
  assert_int_equal(drafts_left(*f.store), 1);
  assert_int_equal(drafts_purged(*f.store, false), 0);
}

void covers_the_forms_with_a_retention(void**) {
  assert_string_equal(covered(true).c_str(), "feedback:2592000 old:10 ");
  assert_string_equal(covered(false).c_str(), "old:10 forever:0 ");  // civicctl says which are kept
}

std::int64_t interval_for(std::vector<std::int64_t> retentions) {
  std::vector<FormRetention> forms;
  for (auto r : retentions) forms.push_back({"f", r});
  return purge_interval(forms);
}

void runs_a_quarter_of_the_shortest_retention(void**) {
  assert_int_equal(interval_for({40}), 10);
  assert_int_equal(interval_for({100, 40, 0}), 10);
  assert_int_equal(interval_for({2}), 1);
  assert_int_equal(interval_for({30 * 86400}), 60);
}

struct Run {
  std::uint64_t removed = 0;
  std::string forms;  // "name:retention:removed"
  bool failed = false;
  std::uint64_t left = 0;
};

std::uint64_t left(storage::Store& store) {
  auto txn = storage::Txn::begin_read(store.env());
  return txn ? storage::submission_count(*txn, store.db(), "feedback").value() : 0;
}

Run run(storage::Store& store, bool dry_run) {
  std::vector<FormRetention> forms{{"feedback", 50}, {"kept", 0}};
  PurgeReport report = purge_forms(store, forms, kNow, dry_run);
  Run r{report.removed, {}, report.error.has_value(), left(store)};
  for (const auto& f : report.forms)
    r.forms += f.name + ":" + std::to_string(f.retention_seconds) + ":" + std::to_string(f.removed) + " ";
  return r;
}

void removes_what_outlived_its_retention(void** state) {
  auto& store = *test::forms_store(state).store;
  Run dry = run(store, true);
  assert_false(dry.failed);
  assert_int_equal(dry.removed, 3);
  assert_string_equal(dry.forms.c_str(), "feedback:50:3 kept:0:0 ");
  assert_int_equal(dry.left, 5);  // a dry run removes nothing
  Run done = run(store, false);
  assert_int_equal(done.removed, 3);
  assert_int_equal(done.left, 2);
  assert_int_equal(run(store, false).removed, 0);
}

// How many submissions each of two processes' turns removed (-1: no turn).
std::pair<long, long> two_turns(storage::Store& store) {
  std::vector<FormRetention> forms{{"feedback", 50}};
  auto first = purge_if_due(store, forms, kNow, 60);
  auto second = purge_if_due(store, forms, kNow + 1, 60);
  return {first ? static_cast<long>(first->removed) : -1, second ? static_cast<long>(second->removed) : -1};
}

// What a stopped run says, as the log and civicctl print it.
std::string problem_of(std::string form, bool failed) {
  PurgeReport report;
  report.failed_form = std::move(form);
  if (failed) report.error = civic::Error(civic::Error::kCorrupt, "purge", "the index is damaged");
  return report.problem();
}

void a_stopped_run_names_its_form(void**) {
  assert_string_equal(problem_of("feedback", false).c_str(), "");
  std::string named = problem_of("feedback", true);
  assert_true(named.starts_with("form \"feedback\": "));
  assert_non_null(std::strstr(named.c_str(), "the index is damaged"));
  assert_false(problem_of("", true).starts_with("form"));
}

void one_process_per_turn(void** state) {
  auto [first, second] = two_turns(*test::forms_store(state).store);
  assert_int_equal(first, 3);
  assert_int_equal(second, -1);  // within the interval: another's turn was taken
}

}  // namespace

int main() {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(covers_the_forms_with_a_retention),
      cmocka_unit_test(runs_a_quarter_of_the_shortest_retention),
      cmocka_unit_test(covers_multi_step_forms_for_their_drafts),
      cmocka_unit_test_setup_teardown(removes_expired_drafts, test::forms_store_setup, test::forms_store_teardown),
      cmocka_unit_test(a_stopped_run_names_its_form),
      cmocka_unit_test_setup_teardown(removes_what_outlived_its_retention, setup, test::forms_store_teardown),
      cmocka_unit_test_setup_teardown(one_process_per_turn, setup, test::forms_store_teardown),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
