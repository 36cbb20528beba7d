#include "sealing/envelope.hpp"

#include <sodium.h>

#include "common/hex.hpp"
#include "sealing/sodium_text.hpp"

namespace civic::sealing {

namespace {
constexpr const char* kOpen = "open sealed data";
}

std::size_t envelope_overhead() { return kEnvelopeHeaderBytes + crypto_box_SEALBYTES; }

Result<std::string> seal(std::string_view plaintext, const PublicKey& key) {
  if (!sodium_ready()) return Error(Error::kInvalid, "seal", "libsodium cannot start");
  std::string out(kEnvelopeHeaderBytes + crypto_box_SEALBYTES + plaintext.size(), '\0');
  out.replace(0, kEnvelopeMagic.size(), kEnvelopeMagic);
  out[kEnvelopeMagic.size()] = static_cast<char>(kEnvelopeVersion);
  out.replace(kEnvelopeMagic.size() + 1, kKeyIdBytes, raw_key_id(key.bytes));
  auto* box = reinterpret_cast<unsigned char*>(out.data() + kEnvelopeHeaderBytes);
  if (crypto_box_seal(box, reinterpret_cast<const unsigned char*>(plaintext.data()), plaintext.size(),
                      key.bytes.data()) != 0) {
    return Error(Error::kInvalid, "seal", "libsodium cannot seal for key " + key.id);
  }
  return out;
}

std::optional<std::string> envelope_key_id(std::string_view bytes) {
  if (bytes.size() < kEnvelopeHeaderBytes + crypto_box_SEALBYTES) return std::nullopt;
  if (bytes.substr(0, kEnvelopeMagic.size()) != kEnvelopeMagic) return std::nullopt;
  if (static_cast<unsigned char>(bytes[kEnvelopeMagic.size()]) != kEnvelopeVersion) return std::nullopt;
  return to_hex(bytes.substr(kEnvelopeMagic.size() + 1, kKeyIdBytes));
}

Result<std::string> open(std::string_view envelope, const KeyRing& keys) {
  auto id = envelope_key_id(envelope);
  if (!id) return Error(Error::kInvalid, kOpen, "this is not a civic sealed envelope");
  const SecretKey* key = keys.find(*id);
  if (key == nullptr) {
    return Error(Error::kInvalid, kOpen,
                 "sealed for key " + *id + ", and the secret keys given are " +
                     (keys.empty() ? std::string("none") : keys.ids()) + " (a key directory holds each ID.secret)");
  }
  if (!sodium_ready()) return Error(Error::kInvalid, kOpen, "libsodium cannot start");
  std::string_view box = envelope.substr(kEnvelopeHeaderBytes);
  std::string plaintext(box.size() - crypto_box_SEALBYTES, '\0');
  if (crypto_box_seal_open(reinterpret_cast<unsigned char*>(plaintext.data()),
                           reinterpret_cast<const unsigned char*>(box.data()), box.size(),
                           key->public_key.bytes.data(), key->bytes.data()) != 0) {
    return Error(Error::kInvalid, kOpen, "the envelope does not open with key " + *id + ": its bytes are damaged");
  }
  return plaintext;
}

}  // namespace civic::sealing
