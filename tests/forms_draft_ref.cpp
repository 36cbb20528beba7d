// The reference that names a multi-step form's draft (in the page, the
// cookie and the resume link): it names the id and the key of its answers it
// was made for, only for the form and the secret it was made with, and a
// changed byte (in the id, the key or the MAC) makes it name nothing. And
// the cookie that carries it.
#include <string>

#include "forms/service/journey.hpp"
#include "forms/token.hpp"
#include "tests/support/cmocka.hpp"  // last

using namespace civic::forms;

namespace {

const std::string kId = "0123456789abcdef";                  // 16 bytes
const std::string kBoxKey = "KEY-0123456789abcdef0123456789ab";  // 32 bytes

// What `ref` names for `form` with the signer keyed `key`: "id/key", or "-".
std::string named(const std::string& key, const std::string& ref, const char* form) {
  auto r = TokenSigner(key).draft_id(ref, form);
  return r ? r->id + "/" + r->key : "-";
}

std::string ref_of(const char* form) { return TokenSigner(std::string(32, 'k')).draft_ref(form, kId, kBoxKey); }

void a_reference_names_its_draft_and_key(void**) {
  std::string ref = ref_of("permit");
  assert_int_equal(ref.size(), 86);  // 64 bytes in base64url without padding
  assert_string_equal(named(std::string(32, 'k'), ref, "permit").c_str(), (kId + "/" + kBoxKey).c_str());
  // The key is not readable as such in the reference's text either.
  assert_true(ref.find("KEY") == std::string::npos);
}

// A reference with the bytes of its `part` (0 id, 1 key, 2 MAC) changed,
// signed by nobody: what it names.
std::string tampered(int part) {
  std::string ref = ref_of("permit");
  std::string bytes;
  if (!base64url_decode(ref, bytes) || bytes.size() != 64) return "undecodable";
  std::size_t at = part == 0 ? 3 : part == 1 ? 16 + 20 : 48 + 5;
  bytes[at] = static_cast<char>(bytes[at] ^ 0x20);
  return named(std::string(32, 'k'), base64url_encode(bytes), "permit");
}

void a_changed_id_or_key_is_refused(void**) {
  assert_string_equal(tampered(0).c_str(), "-");
  assert_string_equal(tampered(1).c_str(), "-");
  assert_string_equal(tampered(2).c_str(), "-");
}

// A reference for an id or key of the wrong size is not made.
bool odd_sizes_make_nothing() {
  TokenSigner signer(std::string(32, 'k'));
  return signer.draft_ref("permit", "short", kBoxKey).empty() && signer.draft_ref("permit", kId, "short").empty();
}

void odd_sizes_are_not_signed(void**) { assert_true(odd_sizes_make_nothing()); }

void only_for_its_form_and_secret(void**) {
  std::string ref = ref_of("permit");
  assert_string_equal(named(std::string(32, 'k'), ref, "feedback").c_str(), "-");
  assert_string_equal(named(std::string(32, 'x'), ref, "permit").c_str(), "-");
}

void a_changed_reference_names_nothing(void**) {
  std::string ref = ref_of("permit");
  std::string changed = ref;
  changed[3] = changed[3] == 'A' ? 'B' : 'A';
  assert_string_equal(named(std::string(32, 'k'), changed, "permit").c_str(), "-");
  assert_string_equal(named(std::string(32, 'k'), ref.substr(0, 85), "permit").c_str(), "-");
  assert_string_equal(named(std::string(32, 'k'), "", "permit").c_str(), "-");
  assert_string_equal(named(std::string(32, 'k'), std::string(5000, 'A'), "permit").c_str(), "-");
  assert_string_equal(named(std::string(32, 'k'), "not base64 !", "permit").c_str(), "-");
}

void a_form_token_is_no_reference(void**) {
  TokenSigner signer(std::string(32, 'k'));
  std::string token = signer.issue("permit", 1000);
  assert_string_equal(named(std::string(32, 'k'), token, "permit").c_str(), "-");
}

void new_ids_are_random(void**) {
  std::string a = TokenSigner::new_draft_id(), b = TokenSigner::new_draft_id();
  assert_int_equal(a.size(), 16);
  assert_string_not_equal(a.c_str(), b.c_str());
  std::string k = TokenSigner::new_draft_key(), l = TokenSigner::new_draft_key();
  assert_int_equal(k.size(), 32);
  assert_true(k != l);
}

void the_cookie(void**) {
  assert_string_equal(draft_cookie("REF", "/forms/permit", false).c_str(),
                      "civic_draft=REF; Path=/forms/permit; HttpOnly; SameSite=Lax");
  assert_string_equal(draft_cookie("REF", "/forms/permit", true).c_str(),
                      "civic_draft=REF; Path=/forms/permit; HttpOnly; SameSite=Lax; Secure");
  assert_string_equal(cleared_draft_cookie("/forms/permit", false).c_str(),
                      "civic_draft=; Path=/forms/permit; Max-Age=0; HttpOnly; SameSite=Lax");
  assert_string_equal(std::string(cookie_value("a=1; civic_draft=XYZ; b=2", "civic_draft")).c_str(), "XYZ");
  assert_string_equal(std::string(cookie_value("civic_draft=XYZ", "civic_draft")).c_str(), "XYZ");
  assert_string_equal(std::string(cookie_value("my_civic_draft=no; civic_draftx=no", "civic_draft")).c_str(), "");
  assert_string_equal(std::string(cookie_value("", "civic_draft")).c_str(), "");
}

}  // namespace

int main() {
  const CMUnitTest tests[] = {
      cmocka_unit_test(a_reference_names_its_draft_and_key), cmocka_unit_test(a_changed_id_or_key_is_refused),
      cmocka_unit_test(odd_sizes_are_not_signed),        cmocka_unit_test(only_for_its_form_and_secret),
      cmocka_unit_test(a_changed_reference_names_nothing), cmocka_unit_test(a_form_token_is_no_reference),
      cmocka_unit_test(new_ids_are_random), cmocka_unit_test(the_cookie),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
