// Drafts of multi-step forms (storage/drafts.hpp): written, read, replaced,
// removed, expired, purged, counted against max_drafts, listed in pages, and
// named in hex; their answers an opaque box (encrypted by the journey), and a
// draft stored in plaintext before issue 16 gone to readers but purged.
#include <string>
#include <vector>

#include "storage/drafts.hpp"
#include "storage/keys.hpp"
#include "storage/record_codec.hpp"
#include "storage/store_check.hpp"
#include "storage/submission_store.hpp"
#include "tests/support/temp_store.hpp"
#include "tests/support/cmocka.hpp"  // last

using namespace civic;
using namespace civic::storage;

namespace {

struct Fixture : test::TempStore {
  std::string text;  // what a helper returns a view of
};

int setup(void** state) {
  auto* f = new Fixture;
  if (!f->open()) return -1;
  *state = f;
  return 0;
}

// A raw id: 16 bytes, all `b`.
std::string id_of(char b) { return std::string(drafts::kIdBytes, b); }

drafts::Draft draft(std::string_view form, char id, std::int64_t expires, std::string_view answer = "Anna") {
  drafts::Draft d;
  d.form = std::string(form);
  d.id = id_of(id);
  d.created = 100;
  d.updated = 100;
  d.expires = expires;
  d.language = "fi";
  d.step = "contact";
  d.box = "BOX:" + std::string(answer);  // storage does no crypto: any bytes
  d.values = 2;
  d.files = 1;
  d.bytes = 50;
  return d;
}

// "stored", "too_many" or "failed".
const char* put(Fixture& f, const drafts::Draft& d, std::uint64_t max) {
  auto txn = Txn::begin_write(f.store->env());
  if (!txn) return "failed";
  auto out = drafts::put(*txn, f.store->db(), d, max);
  if (!out || !txn->commit()) return "failed";
  return *out == drafts::PutOutcome::stored ? "stored" : "too_many";
}

// Writes draft(form, id, expires, answer) with max_drafts `max`.
const char* put(Fixture& f, std::string_view form, char id, std::int64_t expires, std::uint64_t max = 100,
                std::string_view answer = "Anna") {
  return put(f, draft(form, id, expires, answer), max);
}

// A draft the record format cannot hold: `what` 0 a short id, 1 a long step name.
const char* put_odd(Fixture& f, int what) {
  drafts::Draft d = draft("f", 'a', 1000);
  if (what == 0) d.id = "short";
  else d.step = std::string(70000, 'n');
  return put(f, d, 100);
}

// The id "\0\x01\xab\xff" followed by twelve \x10, in hex.
const char* sample_hex(Fixture& f) {
  std::string raw("\0\x01\xab\xff", 4);
  raw += std::string(12, '\x10');
  f.text = drafts::id_hex(raw);
  auto back = drafts::id_from_hex(f.text);
  if (!back || *back != raw) return "no round trip";
  return f.text.c_str();
}

// "step:box;values/files/bytes" of a draft read at `now`, "none" or "failed".
const char* read(Fixture& f, std::string_view form, char id, std::int64_t now) {
  auto txn = Txn::begin_read(f.store->env());
  if (!txn) return "failed";
  auto d = drafts::read(*txn, f.store->db(), form, id_of(id), now);
  if (!d) return "failed";
  if (!d->has_value()) return "none";
  const drafts::Draft& x = **d;
  f.text = x.step + ":" + x.box + ";" + std::to_string(x.values) + "/" + std::to_string(x.files) + "/" +
           std::to_string(x.bytes);
  return f.text.c_str();
}

int remove(Fixture& f, std::string_view form, char id) {
  auto txn = Txn::begin_write(f.store->env());
  if (!txn) return -1;
  auto r = drafts::remove(*txn, f.store->db(), form, id_of(id));
  if (!r || !txn->commit()) return -1;
  return *r ? 1 : 0;
}

long count(Fixture& f, std::string_view form) {
  auto txn = Txn::begin_read(f.store->env());
  if (!txn) return -1;
  auto n = drafts::count(*txn, f.store->db(), form);
  return n ? static_cast<long>(*n) : -1;
}

long purge(Fixture& f, std::int64_t now, std::size_t limit) {
  auto txn = Txn::begin_write(f.store->env());
  if (!txn) return -1;
  auto n = drafts::purge_expired(*txn, f.store->db(), now, limit);
  if (!n || !txn->commit()) return -1;
  return static_cast<long>(*n);
}

// "first-id-byte:values/files/bytes step ..." of a page of form "f".
const char* list(Fixture& f, std::string_view after, std::size_t limit) {
  auto txn = Txn::begin_read(f.store->env());
  if (!txn) return "failed";
  auto page = drafts::list(*txn, f.store->db(), "f", after, limit);
  if (!page) return "failed";
  f.text.clear();
  for (const auto& i : *page)
    f.text += (f.text.empty() ? "" : " ") + std::string(1, i.id[0]) + ":" + std::to_string(i.values) + "/" +
              std::to_string(i.files) + "/" + std::to_string(i.bytes) + " " + i.step;
  return f.text.c_str();
}

// Commits the final submission of draft `id` of form "f" with the replay
// key `key`: "stored RECEIPT", "replayed RECEIPT", "gone" or "failed".
const char* submit(Fixture& f, char id, std::string_view key, std::int64_t now) {
  NewSubmission s;
  s.form = "f";
  s.receipt_prefix = "PAL";
  s.language = "fi";
  s.data_json = "{}";
  s.replay_keys = {std::string(key)};
  s.replay_expires = now + 3600;
  s.draft_id = id_of(id);
  auto out = commit_submissions(*f.store, std::span(&s, 1), now);
  if (!out || out->size() != 1) return "failed";
  const CommitOutcome& o = (*out)[0];
  f.text = o.replayed ? "replayed " + o.receipt : o.draft_gone ? "gone" : "stored " + o.receipt;
  return f.text.c_str();
}

long submissions(Fixture& f) {
  auto txn = Txn::begin_read(f.store->env());
  if (!txn) return -1;
  auto n = submission_count(*txn, f.store->db(), "f");
  return n ? static_cast<long>(*n) : -1;
}

void put_read_replace_remove(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  assert_string_equal(put(f, "f", 'a', 1000), "stored");
  assert_string_equal(read(f, "f", 'a', 500), "contact:BOX:Anna;2/1/50");
  assert_string_equal(read(f, "f", 'b', 500), "none");
  assert_string_equal(read(f, "g", 'a', 500), "none");  // another form's id space
  assert_int_equal(count(f, "f"), 1);

  assert_string_equal(put(f, "f", 'a', 2000, 100, "Bertil"), "stored");  // replaces, not a second one
  assert_string_equal(read(f, "f", 'a', 1500), "contact:BOX:Bertil;2/1/50");
  assert_int_equal(count(f, "f"), 1);

  assert_int_equal(remove(f, "f", 'a'), 1);
  assert_string_equal(read(f, "f", 'a', 500), "none");
  assert_int_equal(remove(f, "f", 'a'), 0);
  assert_int_equal(count(f, "f"), 0);
}

void expired_drafts_are_not_read_and_are_purged(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  assert_string_equal(put(f, "f", 'a', 1000), "stored");
  assert_string_equal(put(f, "f", 'b', 1100), "stored");
  assert_string_equal(put(f, "g", 'c', 1200), "stored");
  assert_string_equal(put(f, "f", 'd', 5000), "stored");
  assert_string_equal(read(f, "f", 'a', 1000), "none");  // at its expiry time: gone
  assert_string_equal(read(f, "f", 'a', 999), "contact:BOX:Anna;2/1/50");

  // A re-saved draft's old expiry time does not purge it.
  assert_string_equal(put(f, "f", 'b', 6000), "stored");

  assert_int_equal(purge(f, 1300, 1), 1);  // the limit holds
  assert_int_equal(purge(f, 1300, 10), 1);
  assert_int_equal(purge(f, 1300, 10), 0);
  assert_string_equal(read(f, "f", 'b', 1300), "contact:BOX:Anna;2/1/50");
  assert_string_equal(read(f, "f", 'd', 1300), "contact:BOX:Anna;2/1/50");
  assert_int_equal(count(f, "f"), 2);
  assert_int_equal(count(f, "g"), 0);
}

void max_drafts_refuses_a_new_one_only(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  assert_string_equal(put(f, "f", 'a', 1000, 2), "stored");
  assert_string_equal(put(f, "f", 'b', 1000, 2), "stored");
  assert_string_equal(put(f, "f", 'c', 1000, 2), "too_many");
  assert_string_equal(read(f, "f", 'c', 0), "none");
  assert_string_equal(put(f, "f", 'a', 2000, 2), "stored");  // replacing is not a new one
  assert_string_equal(put(f, "g", 'c', 1000, 2), "stored");  // counted per form
  assert_int_equal(count(f, "f"), 2);
}

void listing_goes_in_pages(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  for (char c : {'c', 'a', 'b', 'd'}) assert_string_equal(put(f, "f", c, 1000), "stored");
  assert_string_equal(put(f, "fg", 'a', 1000), "stored");  // a form whose name starts with "f"
  // values, files and bytes as the draft was put with them.
  assert_string_equal(list(f, "", 2), "a:2/1/50 contact b:2/1/50 contact");
  assert_string_equal(list(f, id_of('b'), 2), "c:2/1/50 contact d:2/1/50 contact");
  assert_string_equal(list(f, id_of('d'), 2), "");
  assert_string_equal(list(f, id_of('a').substr(0, 3), 1), "a:2/1/50 contact");
}

void ids_are_named_in_hex(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  assert_string_equal(sample_hex(f), "0001abff101010101010101010101010");
  assert_false(drafts::id_from_hex("0001ABFF101010101010101010101010").has_value());  // lower case only
  assert_false(drafts::id_from_hex("0001abff10101010101010101010101").has_value());
  assert_false(drafts::id_from_hex("0001abff10101010101010101010101g").has_value());
  assert_false(drafts::id_from_hex("").has_value());
}

void a_draft_too_odd_to_store_is_refused(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  assert_string_equal(put_odd(f, 0), "failed");
  assert_string_equal(put_odd(f, 1), "failed");
  assert_int_equal(count(f, "f"), 0);
}

void the_final_submission_takes_its_draft(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  assert_string_equal(put(f, "f", 'a', 5000), "stored");
  assert_true(std::string_view(submit(f, 'a', "k1", 1000)).starts_with("stored PAL-"));
  assert_string_equal(read(f, "f", 'a', 1000), "none");
  assert_int_equal(count(f, "f"), 0);
  assert_int_equal(submissions(f), 1);
  // The same post again (another tab, a double click): its receipt, though the draft is gone.
  assert_true(std::string_view(submit(f, 'a', "k1", 1001)).starts_with("replayed PAL-"));
  // Another post of the same draft: nothing stored.
  assert_string_equal(submit(f, 'a', "k2", 1002), "gone");
  assert_int_equal(submissions(f), 1);
}

void an_expired_or_unknown_draft_stores_nothing(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  assert_string_equal(put(f, "f", 'a', 1000), "stored");
  assert_string_equal(submit(f, 'a', "k1", 1000), "gone");  // expired
  assert_string_equal(submit(f, 'b', "k2", 500), "gone");   // never was
  assert_int_equal(submissions(f), 0);
  assert_int_equal(count(f, "f"), 1);  // the expired one waits for purge_expired
}

const char* verified(Fixture& f) {
  auto report = check_store(*f.store);
  f.text.clear();
  if (!report) return "failed";
  for (const auto& p : report->problems) f.text += p + "\n";
  return f.text.c_str();
}

// Damage as a bug might leave it: `what` 0 the expiry index emptied, 1 a wrong count.
bool damage(Fixture& f, int what) {
  auto txn = Txn::begin_write(f.store->env());
  if (!txn) return false;
  if (what == 0) return txn->clear(f.store->db().draft_expiry).ok() && txn->commit().ok();
  std::string five;
  keys::append_u64(five, 5);
  return txn->put(f.store->db().draft_counts, keys::name_prefix("f"), five).ok() && txn->commit().ok();
}

void verify_checks_the_drafts(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  assert_string_equal(put(f, "f", 'a', 1000), "stored");
  assert_string_equal(verified(f), "");
  assert_true(damage(f, 1));
  assert_string_equal(verified(f), "draft_counts: f counts 5 drafts; drafts holds 1\n");
  assert_true(damage(f, 0));
  assert_string_equal(verified(f), "drafts: f draft 61616161616161616161616161616161 is not in draft_expiry at its expiry time\n"
                                   "draft_counts: f counts 5 drafts; drafts holds 1\n");
}

// A draft as issue 15 stored it (format 1: the answers in plaintext),
// expiring at `expires`, with its expiry entry and count.
bool put_plaintext_draft(Fixture& f, char id, std::int64_t expires) {
  RecordWriter w;
  w.u8(1);
  w.i64(100);
  w.i64(100);
  w.i64(expires);
  w.str16("fi");
  w.str16("contact");
  w.u32(1);
  w.str16("name");
  w.str32("Anna");
  w.u32(0);
  std::string key = keys::name_prefix("f") + id_of(id);
  std::string at;
  keys::append_i64(at, expires);
  std::string one;
  keys::append_u64(one, 1);
  auto txn = Txn::begin_write(f.store->env());
  if (!txn) return false;
  const Databases& db = f.store->db();
  return txn->put(db.drafts, key, w.take()).ok() && txn->put(db.draft_expiry, at + key, {}).ok() &&
         txn->put(db.draft_counts, keys::name_prefix("f"), one).ok() && txn->commit().ok();
}

void a_plaintext_draft_is_gone_until_purged(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  assert_true(put_plaintext_draft(f, 'a', 1000));
  assert_string_equal(read(f, "f", 'a', 500), "none");  // nobody holds a key for it
  assert_string_equal(submit(f, 'a', "k1", 500), "gone");
  assert_string_equal(list(f, "", 10), "a:0/0/0 contact");
  assert_string_equal(verified(f), "");
  assert_int_equal(purge(f, 1000, 10), 1);
  assert_int_equal(count(f, "f"), 0);
  assert_string_equal(verified(f), "");
  assert_true(put_plaintext_draft(f, 'b', 2000));
  assert_int_equal(remove(f, "f", 'b'), 1);
  assert_int_equal(count(f, "f"), 0);
}

// A store made before drafts (issue 15): the three databases dropped, the
// store closed and opened again; true if it then keeps a draft.
bool older_store_gets_the_databases(Fixture& f) {
  {
    auto txn = Txn::begin_write(f.store->env());
    if (!txn) return false;
    const Databases& db = f.store->db();
    for (Db d : {db.drafts, db.draft_expiry, db.draft_counts})
      if (mdb_drop(txn->handle(), d.dbi, 1) != 0) return false;
    if (!txn->commit()) return false;
  }
  f.store.reset();
  if (!f.open()) return false;
  return std::string_view(put(f, "f", 'a', 1000)) == "stored" && count(f, "f") == 1;
}

void an_older_store_gets_the_drafts_databases(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  assert_true(older_store_gets_the_databases(f));
  assert_string_equal(verified(f), "");
}

}  // namespace

int main() {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(put_read_replace_remove, setup, test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(expired_drafts_are_not_read_and_are_purged, setup,
                                      test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(max_drafts_refuses_a_new_one_only, setup, test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(listing_goes_in_pages, setup, test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(ids_are_named_in_hex, setup, test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(a_draft_too_odd_to_store_is_refused, setup, test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(the_final_submission_takes_its_draft, setup, test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(an_expired_or_unknown_draft_stores_nothing, setup,
                                      test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(verify_checks_the_drafts, setup, test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(an_older_store_gets_the_drafts_databases, setup, test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(a_plaintext_draft_is_gone_until_purged, setup, test::delete_fixture<Fixture>),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
