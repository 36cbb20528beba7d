#include "forms/token.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sys/random.h>

#include "common/hex.hpp"

namespace civic::forms {

namespace {

constexpr unsigned char kVersion = 1;
constexpr std::size_t kNonceBytes = 16;
constexpr std::size_t kSignedBytes = 1 + 8 + kNonceBytes;
constexpr std::size_t kMacBytes = 32;
constexpr std::int64_t kClockSkew = 60;  // seconds a token may seem to come from the future
// What a MAC is for, so that no token can pass for a draft reference.
constexpr std::string_view kTokenPurpose = "civic form token";
constexpr std::string_view kDraftPurpose = "civic draft";
constexpr std::size_t kDraftIdBytes = 16;
constexpr std::size_t kDraftKeyBytes = 32;  // crypto_secretbox_KEYBYTES
constexpr std::size_t kDraftMacBytes = 16;  // 128 bits: as strong as the id is unguessable
constexpr std::size_t kDraftRefBytes = kDraftIdBytes + kDraftKeyBytes + kDraftMacBytes;

}  // namespace

DraftRef::~DraftRef() {
  // The whole buffer: a key moved out of a short string leaves its bytes behind.
  key.resize(key.capacity());
  OPENSSL_cleanse(key.data(), key.size());
}

std::string_view describe(TokenCheck check) {
  switch (check) {
    case TokenCheck::ok: return "valid";
    case TokenCheck::missing: return "no form token";
    case TokenCheck::malformed: return "malformed form token";
    case TokenCheck::bad_signature: return "form token with a wrong signature";
    case TokenCheck::too_fast: return "form sent faster than the minimum fill time";
    case TokenCheck::expired: return "form token expired";
  }
  return "?";
}

std::string base64url_encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (char& c : out) {
    if (c == '+') c = '-';
    else if (c == '/') c = '_';
  }
  return out;
}

bool base64url_decode(std::string_view text, std::string& out) {
  if (text.size() % 4 == 1 || text.size() > 4096) return false;
  std::string b64(text);
  for (char& c : b64) {
    if (c == '-') c = '+';
    else if (c == '_') c = '/';
    else if (c == '+' || c == '/' || c == '=') return false;
  }
  std::size_t pad = (4 - b64.size() % 4) % 4;
  b64.append(pad, '=');
  out.assign(b64.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(b64.data()), static_cast<int>(b64.size()));
  if (n < 0 || static_cast<std::size_t>(n) < pad) return false;
  out.resize(static_cast<std::size_t>(n) - pad);
  return true;
}

std::string TokenSigner::mac(std::string_view purpose, std::string_view form, std::string_view signed_bytes) const {
  std::string message(purpose);
  message.push_back('\n');
  message += form;
  message.push_back('\n');
  message += signed_bytes;
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()),
           reinterpret_cast<const unsigned char*>(message.data()), message.size(), out, &len) == nullptr)
    len = 0;
  // A draft reference's signed bytes hold its key: no copy of it is left behind.
  OPENSSL_cleanse(message.data(), message.size());
  return std::string(reinterpret_cast<const char*>(out), len);
}

std::string TokenSigner::issue_with_nonce(std::string_view form, std::int64_t now, std::string_view nonce) const {
  std::string bytes;
  bytes.push_back(static_cast<char>(kVersion));
  auto issued = static_cast<std::uint64_t>(now);
  for (int shift = 56; shift >= 0; shift -= 8) bytes.push_back(static_cast<char>((issued >> shift) & 0xff));
  bytes.append(nonce.substr(0, kNonceBytes));
  bytes.resize(kSignedBytes, '\0');
  std::string m = mac(kTokenPurpose, form, bytes);
  if (m.size() != kMacBytes) return {};
  return base64url_encode(bytes + m);
}

std::string TokenSigner::issue(std::string_view form, std::int64_t now) const {
  char nonce[kNonceBytes];
  if (::getrandom(nonce, sizeof nonce, 0) != static_cast<ssize_t>(sizeof nonce)) return {};
  return issue_with_nonce(form, now, std::string_view(nonce, sizeof nonce));
}

VerifiedToken TokenSigner::verify(std::string_view token, std::string_view form, std::int64_t now,
                                  std::int64_t min_fill_seconds, std::int64_t lifetime_seconds) const {
  VerifiedToken v;
  if (token.empty()) return v;
  std::string bytes;
  if (!base64url_decode(token, bytes) || bytes.size() != kSignedBytes + kMacBytes ||
      static_cast<unsigned char>(bytes[0]) != kVersion) {
    v.result = TokenCheck::malformed;
    return v;
  }
  std::string_view signed_part = std::string_view(bytes).substr(0, kSignedBytes);
  std::string expected = mac(kTokenPurpose, form, signed_part);
  if (expected.size() != kMacBytes || CRYPTO_memcmp(expected.data(), bytes.data() + kSignedBytes, kMacBytes) != 0) {
    v.result = TokenCheck::bad_signature;
    return v;
  }
  std::uint64_t issued_u = 0;
  for (std::size_t i = 1; i <= 8; ++i) issued_u = (issued_u << 8) | static_cast<unsigned char>(bytes[i]);
  auto issued = static_cast<std::int64_t>(issued_u);
  v.nonce = to_hex(signed_part.substr(9, kNonceBytes));
  if (issued > now + kClockSkew) v.result = TokenCheck::malformed;
  else if (now - issued < min_fill_seconds) v.result = TokenCheck::too_fast;
  else if (now - issued > lifetime_seconds) v.result = TokenCheck::expired;
  else v.result = TokenCheck::ok;
  return v;
}

std::string TokenSigner::draft_ref(std::string_view form, std::string_view id, std::string_view key) const {
  if (id.size() != kDraftIdBytes || key.size() != kDraftKeyBytes) return {};
  std::string signed_bytes = std::string(id) + std::string(key);
  std::string m = mac(kDraftPurpose, form, signed_bytes);
  if (m.size() < kDraftMacBytes) return {};
  std::string ref = base64url_encode(signed_bytes + m.substr(0, kDraftMacBytes));
  OPENSSL_cleanse(signed_bytes.data(), signed_bytes.size());
  return ref;
}

std::optional<DraftRef> TokenSigner::draft_id(std::string_view ref, std::string_view form) const {
  std::string bytes;
  if (ref.size() > 128 || !base64url_decode(ref, bytes) || bytes.size() != kDraftRefBytes) return std::nullopt;
  std::string_view signed_bytes = std::string_view(bytes).substr(0, kDraftIdBytes + kDraftKeyBytes);
  std::string expected = mac(kDraftPurpose, form, signed_bytes);
  if (expected.size() < kDraftMacBytes ||
      CRYPTO_memcmp(expected.data(), bytes.data() + signed_bytes.size(), kDraftMacBytes) != 0)
    return std::nullopt;
  DraftRef named{bytes.substr(0, kDraftIdBytes), bytes.substr(kDraftIdBytes, kDraftKeyBytes)};
  OPENSSL_cleanse(bytes.data(), bytes.size());
  return named;
}

std::string TokenSigner::new_draft_id() {
  char id[kDraftIdBytes];
  if (::getrandom(id, sizeof id, 0) != static_cast<ssize_t>(sizeof id)) return {};
  return std::string(id, sizeof id);
}

std::string TokenSigner::new_draft_key() {
  char key[kDraftKeyBytes];
  if (::getrandom(key, sizeof key, 0) != static_cast<ssize_t>(sizeof key)) return {};
  std::string out(key, sizeof key);
  OPENSSL_cleanse(key, sizeof key);
  return out;
}

}  // namespace civic::forms
