// Sealing (sealing/): key files as civicctl keygen writes them, the
// envelope's bytes, opening with the right, wrong and no key, damage, and a
// sealed record opened into exactly the record an unsealed form stores.
#include <sys/stat.h>

#include <cstdio>
#include <string>

#include <sodium.h>

#include "sealing/envelope.hpp"
#include "sealing/seal_keys.hpp"
#include "sealing/sealed_record.hpp"
#include "sealing/sodium_text.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/cmocka.hpp"  // last

using namespace civic::sealing;

namespace {

// Fixture: a directory with one key pair in it.
struct Keys {
  std::string dir;
  KeyFiles files;
};

int make_keys(void** state) {
  auto* k = new Keys{civic::test::make_temp_dir(), {}};
  auto files = write_key_pair(k->dir);
  if (!files) return -1;
  k->files = *files;
  *state = k;
  return 0;
}

int remove_keys(void** state) {
  auto* k = static_cast<Keys*>(*state);
  civic::test::remove_dir(k->dir);
  delete k;
  return 0;
}

Keys& keys(void** state) { return *static_cast<Keys*>(*state); }

std::string read(const std::string& path) {
  std::string out;
  if (std::FILE* f = std::fopen(path.c_str(), "rb")) {
    char buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) out.append(buf, n);
    std::fclose(f);
  }
  return out;
}

unsigned mode_of(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? st.st_mode & 07777 : 0;
}

// What the checks below compare, as plain values.
bool contains(const std::string& text, const char* part) { return text.find(part) != std::string::npos; }

// Seals `plain` for the fixture's key, opens it with its secret key;
// true if the round trip gives `plain` back and the envelope has the
// documented header and size.
bool round_trip(void** state, const std::string& plain) {
  auto pub = read_public_key(keys(state).files.public_path);
  if (!pub) return false;
  auto envelope = seal(plain, *pub);
  if (!envelope) return false;
  if (envelope->size() != plain.size() + envelope_overhead()) return false;
  if (envelope->compare(0, 4, "CVSL") != 0 || static_cast<unsigned char>((*envelope)[4]) != 1) return false;
  if (envelope_key_id(*envelope) != pub->id) return false;
  if (envelope->find(plain) != std::string::npos && !plain.empty()) return false;
  KeyRing ring;
  if (!ring.load(keys(state).files.secret_path)) return false;
  auto opened = open(*envelope, ring);
  return opened && *opened == plain;
}

void keygen_writes_a_pair_named_by_its_id(void** state) {
  const KeyFiles& f = keys(state).files;
  assert_int_equal(f.id.size(), 16);
  assert_true(f.public_path == keys(state).dir + "/" + f.id + ".pub");
  assert_true(f.secret_path == keys(state).dir + "/" + f.id + ".secret");
  assert_int_equal(mode_of(f.secret_path), 0600);
  assert_int_equal(mode_of(f.public_path), 0644);
  assert_true(contains(read(f.public_path), "\ncivic-seal-public-key "));
  assert_true(contains(read(f.secret_path), "\ncivic-seal-secret-key "));
  auto pub = read_public_key(f.public_path);
  auto secret = read_secret_key(f.secret_path);
  assert_true(pub.ok() && secret.ok());
  assert_true(pub->id == f.id);
  assert_true(secret->public_key.id == f.id);
  assert_memory_equal(secret->public_key.bytes.data(), pub->bytes.data(), kKeyBytes);
  // Never over an existing pair: a second pair has another id.
  auto second = write_key_pair(keys(state).dir);
  assert_true(second.ok() && second->id != f.id);
}

void a_secret_key_is_refused_where_a_public_one_belongs(void** state) {
  auto refused = read_public_key(keys(state).files.secret_path);
  assert_false(refused.ok());
  assert_true(contains(refused.error().message(), "this is a SECRET key: give the .pub file here"));
  assert_true(contains(refused.error().message(), keys(state).files.secret_path.c_str()));
  auto other = read_secret_key(keys(state).files.public_path);
  assert_false(other.ok());
  assert_true(contains(other.error().message(), "this is a public key"));
}

void malformed_keys_are_refused(void**) {
  assert_true(contains(parse_public_key("").error().message(), "not a civic key file"));
  assert_true(contains(parse_public_key("ssh-ed25519 AAAA").error().message(), "not a civic key file"));
  assert_true(contains(parse_public_key("civic-seal-public-key !!!").error().message(), "not 32 bytes of base64"));
  assert_true(contains(parse_public_key("civic-seal-public-key QUJD").error().message(), "not 32 bytes of base64"));
  // Two key lines: which one was meant?
  assert_false(parse_public_key("civic-seal-public-key " + to_base64(std::string(32, 'a')) + "\ncivic-seal-public-key " +
                                to_base64(std::string(32, 'b')))
                   .ok());
  // The all-zero point: libsodium will not seal for it.
  assert_true(contains(parse_public_key("civic-seal-public-key " + to_base64(std::string(32, '\0'))).error().message(),
                       "cannot seal for this key"));
  // Comments and a CR LF line end are fine.
  assert_true(parse_public_key("# a comment\r\ncivic-seal-public-key " + to_base64(std::string(32, 'a')) + "\r\n").ok());
}

