// The keys of sealed submissions (docs/sealing.md): an X25519 key pair of
// libsodium's crypto_box. The public key goes into nginx.conf (`seal FILE`);
// the secret key stays on the case workers' machines (civicctl --key).
//
// Key files, as `civicctl keygen DIR` writes them (lines starting with '#'
// are comments):
//   DIR/ID.pub     civic-seal-public-key BASE64          (mode 0644)
//   DIR/ID.secret  civic-seal-secret-key BASE64          (mode 0600)
// ID, the key id: 16 lower-case hex digits, the first 8 bytes of the
// BLAKE2b-128 hash of the public key. Every envelope names the key it was
// sealed for, so that a directory of old and new secret keys opens records
// sealed before and after a rotation.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace civic::sealing {

inline constexpr std::size_t kKeyBytes = 32;
inline constexpr std::size_t kKeyIdBytes = 8;
inline constexpr std::string_view kPublicWord = "civic-seal-public-key";
inline constexpr std::string_view kSecretWord = "civic-seal-secret-key";

struct PublicKey {
  std::array<unsigned char, kKeyBytes> bytes{};
  std::string id;  // hex
};

// A secret key and its public half. Wiped when it goes.
struct SecretKey {
  PublicKey public_key;
  std::array<unsigned char, kKeyBytes> bytes{};

  SecretKey() = default;
  SecretKey(SecretKey&& other) noexcept;
  SecretKey& operator=(SecretKey&&) = delete;
  SecretKey(const SecretKey&) = delete;
  ~SecretKey();
};

// The id of a public key: its kKeyIdBytes raw bytes, and as 16 hex digits.
std::string raw_key_id(const std::array<unsigned char, kKeyBytes>& public_key);
std::string key_id(const std::array<unsigned char, kKeyBytes>& public_key);

// A public key file's text. Refuses a secret key ("a secret key belongs on
// the case workers' machines"), anything else that is not one public key,
// and a key libsodium cannot seal for (a point of small order).
Result<PublicKey> parse_public_key(std::string_view text);
Result<SecretKey> parse_secret_key(std::string_view text);

// The same, read from `path`; errors name the file.
Result<PublicKey> read_public_key(const std::string& path);
Result<SecretKey> read_secret_key(const std::string& path);

struct KeyFiles {
  std::string id;
  std::string public_path;
  std::string secret_path;
};
// A new key pair in `dir` (made, mode 0700, if missing): ID.pub and
// ID.secret. Writes nothing over an existing file.
Result<KeyFiles> write_key_pair(const std::string& dir);

// The secret keys a case worker holds: one file, or every *.secret file of
// a directory.
class KeyRing {
 public:
  Status load(const std::string& path);
  void add(SecretKey key);
  const SecretKey* find(std::string_view id) const;
  // "1a2b3c4d5e6f7a8b, 9c0d..." (for errors)
  std::string ids() const;
  bool empty() const noexcept { return keys_.empty(); }

 private:
  std::vector<SecretKey> keys_;
};

}  // namespace civic::sealing
