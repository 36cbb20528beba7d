// The group commit of threaded servers (Apache httpd): submissions that
// arrive while a commit runs go together in the next one, each thread gets
// its own receipt, a failed commit fails only its own batch.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <functional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "server/group_commit.hpp"
#include "storage/lmdb.hpp"
#include "tests/support/temp_store.hpp"
#include "tests/support/cmocka.hpp"  // last

using namespace civic;

namespace {

struct Fixture : test::TempStore {
  std::vector<unsigned char> memory = std::vector<unsigned char>(sizeof(server::SharedMetrics) + 64);
  server::SharedMetrics* metrics = nullptr;
};

int setup(void** state) {
  auto* f = new Fixture;
  if (!f->open(std::size_t{1} << 20)) return -1;  // 1 MiB: small enough to fill
  void* block = f->memory.data() + (64 - reinterpret_cast<std::uintptr_t>(f->memory.data()) % 64) % 64;
  f->metrics = server::SharedMetrics::prepare(block, {}, {});
  *state = f;
  return 0;
}

storage::NewSubmission sample(std::string data = "{\"message\":\"Hei\"}") {
  storage::NewSubmission s;
  s.form = "feedback";
  s.receipt_prefix = "PAL";
  s.language = "fi";
  s.data_json = std::move(data);
  return s;
}

void wait_until(const std::function<bool()>& done) {
  while (!done()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

// While LMDB's write lock is held elsewhere, the first thread's commit waits
// for it and the others queue: they go in one commit after it.
void waiting_submissions_go_in_one_commit(void** state) {
  auto* f = static_cast<Fixture*>(*state);
  server::GroupCommit commits(1024);
  auto held = storage::Txn::begin_write(f->store->env());  // another writer
  assert_true(held.ok());

  constexpr int kThreads = 8;
  std::vector<forms::CommitResult> results(kThreads);
  std::vector<std::thread> threads;
  threads.emplace_back([&] { results[0] = commits.commit(*f->store, sample(), f->metrics).result; });
  wait_until([&] { return commits.waiting() == 0; });  // the first one commits (and waits for the lock)
  for (int i = 1; i < kThreads; ++i)
    threads.emplace_back([&, i] { results[i] = commits.commit(*f->store, sample(), f->metrics).result; });
  wait_until([&] { return commits.waiting() == kThreads - 1; });
  held->abort();
  for (auto& t : threads) t.join();

  std::set<std::string> receipts;
  for (const auto& r : results) {
    assert_int_equal(static_cast<int>(r.kind), static_cast<int>(forms::CommitResult::Kind::stored));
    receipts.insert(r.receipt);
  }
  assert_int_equal(receipts.size(), kThreads);  // each its own
  // Two commits: the first alone, then the seven that waited.
  assert_int_equal(f->metrics->commit_batch.count.load(), 2);
  assert_int_equal(f->metrics->commit_batch.sum.load(), kThreads);
}

// No more than the batch limit goes in one commit: the rest wait for the next.
void a_commit_carries_at_most_the_batch_limit(void** state) {
  auto* f = static_cast<Fixture*>(*state);
  server::GroupCommit commits(3);
  auto held = storage::Txn::begin_write(f->store->env());
  assert_true(held.ok());
  std::atomic<int> stored{0};
  std::vector<std::thread> threads;
  threads.emplace_back([&] { stored += commits.commit(*f->store, sample(), f->metrics).result.receipt.empty() ? 0 : 1; });
  wait_until([&] { return commits.waiting() == 0; });
  for (int i = 0; i < 7; ++i)
    threads.emplace_back([&] { stored += commits.commit(*f->store, sample(), f->metrics).result.receipt.empty() ? 0 : 1; });
  wait_until([&] { return commits.waiting() == 7; });
  held->abort();
  for (auto& t : threads) t.join();
  assert_int_equal(stored.load(), 8);
  // 1, then 3, 3 and 1.
  assert_int_equal(f->metrics->commit_batch.count.load(), 4);
}

// A commit that fails (the store is full) fails its whole batch, and only
// it: the next commit stores.
void a_failed_commit_fails_its_batch_only(void** state) {
  auto* f = static_cast<Fixture*>(*state);
  server::GroupCommit commits(1024);
  std::string big = "{\"message\":\"" + std::string(2u << 20, 'x') + "\"}";  // over the 1 MiB map
  auto failed = commits.commit(*f->store, sample(big), f->metrics);
  assert_int_equal(static_cast<int>(failed.result.kind), static_cast<int>(forms::CommitResult::Kind::store_full));
  assert_true(failed.result.receipt.empty());
  auto stored = commits.commit(*f->store, sample(), f->metrics);
  assert_int_equal(static_cast<int>(stored.result.kind), static_cast<int>(forms::CommitResult::Kind::stored));
  assert_non_null(std::strstr(stored.result.receipt.c_str(), "PAL-"));
}

// Many threads at once: every submission is stored once, none is lost.
void many_threads_store_every_submission(void** state) {
  auto* f = static_cast<Fixture*>(*state);
  server::GroupCommit commits(1024);
  constexpr int kThreads = 16, kEach = 20;
  std::vector<std::vector<std::string>> receipts(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) receipts[t].push_back(commits.commit(*f->store, sample(), f->metrics).result.receipt);
    });
  for (auto& t : threads) t.join();
  std::set<std::string> all;
  for (const auto& list : receipts)
    for (const auto& r : list) {
      assert_false(r.empty());
      all.insert(r);
    }
  assert_int_equal(all.size(), kThreads * kEach);
  assert_int_equal(f->metrics->commit_batch.sum.load(), kThreads * kEach);
}

}  // namespace

int main() {
  const CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(waiting_submissions_go_in_one_commit, setup, test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(a_commit_carries_at_most_the_batch_limit, setup, test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(a_failed_commit_fails_its_batch_only, setup, test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(many_threads_store_every_submission, setup, test::delete_fixture<Fixture>),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
