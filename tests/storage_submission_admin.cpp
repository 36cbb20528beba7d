// What case workers and sysadmins do with stored submissions: erasure,
// purging by retention (and whose turn it is), form definitions, the status
// figures, verify, and a compacted backup that keeps nothing erased.
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "storage/backup.hpp"
#include "storage/form_definitions.hpp"
#include "storage/keys.hpp"
#include "storage/retention.hpp"
#include "storage/status.hpp"
#include "storage/store_check.hpp"
#include "storage/submission_keys.hpp"
#include "storage/submission_removal.hpp"
#include "storage/submission_store.hpp"
#include "tests/support/temp_store.hpp"
#include "tests/support/cmocka.hpp"  // last

using namespace civic;
using namespace civic::storage;

namespace {

struct Fixture : civic::test::TempStore {};

int setup(void** state) {
  auto* f = new Fixture;
  if (!f->open(std::size_t{16} << 20, "store")) return -1;
  *state = f;
  return 0;
}

NewSubmission sample(std::string text, std::vector<std::string> keys = {}) {
  NewSubmission s;
  s.form = "feedback";
  s.receipt_prefix = "PAL";
  s.language = "fi";
  s.data_json = "{\"message\":\"" + text + "\",\"photo\":[{\"filename\":\"a.png\",\"content_type\":\"image/png\",\"size\":4}]}";
  s.files.push_back({"photo", 0, "\x89PNG"});
  s.replay_keys = std::move(keys);
  s.replay_expires = 100000;
  return s;
}

std::vector<CommitOutcome> commit(Store& store, std::vector<NewSubmission> batch, std::int64_t now) {
  auto out = commit_submissions(store, batch, now);
  assert_true(out.ok());
  return *out;
}

std::uint64_t live_count(Store& store) {
  auto txn = Txn::begin_read(store.env());
  return submission_count(*txn, store.db(), "feedback").value();
}

void expect_consistent(Store& store) {
  auto report = check_store(store);
  assert_true(report.ok());
  for (const auto& p : report->problems) print_message("problem: %s\n", p.c_str());
  assert_true(report->ok());
}

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void erasure_leaves_nothing_readable(void** state) {
  Store& store = *static_cast<Fixture*>(*state)->store;
  auto out = commit(store, {sample("first", {"T:one"}), sample("second", {"T:two", "K:key2"}), sample("third")}, 1000);
  expect_consistent(store);

  auto erased = erase_submission(store, "feedback", out[1].receipt);
  assert_true(erased.ok() && *erased);
  auto again = erase_submission(store, "feedback", out[1].receipt);
  assert_true(again.ok() && !*again);  // nothing left to erase
  assert_int_equal(live_count(store), 2);
  {
    auto txn = Txn::begin_read(store.env());
    auto found = find_submission(*txn, store.db(), "feedback", out[1].receipt);
    assert_true(found.ok() && !found.value().has_value());
    auto file = read_attachment(*txn, store.db(), "feedback", 2, "photo", 0);
    assert_true(file.ok() && !file.value().has_value());
    auto other = read_attachment(*txn, store.db(), "feedback", 1, "photo", 0);
    assert_true(other.ok() && other.value().has_value());
    auto list = list_submissions(*txn, store.db(), "feedback", 0, 10);
    assert_int_equal(list->size(), 2);
    assert_int_equal((*list)[0].seq, 1);
    assert_int_equal((*list)[1].seq, 3);
  }
  expect_consistent(store);

  // Its replay records went with it: the same token is a new submission
  // now, with a new number (numbers are never reused).
  auto repeat = commit(store, {sample("second again", {"T:two"}), sample("first again", {"T:one"})}, 1001);
  assert_false(repeat[0].replayed);
  assert_int_equal(repeat[0].seq, 4);
  assert_true(repeat[1].replayed);
  assert_string_equal(repeat[1].receipt.c_str(), out[0].receipt.c_str());
  expect_consistent(store);
}

void purge_removes_what_is_past_retention(void** state) {
  Store& store = *static_cast<Fixture*>(*state)->store;
  commit(store, {sample("old 1", {"T:a"}), sample("old 2")}, 1000);
  commit(store, {sample("old 3")}, 1200);
  commit(store, {sample("new 1", {"T:b"})}, 2000);
  {
    auto txn = Txn::begin_read(store.env());
    assert_int_equal(count_expired(*txn, store.db(), "feedback", 1500).value(), 3);
    assert_int_equal(oldest_submission_time(*txn, store.db(), "feedback").value().value(), 1000);
    assert_false(read_purge_record(*txn, store.db(), "feedback").value().has_value());
  }
  // Two per transaction: two transactions remove three, the second records the run.
  auto purged = purge_expired(store, "feedback", 1500, 3000, 2);
  assert_true(purged.ok());
  assert_int_equal(purged->removed, 3);
  assert_int_equal(purged->transactions, 2);
  assert_int_equal(live_count(store), 1);
  {
    auto txn = Txn::begin_read(store.env());
    assert_int_equal(oldest_submission_time(*txn, store.db(), "feedback").value().value(), 2000);
    auto record = read_purge_record(*txn, store.db(), "feedback");
    assert_true(record.ok() && record.value().has_value());
    assert_int_equal(record.value()->last_run, 3000);
    assert_int_equal(record.value()->removed_last, 3);
    assert_int_equal(record.value()->removed_total, 3);
  }
  expect_consistent(store);
  // Nothing more to purge: one transaction, the record says 0 this time.
  purged = purge_expired(store, "feedback", 1500, 3100, 2);
  assert_int_equal(purged->removed, 0);
  assert_int_equal(purged->transactions, 1);
  auto txn = Txn::begin_read(store.env());
  auto record = read_purge_record(*txn, store.db(), "feedback");
  assert_int_equal(record.value()->removed_last, 0);
  assert_int_equal(record.value()->removed_total, 3);
}

void one_process_at_a_time_has_the_purge_turn(void** state) {
  Store& store = *static_cast<Fixture*>(*state)->store;
  assert_true(claim_purge_turn(store, 100, 60).value());
  assert_false(claim_purge_turn(store, 110, 60).value());
  assert_false(claim_purge_turn(store, 159, 60).value());
  assert_true(claim_purge_turn(store, 160, 60).value());
  // A clock that went back does not wait for a due time far ahead.
  assert_true(claim_purge_turn(store, 50, 60).value());
}

void form_definitions_are_recorded_once(void** state) {
  Store& store = *static_cast<Fixture*>(*state)->store;
  FormDefinition f;
  f.name = "feedback";
  f.retention_seconds = 30 * 86400;
  f.receipt_prefix = "PAL";
  f.fields = {{"name", "text", false}, {"topics", "checkboxes", true}, {"photo", "file", false}};
  assert_true(record_form_definition(store, f, 1000).ok());
  assert_true(record_form_definition(store, f, 2000).ok());  // the same: not written again
  {
    auto txn = Txn::begin_read(store.env());
    auto read = read_form_definition(*txn, store.db(), "feedback");
    assert_true(read.ok() && read.value().has_value());
    assert_true(read.value()->same_as(f));
    assert_int_equal(read.value()->recorded_at, 1000);
    assert_false(read_form_definition(*txn, store.db(), "other").value().has_value());
  }
  f.retention_seconds = 7 * 86400;
  assert_true(record_form_definition(store, f, 3000).ok());
  auto txn = Txn::begin_read(store.env());
  auto all = list_form_definitions(*txn, store.db());
  assert_int_equal(all->size(), 1);
  assert_int_equal((*all)[0].retention_seconds, 7 * 86400);
  assert_int_equal((*all)[0].recorded_at, 3000);
  assert_int_equal((*all)[0].fields.size(), 3);
  assert_true((*all)[0].fields[1].many);
  txn->abort();

  // A new version without "topics" (issue 12): the field stays, retired,
  // after the configured ones; nginx -t is told what was dropped.
  FormDefinition v2 = f;
  v2.fields = {{"name", "text", false}, {"photo", "file", false}, {"email", "email", false}};
  {
    auto t2 = Txn::begin_read(store.env());
    auto old = read_form_definition(*t2, store.db(), "feedback");
    auto dropped = fields_dropped(**old, v2);
    assert_int_equal(dropped.size(), 1);
    assert_string_equal(dropped[0].c_str(), "topics");
  }
  assert_true(record_form_definition(store, v2, 4000).ok());
  {
    auto t2 = Txn::begin_read(store.env());
    auto read = read_form_definition(*t2, store.db(), "feedback");
    const auto& fields = read.value()->fields;
    assert_int_equal(fields.size(), 4);
    assert_string_equal(fields[2].name.c_str(), "email");
    assert_false(fields[2].retired);
    assert_string_equal(fields[3].name.c_str(), "topics");
    assert_true(fields[3].retired);
    assert_true(fields[3].many);
    assert_int_equal(fields_dropped(*read.value(), v2).size(), 0);  // already retired: said once
  }
  // The form leaves the configuration: retired, not gone; back again: current.
  std::string_view none[] = {"other"};
  assert_true(retire_forms_except(store, none, 5000).ok());
  {
    auto t2 = Txn::begin_read(store.env());
    assert_true(read_form_definition(*t2, store.db(), "feedback").value()->retired);
  }
  assert_true(record_form_definition(store, v2, 6000).ok());
  auto t3 = Txn::begin_read(store.env());
  assert_false(read_form_definition(*t3, store.db(), "feedback").value()->retired);
}

void status_reports_each_form(void** state) {
  Store& store = *static_cast<Fixture*>(*state)->store;
  commit(store, {sample("one")}, 1000);
  commit(store, {sample("two")}, 1500);
  assert_true(purge_expired(store, "feedback", 500, 1800).ok());
  FormToReport forms[] = {{"feedback", 86400, 5, false, {{0xA1, "webhook https://cases.example.fi/in"}}, "0123456789abcdef"},
                          {"empty", 0}};
  auto status = collect_status(store, {}, forms, 2000);
  assert_true(status.ok());
  std::string json = render_status_json(*status, 1);
  assert_non_null(strstr(json.c_str(),
                         "\"feedback\":{\"submissions\":2,\"drafts\":0,\"retired\":false,\"retention_seconds\":86400,"
                         "\"submissions_today\":2,\"max_submissions_per_day\":5,\"sealed_for\":\"0123456789abcdef\","
                         "\"oldest_created_time\":\"1970-01-01T00:16:40Z\",\"oldest_age_seconds\":1000,"
                         "\"last_purge\":{\"time\":\"1970-01-01T00:30:00Z\",\"removed\":0,\"removed_total\":0},"
                         "\"deliveries\":[{\"target\":\"webhook https://cases.example.fi/in\",\"id\":\"000000a1\","
                         "\"pending\":0,\"failed\":0,\"delivered\":0,\"oldest_pending_age_seconds\":null,"
                         "\"last_error\":null}]}"));
  assert_non_null(strstr(json.c_str(),
                         "\"empty\":{\"submissions\":0,\"drafts\":0,\"retired\":false,\"retention_seconds\":0,\"submissions_today\":0,"
                         "\"max_submissions_per_day\":null,\"sealed_for\":null,\"oldest_created_time\":null,"
                         "\"oldest_age_seconds\":null,\"last_purge\":null,\"deliveries\":[]}"));
}

void verify_finds_what_does_not_agree(void** state) {
  Store& store = *static_cast<Fixture*>(*state)->store;
  auto out = commit(store, {sample("one", {"T:x"}), sample("two")}, 1000);
  expect_consistent(store);
  {
    auto txn = Txn::begin_write(store.env());
    const Databases& db = store.db();
    // A file of a submission that does not exist, a receipt index entry
    // gone, a counter that is wrong.
    assert_true(txn->put(db.attachments, submission_keys::attachment_key("feedback", 9, "photo", 0), "x").ok());
    assert_true(txn->del(db.receipts, submission_keys::form_key("feedback") + out[1].receipt).ok());
    std::string counter;
    keys::append_u64(counter, 2);
    keys::append_u64(counter, 5);
    assert_true(txn->put(db.form_counters, submission_keys::form_key("feedback"), counter).ok());
    assert_true(txn->commit().ok());
  }
  auto report = check_store(store);
  assert_true(report.ok());
  std::string all;
  for (const auto& p : report->problems) all += p + "\n";
  print_message("%s", all.c_str());
  assert_false(report->ok());
  assert_non_null(strstr(all.c_str(), "attachments: feedback #9 photo[0] belongs to no submission"));
  assert_non_null(strstr(all.c_str(), "is not in the receipts index"));
  assert_non_null(strstr(all.c_str(), "form_counters says 5 live submissions, the store holds 2"));
  assert_true(report->entries > 0);
  assert_int_equal(report->submissions, 2);
}

void a_compacted_backup_keeps_nothing_erased(void** state) {
  auto* f = static_cast<Fixture*>(*state);
  Store& store = *f->store;
  const std::string kept = "KEPT-d41d8cd98f00b204e9800998ecf8427e";
  const std::string gone = "GONE-9e107d9d372bb6826bd81d3542a419d6";
  auto out = commit(store, {sample(kept), sample(gone), sample("filler")}, 1000);
  assert_true(erase_submission(store, "feedback", out[1].receipt).value());

  auto backup = backup_store(store, f->dir + "/backup");
  assert_true(backup.ok());
  assert_true(backup->bytes > 0);
  std::string bytes = file_bytes(f->dir + "/backup/data.mdb");
  assert_int_equal(bytes.size(), backup->bytes);
  assert_true(bytes.find(kept) != std::string::npos);
  assert_true(bytes.find(gone) == std::string::npos);
  assert_true(bytes.find(out[1].receipt) == std::string::npos);

  // A destination that exists and is not empty is refused; so is a missing parent.
  auto refused = backup_store(store, f->dir + "/backup");
  assert_false(refused.ok());
  assert_non_null(strstr(refused.error().message().c_str(), "is not empty"));
  auto no_parent = backup_store(store, f->dir + "/no/such/place");
  assert_false(no_parent.ok());
  assert_non_null(strstr(no_parent.error().message().c_str(), "does not exist"));
  // An empty directory is fine.
  std::filesystem::create_directory(f->dir + "/empty");
  assert_true(backup_store(store, f->dir + "/empty").ok());

  // The copy is a store: it opens and holds the kept submission.
  EnvOptions o;
  o.path = f->dir + "/backup";
  o.map_size = std::size_t{16} << 20;
  auto copy = Store::open(o);
  assert_true(copy.ok());
  assert_string_equal(copy->id().c_str(), store.id().c_str());
  auto txn = Txn::begin_read(copy->env());
  auto found = find_submission(*txn, copy->db(), "feedback", out[0].receipt);
  assert_true(found.ok() && found.value().has_value());
  assert_false(find_submission(*txn, copy->db(), "feedback", out[1].receipt).value().has_value());
  txn->abort();
  expect_consistent(*copy);
}

}  // namespace

int main() {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(erasure_leaves_nothing_readable, setup, civic::test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(purge_removes_what_is_past_retention, setup, civic::test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(one_process_at_a_time_has_the_purge_turn, setup, civic::test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(form_definitions_are_recorded_once, setup, civic::test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(status_reports_each_form, setup, civic::test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(verify_finds_what_does_not_agree, setup, civic::test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(a_compacted_backup_keeps_nothing_erased, setup, civic::test::delete_fixture<Fixture>),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
