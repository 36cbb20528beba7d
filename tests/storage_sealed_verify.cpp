// civicctl verify on a sealed form's submissions (storage/store_check.hpp):
// the record's envelope and each listed file's envelope are checked (magic,
// version, key id, size) without a key; an erased sealed submission leaves
// nothing behind.
#include <cstring>
#include <string>
#include <vector>

#include "sealing/sodium_text.hpp"
#include "storage/store_check.hpp"
#include "storage/submission_keys.hpp"
#include "storage/submission_removal.hpp"
#include "tests/support/sealed_sample.hpp"
#include "tests/support/temp_store.hpp"
#include "tests/support/cmocka.hpp"  // last

using namespace civic;
using namespace civic::storage;

namespace {

const std::string kAnswers =
    "{\"name\":\"Matti\",\"photo\":[{\"filename\":\"a.png\",\"content_type\":\"image/png\",\"size\":4},"
    "{\"filename\":\"b.png\",\"content_type\":\"image/png\",\"size\":5}]}";

struct Fixture : test::TempStore {
  test::SealKeys keys;
  std::string text;  // what a helper returns a view of
};

int setup(void** state) {
  auto* f = new Fixture;
  *state = f;
  if (!f->open() || !test::make_seal_keys(f->dir + "/keys", f->keys)) return -1;
  // Submission 1 of form "f": two sealed files.
  auto s = test::sealed_submission(f->keys.public_key, "f", kAnswers, {{"photo", 0, "\x89PNG"}, {"photo", 1, "\x89PNG!"}});
  if (!s) return -1;
  std::vector<NewSubmission> batch{std::move(*s)};
  return commit_submissions(*f->store, batch, 1000).ok() ? 0 : -1;
}

// The problems verify finds, one a line.
const char* verified(Fixture& f) {
  auto report = check_store(*f.store);
  f.text.clear();
  if (!report) return "failed";
  for (const auto& p : report->problems) f.text += p + "\n";
  return f.text.c_str();
}

std::string photo_key(std::uint32_t index) { return submission_keys::attachment_key("f", 1, "photo", index); }

// Stores `bytes` as photo[index] of submission 1.
bool put_photo(Fixture& f, std::uint32_t index, const std::string& bytes) {
  auto txn = Txn::begin_write(f.store->env());
  return txn && txn->put(f.store->db().attachments, photo_key(index), bytes).ok() && txn->commit().ok();
}

bool drop_photo(Fixture& f, std::uint32_t index) {
  auto txn = Txn::begin_write(f.store->env());
  return txn && txn->del(f.store->db().attachments, photo_key(index)).ok() && txn->commit().ok();
}

// `plaintext` sealed for `key`, or empty.
std::string envelope(const sealing::PublicKey& key, std::string_view plaintext) {
  auto e = sealing::seal(plaintext, key);
  return e ? *e : std::string();
}

// Submission 1's record with the byte at `at` of its answers' envelope
// changed (the header: magic 0-3, version 4, key id 5-12).
bool damage_envelope(Fixture& f, std::size_t at) {
  auto txn = Txn::begin_write(f.store->env());
  if (!txn) return false;
  auto value = txn->get(f.store->db().submissions, submission_keys::seq_key("f", 1));
  if (!value || !value.value()) return false;
  std::string record(**value);
  std::size_t start = record.find("\"data\":\"") + 8;
  std::size_t end = record.find('"', start);
  auto bytes = sealing::from_base64(std::string_view(record).substr(start, end - start));
  if (!bytes || at >= bytes->size()) return false;
  (*bytes)[at] = static_cast<char>((*bytes)[at] ^ 0x01);
  record.replace(start, end - start, sealing::to_base64(*bytes));
  return txn->put(f.store->db().submissions, submission_keys::seq_key("f", 1), record).ok() && txn->commit().ok();
}

bool erase(Fixture& f) {
  auto txn = Txn::begin_write(f.store->env());
  if (!txn) return false;
  auto removed = remove_submission(*txn, f.store->db(), "f", 1);
  return removed.ok() && *removed && txn->commit().ok();
}

std::size_t attachment_count(Fixture& f) {
  auto txn = Txn::begin_read(f.store->env());
  std::size_t n = 0;
  auto counted = txn ? for_each_with_prefix(*txn, f.store->db().attachments, "", [&](const Entry&) {
    ++n;
    return true;
  })
                     : Status(txn.error());
  return counted ? n : 999;
  return n;
}

void a_sealed_record_verifies(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  assert_string_equal(verified(f), "");
}

void a_damaged_envelope_header_is_found(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  assert_true(damage_envelope(f, 4));  // version 0
  // Its files are not counted as listed then: the record is not read.
  assert_string_equal(verified(f), "submissions: f #1: read sealed record: \"sealed\" data is not a sealed envelope\n"
                                   "form \"f\": 2 stored files for 0 files listed by the submissions\n");
  assert_true(damage_envelope(f, 4));  // back to version 1
  assert_string_equal(verified(f), "");
  assert_true(damage_envelope(f, 5));  // another key id than the record's
  assert_non_null(strstr(verified(f), "submissions: f #1: read sealed record: \"sealed\" data names key "));
}

void a_damaged_sealed_box_is_not_seen(void** state) {
  // Without the key its contents cannot be checked: only a case worker's
  // civicctl open finds it (and says so).
  auto& f = *static_cast<Fixture*>(*state);
  assert_true(damage_envelope(f, 40));
  assert_string_equal(verified(f), "");
}

void a_missing_sealed_file_is_found(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  assert_true(drop_photo(f, 1));
  assert_string_equal(verified(f), "submissions: f #1: sealed file photo[1] is listed but not stored\n"
                                   "form \"f\": 1 stored files for 2 files listed by the submissions\n");
}

// Photo 1 replaced by `bytes`: the problems verify finds.
const char* with_photo(Fixture& f, const std::string& bytes) {
  if (!put_photo(f, 1, bytes)) return "cannot store it";
  return verified(f);
}

// Photo 1 sealed for another key: verify names both keys.
bool another_key_is_named(Fixture& f) {
  sealing::PublicKey other = f.keys.public_key;
  other.bytes[0] ^= 0x40;
  other.id = sealing::key_id(other.bytes);
  std::string expected = "submissions: f #1: sealed file photo[1] is sealed for key " + other.id +
                         ", the record names " + f.keys.public_key.id + "\n";
  const char* found = with_photo(f, envelope(other, "\x89PNG!"));
  if (expected == found) return true;
  print_message("verify found: %s\nexpected: %s", found, expected.c_str());
  return false;
}

void a_sealed_file_of_another_size_or_key_is_found(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  // The listed size is that of "\x89PNG!"'s envelope: one byte less.
  const char* shorter = with_photo(f, envelope(f.keys.public_key, "\x89PNG"));
  assert_non_null(strstr(shorter, "submissions: f #1: sealed file photo[1] has "));
  assert_non_null(strstr(shorter, " bytes, the record lists "));
  // Not an envelope at all, or one for another key.
  assert_non_null(strstr(with_photo(f, "\x89PNG!"), "sealed file photo[1] is not a sealed envelope\n"));
  assert_true(another_key_is_named(f));
}

void an_unlisted_file_is_found(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  assert_true(put_photo(f, 2, envelope(f.keys.public_key, "more")));
  assert_string_equal(verified(f), "form \"f\": 3 stored files for 2 files listed by the submissions\n");
}

void erasure_leaves_nothing(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  assert_int_equal(attachment_count(f), 2);
  assert_true(erase(f));
  assert_int_equal(attachment_count(f), 0);
  assert_string_equal(verified(f), "");
}

}  // namespace

int main() {
  const CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(a_sealed_record_verifies, setup, test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(a_damaged_envelope_header_is_found, setup, test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(a_damaged_sealed_box_is_not_seen, setup, test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(a_missing_sealed_file_is_found, setup, test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(a_sealed_file_of_another_size_or_key_is_found, setup,
                                      test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(an_unlisted_file_is_found, setup, test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(erasure_leaves_nothing, setup, test::delete_fixture<Fixture>),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
