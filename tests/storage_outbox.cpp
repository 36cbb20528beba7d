// The outbox of deliveries (storage/outbox.hpp): entries written with their
// submission, claimed under a lease, recorded, retried, listed, counted and
// removed with their submission; a sealed form's confirmation address kept
// in its entry for as long as the entry.
#include <string>
#include <vector>

#include "storage/outbox.hpp"
#include "storage/record_codec.hpp"
#include "storage/store_check.hpp"
#include "storage/submission_removal.hpp"
#include "storage/submission_keys.hpp"
#include "storage/submission_store.hpp"
#include "tests/support/temp_store.hpp"
#include "tests/support/cmocka.hpp"  // last

using namespace civic;
using namespace civic::storage;

namespace {

constexpr std::uint32_t kHook = 0xA1, kMail = 0xB2;
constexpr std::int64_t kSecond = 1000;

struct Fixture : test::TempStore {
  std::string text;  // what a helper returns a view of
};

int setup(void** state) {
  auto* f = new Fixture;
  if (!f->open()) return -1;
  *state = f;
  return 0;
}

// Stores `n` submissions of form "f" delivered to both targets at `now` (s).
bool submit(Fixture& f, int n, std::int64_t now) {
  std::vector<NewSubmission> batch(static_cast<std::size_t>(n));
  for (auto& s : batch) {
    s.form = "f";
    s.receipt_prefix = "PAL";
    s.language = "fi";
    s.data_json = "{}";
    s.deliveries = {kHook, kMail};
  }
  return commit_submissions(*f.store, batch, now).ok();
}

// "seq/target" of each claimed entry, with its attempts: "1/a1:0 1/b2:0".
const char* claim(Fixture& f, std::int64_t now_ms, std::size_t max = 100, std::uint32_t owner = 7) {
  f.text.clear();
  auto txn = Txn::begin_write(f.store->env());
  if (!txn) return "no txn";
  auto claimed = outbox::claim_due(*txn, f.store->db(), now_ms, 60 * kSecond, owner, max);
  if (!claimed || !txn->commit()) return "failed";
  char one[64];
  for (const auto& c : *claimed) {
    std::snprintf(one, sizeof one, "%s%llu/%x:%u", f.text.empty() ? "" : " ", static_cast<unsigned long long>(c.key.seq),
                  c.key.target, c.entry.attempts);
    f.text += one;
  }
  return f.text.c_str();
}

bool record(Fixture& f, std::uint64_t seq, std::uint32_t target, outbox::Outcome outcome, std::int64_t at_ms,
            std::int64_t next_ms = 0) {
  auto txn = Txn::begin_write(f.store->env());
  if (!txn) return false;
  outbox::Attempt a{{"f", seq, target}, outcome, at_ms, next_ms, outcome == outbox::Outcome::delivered ? "" : "HTTP 503"};
  return outbox::record(*txn, f.store->db(), std::span(&a, 1)).ok() && txn->commit().ok();
}

// "target:pending/failed/delivered" of form f.
const char* counts(Fixture& f) {
  f.text.clear();
  auto txn = Txn::begin_read(f.store->env());
  if (!txn) return "no txn";
  auto s = outbox::stats(*txn, f.store->db(), "f");
  if (!s) return "failed";
  for (const auto& [target, t] : *s)
    f.text += (f.text.empty() ? "" : " ") + std::to_string(target) + ":" + std::to_string(t.pending) + "/" +
              std::to_string(t.failed) + "/" + std::to_string(t.delivered);
  return f.text.c_str();
}

// "seq/target" of the entries listed in `state`.
const char* listed(Fixture& f, std::optional<outbox::State> state, std::uint64_t after = 0) {
  f.text.clear();
  auto txn = Txn::begin_read(f.store->env());
  if (!txn) return "no txn";
  auto l = outbox::list(*txn, f.store->db(), "f", state, after, 10);
  if (!l) return "failed";
  for (const auto& e : *l)
    f.text += (f.text.empty() ? "" : " ") + std::to_string(e.key.seq) + "/" + std::to_string(e.key.target);
  return f.text.c_str();
}

// Submission 1 of form f, at 2000 s, retried by hand.
bool retry(Fixture& f, std::uint32_t target) {
  auto txn = Txn::begin_write(f.store->env());
  if (!txn) return false;
  auto r = outbox::retry(*txn, f.store->db(), {"f", 1, target}, 2000 * kSecond);
  return r.ok() && *r && txn->commit().ok();
}

bool erase(Fixture& f, std::uint64_t seq) {
  auto txn = Txn::begin_write(f.store->env());
  if (!txn) return false;
  auto removed = remove_submission(*txn, f.store->db(), "f", seq);
  return removed.ok() && *removed && txn->commit().ok();
}

void entries_come_with_their_submission(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  assert_true(submit(f, 2, 1000));
  assert_string_equal(counts(f), "161:2/0/0 178:2/0/0");
  // Due at once, each claimed once: the lease keeps them from everyone else.
  assert_string_equal(claim(f, 1000 * kSecond, 3), "1/a1:0 1/b2:0 2/a1:0");
  assert_string_equal(claim(f, 1000 * kSecond), "2/b2:0");
  assert_string_equal(claim(f, 1030 * kSecond), "");
  // A claim whose worker died: due again when the lease runs out.
  assert_string_equal(claim(f, 1061 * kSecond, 1, 8), "1/a1:0");
}

void attempts_are_recorded(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  assert_true(submit(f, 2, 1000));
  assert_string_equal(claim(f, 1000 * kSecond), "1/a1:0 1/b2:0 2/a1:0 2/b2:0");
  assert_true(record(f, 1, kHook, outbox::Outcome::delivered, 1001 * kSecond));
  assert_true(record(f, 1, kMail, outbox::Outcome::retry, 1001 * kSecond, 1003 * kSecond));
  assert_true(record(f, 2, kHook, outbox::Outcome::failed, 1001 * kSecond));
  assert_string_equal(counts(f), "161:0/1/1 178:2/0/0");
  // The retry is due at its time, with its attempt counted.
  assert_string_equal(claim(f, 1002 * kSecond), "");
  assert_string_equal(claim(f, 1003 * kSecond), "1/b2:1");
  // A delivered entry is gone; a failed one is listed as failed.
  assert_string_equal(listed(f, outbox::State::failed), "2/161");
  assert_string_equal(listed(f, outbox::State::pending), "1/178 2/178");
  assert_string_equal(listed(f, std::nullopt, 1), "2/161 2/178");
  // Recording an entry twice (a lease that ran out, two attempts) counts once.
  assert_true(record(f, 1, kHook, outbox::Outcome::delivered, 1004 * kSecond));
  assert_string_equal(counts(f), "161:0/1/1 178:2/0/0");
}

void a_failed_entry_is_retried_by_hand(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  assert_true(submit(f, 1, 1000));
  assert_string_equal(claim(f, 1000 * kSecond), "1/a1:0 1/b2:0");
  assert_true(record(f, 1, kHook, outbox::Outcome::failed, 1001 * kSecond));
  assert_true(retry(f, kHook));
  assert_false(retry(f, kHook));  // pending now, not failed
  assert_false(retry(f, kMail));  // never failed
  assert_string_equal(counts(f), "161:1/0/0 178:1/0/0");
  // Oldest due first: the e-mail's lease ran out at 1060 s.
  assert_string_equal(claim(f, 2000 * kSecond), "1/b2:0 1/a1:0");
}

void erasure_takes_the_deliveries_along(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  assert_true(submit(f, 2, 1000));
  assert_string_equal(claim(f, 1000 * kSecond, 1), "1/a1:0");
  assert_true(record(f, 1, kHook, outbox::Outcome::failed, 1001 * kSecond));
  assert_true(erase(f, 1));
  assert_string_equal(listed(f, std::nullopt), "2/161 2/178");
  assert_string_equal(counts(f), "161:1/0/0 178:1/0/0");
  assert_string_equal(claim(f, 1000 * kSecond), "2/a1:0 2/b2:0");
}

// The problems civicctl verify finds, joined.
const char* verified(Fixture& f) {
  auto report = check_store(*f.store);
  f.text.clear();
  if (!report) return "failed";
  for (const auto& p : report->problems) f.text += p + "\n";
  return f.text.c_str();
}

bool drop_due_entries(Fixture& f) {
  auto txn = Txn::begin_write(f.store->env());
  return txn && txn->clear(f.store->db().outbox_due).ok() && txn->commit().ok();
}

void verify_checks_the_outbox(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  assert_true(submit(f, 1, 1000));
  assert_string_equal(verified(f), "");
  assert_true(drop_due_entries(f));
  assert_string_equal(verified(f), "outbox: f #1 target 161 is pending but not in outbox_due\n"
                                   "outbox: f #1 target 178 is pending but not in outbox_due\n");
}

constexpr const char* kAddress = "matti.meikalainen@example.fi";

// Submission `n` of form f (a sealed one's record is not needed here): both
// targets, the mail target the confirmation that keeps `address`.
bool submit_confirmed(Fixture& f, std::string address, std::int64_t now) {
  std::vector<NewSubmission> batch(1);
  NewSubmission& s = batch[0];
  s.form = "f";
  s.receipt_prefix = "PAL";
  s.language = "fi";
  s.data_json = "{}";
  s.deliveries = {kHook, kMail};
  s.confirmation_target = kMail;
  s.confirmation_address = std::move(address);
  return commit_submissions(*f.store, batch, now).ok();
}

// Every entry of form f, as storage lists them; nullopt if it cannot.
std::optional<std::vector<outbox::Listed>> entries(Fixture& f) {
  auto txn = Txn::begin_read(f.store->env());
  if (!txn) return std::nullopt;
  auto l = outbox::list(*txn, f.store->db(), "f", std::nullopt, 0, 10);
  if (!l) return std::nullopt;
  return std::move(*l);
}

// "seq/target=address" of every entry.
const char* addresses(Fixture& f) {
  auto l = entries(f);
  if (!l) return "failed";
  f.text.clear();
  for (const auto& e : *l)
    f.text += (f.text.empty() ? "" : " ") + std::to_string(e.key.seq) + "/" + std::to_string(e.key.target) + "=" +
              e.entry.address;
  return f.text.c_str();
}

// The address each claimed entry carries, "target=address ...".
const char* claimed_addresses(Fixture& f, std::int64_t now_ms) {
  f.text.clear();
  auto txn = Txn::begin_write(f.store->env());
  if (!txn) return "no txn";
  auto claimed = outbox::claim_due(*txn, f.store->db(), now_ms, 60 * kSecond, 7, 10);
  if (!claimed || !txn->commit()) return "failed";
  for (const auto& c : *claimed)
    f.text += (f.text.empty() ? "" : " ") + std::to_string(c.key.target) + "=" + c.entry.address;
  return f.text.c_str();
}

void a_sealed_confirmation_keeps_its_address(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  assert_true(submit_confirmed(f, kAddress, 1000));
  // Only in the confirmation's entry.
  assert_string_equal(addresses(f), "1/161= 1/178=matti.meikalainen@example.fi");
  // The round that sends it gets it with the claim.
  assert_string_equal(claimed_addresses(f, 1000 * kSecond), "161= 178=matti.meikalainen@example.fi");
  // A failed confirmation keeps it, for a retry by hand.
  assert_true(record(f, 1, kMail, outbox::Outcome::failed, 1001 * kSecond));
  assert_true(record(f, 1, kHook, outbox::Outcome::delivered, 1001 * kSecond));
  assert_string_equal(addresses(f), "1/178=matti.meikalainen@example.fi");
  assert_true(retry(f, kMail));
  assert_string_equal(claimed_addresses(f, 2000 * kSecond), "178=matti.meikalainen@example.fi");
  assert_string_equal(verified(f), "");
  // Sent: gone with its entry.
  assert_true(record(f, 1, kMail, outbox::Outcome::delivered, 2001 * kSecond));
  assert_string_equal(addresses(f), "");
}

void the_address_goes_with_an_erased_submission(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  assert_true(submit_confirmed(f, kAddress, 1000));
  assert_true(submit_confirmed(f, "liisa@example.fi", 1000));
  assert_true(erase(f, 1));
  assert_string_equal(addresses(f), "2/161= 2/178=liisa@example.fi");
  assert_string_equal(verified(f), "");
}

void an_overlong_address_is_refused(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  assert_false(submit_confirmed(f, std::string(250, 'a') + "@x.fi", 1000));
  // Nothing of the batch was stored.
  assert_string_equal(addresses(f), "");
  assert_true(submit_confirmed(f, std::string(249, 'a') + "@x.fi", 1000));
}

// An entry as civic wrote them before sealed forms: format 1, no address.
bool put_old_entry(Fixture& f) {
  RecordWriter w;
  w.u8(1);
  w.u8(2);  // failed
  w.u32(3);
  w.i64(1000 * kSecond);
  w.i64(1000 * kSecond);
  w.i64(1500 * kSecond);
  w.i64(1400 * kSecond);
  w.u32(0);
  w.str16("HTTP 500");
  std::string key = submission_keys::seq_key("f", 1);
  keys::append_u32(key, kHook);
  auto txn = Txn::begin_write(f.store->env());
  return txn && txn->put(f.store->db().outbox, key, w.take()).ok() && txn->commit().ok();
}

// "state attempts last_error address" of submission 1's webhook entry.
const char* old_entry(Fixture& f) {
  auto l = entries(f);
  if (!l) return "failed";
  f.text.clear();
  for (const auto& e : *l)
    if (e.key.target == kHook)
      f.text = std::to_string(static_cast<int>(e.entry.state)) + " " + std::to_string(e.entry.attempts) + " " +
               e.entry.last_error + " [" + e.entry.address + "]";
  return f.text.c_str();
}

void an_entry_without_address_still_reads(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  assert_true(submit(f, 1, 1000));
  assert_true(put_old_entry(f));
  assert_string_equal(old_entry(f), "2 3 HTTP 500 []");
}

}  // namespace

int main() {
  const CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(entries_come_with_their_submission, setup, test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(attempts_are_recorded, setup, test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(a_failed_entry_is_retried_by_hand, setup, test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(erasure_takes_the_deliveries_along, setup, test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(verify_checks_the_outbox, setup, test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(a_sealed_confirmation_keeps_its_address, setup, test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(the_address_goes_with_an_erased_submission, setup,
                                      test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(an_overlong_address_is_refused, setup, test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(an_entry_without_address_still_reads, setup, test::delete_fixture<Fixture>),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