void envelopes_round_trip(void** state) {
  assert_true(round_trip(state, ""));
  assert_true(round_trip(state, "{\"name\":\"Maija Meik\\u00e4l\\u00e4inen\",\"hetu\":\"131052-308T\"}"));
  std::string binary(100000, '\0');
  for (std::size_t i = 0; i < binary.size(); ++i) binary[i] = static_cast<char>(i * 7 + 3);
  assert_true(round_trip(state, binary));
}

void two_envelopes_of_the_same_text_differ(void** state) {
  auto pub = read_public_key(keys(state).files.public_path);
  assert_true(pub.ok());
  auto a = seal("sama", *pub);
  auto b = seal("sama", *pub);
  assert_true(a.ok() && b.ok());
  assert_true(*a != *b);  // an ephemeral key per envelope
}

void the_wrong_key_or_damage_is_a_clear_error(void** state) {
  auto pub = read_public_key(keys(state).files.public_path);
  assert_true(pub.ok());
  auto envelope = seal("salaisuus", *pub);
  assert_true(envelope.ok());
  KeyRing none;
  auto no_key = open(*envelope, none);
  assert_false(no_key.ok());
  assert_true(contains(no_key.error().message(), ("sealed for key " + pub->id + ", and the secret keys given are none").c_str()));
  KeyRing other;
  auto other_files = write_key_pair(keys(state).dir + "/other");
  assert_true(other_files.ok());
  assert_true(other.load(other_files->secret_path).ok());
  auto wrong = open(*envelope, other);
  assert_false(wrong.ok());
  assert_true(contains(wrong.error().message(), ("the secret keys given are " + other_files->id).c_str()));
  KeyRing right;
  assert_true(right.load(keys(state).dir).ok());  // the directory: its one *.secret
  std::string damaged = *envelope;
  damaged[damaged.size() - 1] ^= 1;
  auto broken = open(damaged, right);
  assert_false(broken.ok());
  assert_true(contains(broken.error().message(), "its bytes are damaged"));
  auto not_one = open("plain text, not sealed at all, long enough to be read", right);
  assert_false(not_one.ok());
  assert_true(contains(not_one.error().message(), "not a civic sealed envelope"));
  assert_false(envelope_key_id(envelope->substr(0, 20)).has_value());
  std::string version2 = *envelope;
  version2[4] = 2;
  assert_false(envelope_key_id(version2).has_value());
}

// A sealed record, as storage writes it, opened: the unsealed record byte for byte.
bool opens_into_the_unsealed_record(void** state) {
  auto pub = read_public_key(keys(state).files.public_path);
  if (!pub) return false;
  const std::string data = "{\"name\":\"Maija\",\"tags\":[\"a\",\"b\"],\"ok\":true,\"liite\":[{\"filename\":\"k.png\","
                           "\"content_type\":\"image/png\",\"size\":3}]}";
  const std::string head = "{\"receipt\":\"TII-2026-AB12-000001\",\"form\":\"tiivis\",\"seq\":1,"
                           "\"created_time\":\"2026-11-28T10:00:00Z\",\"language\":\"fi\",";
  SealedMember m;
  m.key_id = pub->id;
  auto envelope = seal(data, *pub);
  if (!envelope) return false;
  m.data = *envelope;
  m.files.push_back({"liite", 0, 3 + envelope_overhead()});
  std::string sealed = head + "\"sealed\":" + sealed_member_json(m) + "}";
  if (sealed.find("Maija") != std::string::npos) return false;
  auto member = sealed_member_of(sealed);
  if (!member || !member.value() || member.value()->key_id != pub->id || member.value()->files.size() != 1) return false;
  KeyRing ring;
  if (!ring.load(keys(state).files.secret_path)) return false;
  auto opened = open_record(sealed, ring);
  if (!opened || *opened != head + "\"data\":" + data + "}") return false;
  // An unsealed record passes through; a sealed one whose size lies is refused.
  auto plain = open_record(head + "\"data\":" + data + "}", ring);
  if (!plain || *plain != head + "\"data\":" + data + "}") return false;
  std::string lying = sealed;
  std::size_t at = lying.find("\"size\":") + 7;
  lying.insert(at, "1");
  return !sealed_member_of(lying).ok();
}

void a_sealed_record_opens_into_the_unsealed_one(void** state) { assert_true(opens_into_the_unsealed_record(state)); }

}  // namespace

int main() {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(keygen_writes_a_pair_named_by_its_id, make_keys, remove_keys),
      cmocka_unit_test_setup_teardown(a_secret_key_is_refused_where_a_public_one_belongs, make_keys, remove_keys),
      cmocka_unit_test(malformed_keys_are_refused),
      cmocka_unit_test_setup_teardown(envelopes_round_trip, make_keys, remove_keys),
      cmocka_unit_test_setup_teardown(two_envelopes_of_the_same_text_differ, make_keys, remove_keys),
      cmocka_unit_test_setup_teardown(the_wrong_key_or_damage_is_a_clear_error, make_keys, remove_keys),
      cmocka_unit_test_setup_teardown(a_sealed_record_opens_into_the_unsealed_one, make_keys, remove_keys),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
