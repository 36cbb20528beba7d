// The webhook secret file and the Standard Webhooks signature, checked
// against the specification's published example (standard-webhooks
// libraries' signing test: secret, msg id, timestamp, payload, signature).
#include <cstdio>
#include <string>

#include "delivery/webhook_secret.hpp"
#include "delivery/webhook_signature.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/cmocka.hpp"  // last

using namespace civic::delivery;

namespace {

constexpr const char* kExampleSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
constexpr const char* kExampleId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
constexpr long long kExampleTimestamp = 1614265330;
constexpr const char* kExamplePayload = "{\"test\": 2432232314}";
constexpr const char* kExampleSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

struct Dir {
  std::string path;
};

int make_dir(void** state) {
  *state = new Dir{civic::test::make_temp_dir()};
  return 0;
}

int remove_dir(void** state) {
  auto* dir = static_cast<Dir*>(*state);
  civic::test::remove_dir(dir->path);
  delete dir;
  return 0;
}

std::string write_file(void** state, const std::string& name, const std::string& text) {
  std::string path = static_cast<Dir*>(*state)->path + "/" + name;
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr || std::fwrite(text.data(), 1, text.size(), f) != text.size() || std::fclose(f) != 0) std::abort();
  return path;
}

// What read_webhook_secret says, as one text: "key:<bytes>" or "error:<message>".
std::string read_secret(const std::string& path) {
  auto key = read_webhook_secret(path);
  if (!key) return "error:" + key.error().message();
  return "key:" + *key;
}

bool contains(const std::string& text, const char* part) { return text.find(part) != std::string::npos; }

void signs_the_specifications_example(void** state) {
  std::string path = write_file(state, "example.whsec", std::string(kExampleSecret) + "\n");
  auto key = read_webhook_secret(path);
  assert_true(key.ok());
  assert_int_equal(key->size(), 24);
  std::string signature = webhook_signature(*key, kExampleId, kExampleTimestamp, kExamplePayload);
  assert_string_equal(signature.c_str(), kExampleSignature);
  // Another body, id or time gives another signature.
  assert_string_not_equal(webhook_signature(*key, kExampleId, kExampleTimestamp + 1, kExamplePayload).c_str(),
                          kExampleSignature);
  assert_string_not_equal(webhook_signature(*key, "msg_other", kExampleTimestamp, kExamplePayload).c_str(),
                          kExampleSignature);
  assert_string_not_equal(webhook_signature(*key, kExampleId, kExampleTimestamp, "{\"test\": 2432232315}").c_str(),
                          kExampleSignature);
}

void headers_are_the_standard_three(void** state) {
  std::string path = write_file(state, "example.whsec", kExampleSecret);
  auto key = read_webhook_secret(path);
  assert_true(key.ok());
  auto headers = standard_webhook_headers(*key, kExampleId, kExampleTimestamp, kExamplePayload);
  assert_int_equal(headers.size(), 3);
  assert_string_equal(headers[0].first.c_str(), "webhook-id");
  assert_string_equal(headers[0].second.c_str(), kExampleId);
  assert_string_equal(headers[1].first.c_str(), "webhook-timestamp");
  assert_string_equal(headers[1].second.c_str(), "1614265330");
  assert_string_equal(headers[2].first.c_str(), "webhook-signature");
  assert_string_equal(headers[2].second.c_str(), kExampleSignature);
}

void trailing_white_space_is_allowed(void** state) {
  std::string with_crlf = read_secret(write_file(state, "a", std::string(kExampleSecret) + " \r\n\n"));
  std::string bare = read_secret(write_file(state, "b", kExampleSecret));
  assert_true(with_crlf.starts_with("key:"));
  assert_string_equal(with_crlf.c_str(), bare.c_str());
}

void refuses_what_is_not_a_secret(void** state) {
  std::string dir = static_cast<Dir*>(*state)->path;
  std::string missing = read_secret(dir + "/none.whsec");
  assert_true(contains(missing, "read webhook secret"));
  assert_true(contains(missing, "none.whsec"));
  assert_true(contains(missing, "No such file or directory"));

  std::string no_prefix = read_secret(write_file(state, "p", "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n"));
  assert_true(contains(no_prefix, "does not start with \"whsec_\""));

  std::string not_base64 = read_secret(write_file(state, "b", "whsec_MfKQ9r8GKYqrTwjUPD8I*PZIo2LaLaSw\n"));
  assert_true(contains(not_base64, "is not base64"));

  std::string inner_space = read_secret(write_file(state, "s", "whsec_MfKQ9r8GKYqr TwjUPD8ILPZIo2LaLaSw\n"));
  assert_true(contains(inner_space, "is not base64"));

  // 16 bytes: below the specification's 24.
  std::string short_key = read_secret(write_file(state, "short", "whsec_AAAAAAAAAAAAAAAAAAAAAA==\n"));
  assert_true(contains(short_key, "the key is 16 bytes long"));
  // 66 bytes: above its 64.
  std::string long_key = read_secret(write_file(state, "long", "whsec_" + std::string(88, 'A') + "\n"));
  assert_true(contains(long_key, "the key is 66 bytes long"));

  std::string empty = read_secret(write_file(state, "e", ""));
  assert_true(contains(empty, "does not start with \"whsec_\""));
}

void a_new_secret_reads_back_as_32_bytes(void** state) {
  auto made = make_webhook_secret();
  assert_true(made.ok());
  assert_true(made->starts_with("whsec_"));
  std::string key = read_secret(write_file(state, "new.whsec", *made + "\n"));
  assert_true(key.starts_with("key:"));
  assert_int_equal(key.size(), 4 + 32);
  auto other = make_webhook_secret();
  assert_true(other.ok());
  assert_string_not_equal(other->c_str(), made->c_str());
}

}  // namespace

int main() {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(signs_the_specifications_example, make_dir, remove_dir),
      cmocka_unit_test_setup_teardown(headers_are_the_standard_three, make_dir, remove_dir),
      cmocka_unit_test_setup_teardown(trailing_white_space_is_allowed, make_dir, remove_dir),
      cmocka_unit_test_setup_teardown(refuses_what_is_not_a_secret, make_dir, remove_dir),
      cmocka_unit_test_setup_teardown(a_new_secret_reads_back_as_32_bytes, make_dir, remove_dir),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
