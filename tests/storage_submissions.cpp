// Storing submissions: receipts, batches, replays, attachments, counters,
// and a full store that stores nothing of a batch.
#include <cstring>
#include <string>
#include <vector>

#include "storage/submission_store.hpp"
#include "tests/support/temp_store.hpp"
#include "tests/support/cmocka.hpp"  // last

using namespace civic;
using namespace civic::storage;

namespace {

struct Fixture : civic::test::TempStore {};

int setup(void** state) {
  auto* f = new Fixture;
  if (!f->open(std::size_t{1} << 20)) return -1;  // 1 MiB: small enough to fill
  *state = f;
  return 0;
}

NewSubmission sample(std::string form, std::vector<std::string> keys = {}) {
  NewSubmission s;
  s.form = std::move(form);
  s.receipt_prefix = "PAL";
  s.language = "fi";
  s.data_json = "{\"name\":\"Matti\"}";
  s.replay_keys = std::move(keys);
  s.replay_expires = 2000;
  return s;
}

void a_batch_gets_receipts_in_order(void** state) {
  Store& store = *static_cast<Fixture*>(*state)->store;
  std::vector<NewSubmission> batch = {sample("feedback"), sample("other"), sample("feedback")};
  batch[0].files.push_back({"photo", 0, std::string("\x89PNG", 4)});
  auto out = commit_submissions(store, batch, 1000);
  assert_true(out.ok());
  assert_int_equal(out->size(), 3);
  assert_int_equal((*out)[0].seq, 1);
  assert_int_equal((*out)[1].seq, 1);  // per form
  assert_int_equal((*out)[2].seq, 2);
  assert_string_equal((*out)[0].receipt.c_str(), make_receipt("PAL", store.receipt_tag(), 1000, 1).c_str());
  assert_string_equal((*out)[0].receipt.c_str(), ("PAL-1970-" + store.receipt_tag() + "-000001").c_str());

  auto txn = Txn::begin_read(store.env());
  auto found = find_submission(*txn, store.db(), "feedback", (*out)[2].receipt);
  assert_true(found.ok() && found.value().has_value());
  assert_int_equal(found.value()->seq, 2);
  assert_non_null(strstr(found.value()->json.c_str(), "\"data\":{\"name\":\"Matti\"}"));
  assert_non_null(strstr(found.value()->json.c_str(), "\"created_time\":\"1970-01-01T00:16:40Z\""));
  auto none = find_submission(*txn, store.db(), "other", (*out)[2].receipt);  // receipts are per form
  assert_true(none.ok() && !none.value().has_value());
  auto file = read_attachment(*txn, store.db(), "feedback", 1, "photo", 0);
  assert_true(file.ok() && file.value().has_value());
  assert_int_equal(file.value()->size(), 4);
  assert_int_equal(submission_count(*txn, store.db(), "feedback").value(), 2);
  auto list = list_submissions(*txn, store.db(), "feedback", 0, 10);
  assert_int_equal(list->size(), 2);
  assert_int_equal((*list)[0].seq, 1);
  list = list_submissions(*txn, store.db(), "feedback", 1, 10);
  assert_int_equal(list->size(), 1);
}

void a_repeat_gets_the_first_receipt(void** state) {
  Store& store = *static_cast<Fixture*>(*state)->store;
  auto first = commit_submissions(store, std::vector<NewSubmission>{sample("f", {"T:abc"})}, 1000);
  // The same nonce twice in one batch, and again later: one submission.
  auto again = commit_submissions(store, std::vector<NewSubmission>{sample("f", {"T:abc"}), sample("f", {"K:k1", "T:abc"})}, 1001);
  assert_true(first.ok() && again.ok());
  assert_true((*again)[0].replayed);
  assert_true((*again)[1].replayed);
  assert_string_equal((*again)[0].receipt.c_str(), (*first)[0].receipt.c_str());
  auto txn = Txn::begin_read(store.env());
  assert_int_equal(submission_count(*txn, store.db(), "f").value(), 1);
  txn->abort();
  // After the record expires (and is purged), the key is new again.
  auto later = commit_submissions(store, std::vector<NewSubmission>{sample("f", {"T:abc"})}, 3000);
  assert_false((*later)[0].replayed);
  assert_int_equal((*later)[0].seq, 2);
}

void a_full_store_stores_nothing_of_the_batch(void** state) {
  Store& store = *static_cast<Fixture*>(*state)->store;
  std::vector<NewSubmission> batch = {sample("f"), sample("f")};
  batch[1].files.push_back({"big", 0, std::string(2u << 20, 'x')});  // more than the map
  auto out = commit_submissions(store, batch, 1000);
  assert_false(out.ok());
  assert_true(out.error().map_full());
  auto txn = Txn::begin_read(store.env());
  assert_int_equal(submission_count(*txn, store.db(), "f").value(), 0);
  txn->abort();
  // The next commit works and the counter was not used up.
  out = commit_submissions(store, std::vector<NewSubmission>{sample("f")}, 1000);
  assert_true(out.ok());
  assert_int_equal((*out)[0].seq, 1);
}

void a_form_stores_at_most_its_daily_limit(void** state) {
  Store& store = *static_cast<Fixture*>(*state)->store;
  const std::int64_t now = 20000 * 86400ll + 6 * 3600;
  std::vector<NewSubmission> batch = {sample("feedback"), sample("feedback"), sample("feedback"), sample("other")};
  for (auto& s : batch) s.max_per_day = 2;
  auto out = commit_submissions(store, batch, now);
  assert_true(out.ok());
  assert_false((*out)[0].over_limit);
  assert_false((*out)[1].over_limit);
  assert_true((*out)[2].over_limit);  // the third of the day
  assert_true((*out)[2].receipt.empty());
  assert_false((*out)[3].over_limit);  // another form counts on its own
  {
    auto txn = Txn::begin_read(store.env());
    auto live = submission_count(*txn, store.db(), "feedback");
    assert_int_equal(*live, 2);
    auto today = submissions_on_day(*txn, store.db(), "feedback", local_day(now));
    assert_int_equal(*today, 2);
  }
  // A batch that stores nothing commits nothing.
  std::size_t txn_before = store.env().usage()->last_txn_id;
  std::vector<NewSubmission> more = {sample("feedback")};
  more[0].max_per_day = 2;
  out = commit_submissions(store, more, now + 60);
  assert_true(out.ok() && (*out)[0].over_limit);
  assert_int_equal(store.env().usage()->last_txn_id, txn_before);
  // The next day counts again, and receipts go on from the last one.
  out = commit_submissions(store, more, now + 2 * 86400);
  assert_true(out.ok());
  assert_false((*out)[0].over_limit);
  assert_int_equal((*out)[0].seq, 3);
  assert_true(seconds_left_in_day(now) > 0 && seconds_left_in_day(now) <= 25 * 3600);
}

void the_token_secret_exists_and_stays(void** state) {
  auto* f = static_cast<Fixture*>(*state);
  std::string secret;
  {
    auto txn = Txn::begin_read(f->store->env());
    auto s = read_form_token_secret(*txn, f->store->db());
    assert_true(s.ok());
    assert_int_equal(s->size(), 32);
    secret = *s;
  }
  f->store.reset();
  EnvOptions o;
  o.path = f->dir;
  o.map_size = std::size_t{1} << 20;
  auto again = Store::open(o);
  assert_true(again.ok());
  auto txn = Txn::begin_read(again->env());
  assert_true(read_form_token_secret(*txn, again->db()).value() == secret);
  txn->abort();
  f->store.emplace(std::move(*again));
}

}  // namespace

int main() {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(a_batch_gets_receipts_in_order, setup, civic::test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(a_repeat_gets_the_first_receipt, setup, civic::test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(a_full_store_stores_nothing_of_the_batch, setup, civic::test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(a_form_stores_at_most_its_daily_limit, setup, civic::test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(the_token_secret_exists_and_stays, setup, civic::test::delete_fixture<Fixture>),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
