// A draft's answers sealed at rest (sealing/draft_box.hpp): they come back
// byte for byte with the key they were sealed with, never with another key
// or from a box with one byte changed, and each write has a fresh nonce.
#include <string>

#include "sealing/draft_box.hpp"
#include "sealing/sodium_text.hpp"
#include "tests/support/cmocka.hpp"  // last

using namespace civic::sealing;

namespace {

const std::string kKey(kDraftKeyBytes, 'k');

// Every byte value, twice: a file no text encoding would survive.
std::string binary_content() {
  std::string s;
  for (int round = 0; round < 2; ++round)
    for (int b = 0; b < 256; ++b) s.push_back(static_cast<char>(b));
  return s;
}

DraftAnswers sample() {
  DraftAnswers a;
  a.values = {{"name", "Anna Ä"}, {"empty", ""}, {"text", std::string("line\0two\r\n", 10)}, {"name", "second"}};
  a.files = {{"photo", "kuva.jpg", "image/jpeg", binary_content()}, {"doc", "", "", ""}};
  return a;
}

std::string sealed_sample() {
  auto box = seal_draft(sample(), kKey);
  return box ? *box : std::string();
}

// Whether `box` opens with `key` to exactly sample().
bool opens_to_sample(const std::string& box, const std::string& key) {
  auto back = open_draft(box, key);
  if (!back) return false;
  DraftAnswers want = sample();
  if (back->values != want.values || back->files.size() != want.files.size()) return false;
  for (std::size_t i = 0; i < want.files.size(); ++i) {
    const DraftFile &g = back->files[i], &w = want.files[i];
    if (g.field != w.field || g.filename != w.filename || g.media_type != w.media_type || g.content != w.content)
      return false;
  }
  return true;
}

// The error message of opening `box` with `key`, or "opened".
std::string open_error(const std::string& box, const std::string& key) {
  auto back = open_draft(box, key);
  return back ? "opened" : back.error().message();
}

void round_trip_byte_for_byte(void**) {
  std::string box = sealed_sample();
  assert_true(box.size() > 512);
  assert_true(opens_to_sample(box, kKey));
}

bool no_answers_round_trip() {
  auto box = seal_draft(DraftAnswers{}, kKey);
  if (!box) return false;
  auto back = open_draft(*box, kKey);
  return back && back->values.empty() && back->files.empty();
}

void an_empty_draft_round_trips(void**) { assert_true(no_answers_round_trip()); }

// The plaintext is nowhere in the box.
bool box_hides(const std::string& needle) { return sealed_sample().find(needle) == std::string::npos; }

void the_box_shows_no_answer(void**) {
  assert_true(box_hides("Anna"));
  assert_true(box_hides("kuva.jpg"));
  assert_true(box_hides("image/jpeg"));
  assert_true(box_hides("photo"));
}

void a_wrong_key_is_refused(void**) {
  std::string box = sealed_sample();
  std::string other = kKey;
  other[31] = 'x';
  assert_false(opens_to_sample(box, other));
  assert_true(open_error(box, other).find("does not open") != std::string::npos);
  assert_true(open_error(box, "short").find("not 32 bytes") != std::string::npos);
}

// Opening after byte `at` was flipped: false when it was refused.
bool opens_with_flip(std::size_t at) {
  std::string box = sealed_sample();
  box[at] = static_cast<char>(box[at] ^ 0x01);
  return open_draft(box, kKey).ok();
}

void one_flipped_byte_is_refused(void**) {
  std::size_t n = sealed_sample().size();
  assert_false(opens_with_flip(0));       // version
  assert_false(opens_with_flip(5));       // nonce
  assert_false(opens_with_flip(30));      // MAC
  assert_false(opens_with_flip(n / 2));   // answers
  assert_false(opens_with_flip(n - 1));
  assert_true(open_error(sealed_sample().substr(0, 20), kKey).find("not an encrypted draft") != std::string::npos);
  assert_string_equal(open_error("", kKey).c_str(), open_error(std::string(1, '\x01'), kKey).c_str());
}

void every_write_has_a_fresh_nonce(void**) {
  std::string a = sealed_sample(), b = sealed_sample();
  assert_int_equal(a.size(), b.size());
  assert_true(a.substr(1, 24) != b.substr(1, 24));
  assert_true(a != b);
  assert_true(opens_to_sample(b, kKey));
}

std::size_t sample_size() { return sample().size(); }

void size_counts_names_and_contents(void**) {
  // name+"Anna Ä"(7) empty text+10 name+second; photo kuva.jpg image/jpeg 512; doc
  assert_int_equal(sample_size(), 4 + 7 + 5 + 4 + 10 + 4 + 6 + 5 + 8 + 10 + 512 + 3);
}

std::string wiped(std::string s) {
  wipe(s);
  return s.empty() && s.capacity() > 0 ? "empty" : "kept";
}

void wipe_empties(void**) { assert_string_equal(wiped(std::string(100, 's')).c_str(), "empty"); }

}  // namespace

int main() {
  const CMUnitTest tests[] = {
      cmocka_unit_test(round_trip_byte_for_byte),       cmocka_unit_test(an_empty_draft_round_trips),
      cmocka_unit_test(the_box_shows_no_answer),        cmocka_unit_test(a_wrong_key_is_refused),
      cmocka_unit_test(one_flipped_byte_is_refused),    cmocka_unit_test(every_write_has_a_fresh_nonce),
      cmocka_unit_test(size_counts_names_and_contents), cmocka_unit_test(wipe_empties),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
