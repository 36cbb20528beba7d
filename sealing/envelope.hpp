// The sealed envelope: what a sealed form's answers and each of its files
// become before they are stored (docs/sealing.md "The envelope"):
//
//   "CVSL"  version (1 byte, 1)  key id (8 bytes)  crypto_box_seal(plaintext)
//
// crypto_box_seal is libsodium's anonymous sealed box: an ephemeral X25519
// key pair per envelope, XSalsa20-Poly1305; only the holder of the secret
// key opens it, and the sealer (nginx) cannot open it again. The key id
// (sealing/seal_keys.hpp) says which secret key opens it.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "sealing/seal_keys.hpp"

namespace civic::sealing {

inline constexpr std::string_view kEnvelopeMagic = "CVSL";
inline constexpr unsigned char kEnvelopeVersion = 1;
inline constexpr std::size_t kEnvelopeHeaderBytes = 4 + 1 + kKeyIdBytes;
// Bytes an envelope adds to its plaintext.
std::size_t envelope_overhead();

// `plaintext` sealed for `key`. Fails only if libsodium cannot start.
Result<std::string> seal(std::string_view plaintext, const PublicKey& key);

// The key id an envelope names; null if `bytes` is not an envelope (no
// magic, another version, shorter than an empty plaintext's envelope).
std::optional<std::string> envelope_key_id(std::string_view bytes);

// The plaintext, with the secret key the envelope names. Errors say what
// a case worker can act on: not an envelope; sealed for a key the ring
// does not hold (naming both); does not open (damaged).
Result<std::string> open(std::string_view envelope, const KeyRing& keys);

}  // namespace civic::sealing
