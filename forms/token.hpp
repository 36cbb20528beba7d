// The signed token every form page carries (hidden field "_token"): when it
// was issued, a random nonce, and an HMAC-SHA256 over both and the form's
// name, keyed with the secret kept in the store. It proves that a post comes
// from a page this server made, lets a minimum fill time and an expiry be
// enforced, and its nonce makes a repeated post recognizable.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace civic::forms {

enum class TokenCheck { ok, missing, malformed, bad_signature, too_fast, expired };

std::string_view describe(TokenCheck check);

struct VerifiedToken {
  TokenCheck result = TokenCheck::missing;
  std::string nonce;  // hex; the key that recognizes a repeat
};

// What a draft's reference names: the draft, and the key of its answers.
struct DraftRef {
  std::string id;   // 16 bytes
  std::string key;  // 32 bytes; never stored, never logged
  ~DraftRef();      // wipes the key
};

class TokenSigner {
 public:
  // `secret`: at least 32 random bytes.
  explicit TokenSigner(std::string secret) : secret_(std::move(secret)) {}

  // A new token for `form`, issued at `now` (seconds since the epoch).
  std::string issue(std::string_view form, std::int64_t now) const;
  // With a given nonce (16 bytes), for tests.
  std::string issue_with_nonce(std::string_view form, std::int64_t now, std::string_view nonce) const;

  VerifiedToken verify(std::string_view token, std::string_view form, std::int64_t now, std::int64_t min_fill_seconds,
                       std::int64_t lifetime_seconds) const;

  // A draft's reference (a multi-step form's unfinished answers): its id
  // (16 random bytes), the key its answers are encrypted with (32 random
  // bytes, sealing/draft_box.hpp) and a MAC binding both to `form`,
  // base64url (86 characters); what the citizen's cookie, page and resume
  // link carry. The key is in no other place: whoever holds the reference
  // may go on with the draft, and without it nobody can read it.
  std::string draft_ref(std::string_view form, std::string_view id, std::string_view key) const;
  // The id and key a reference names, if it was made by this signer for
  // `form` (a changed id or key fails the MAC before any decryption).
  std::optional<DraftRef> draft_id(std::string_view ref, std::string_view form) const;
  // 16 random bytes; empty if the system has no randomness to give.
  static std::string new_draft_id();
  // 32 random bytes (a draft's key); empty likewise.
  static std::string new_draft_key();

 private:
  std::string mac(std::string_view purpose, std::string_view form, std::string_view signed_bytes) const;
  std::string secret_;
};

// Base64url without padding (RFC 4648 §5).
std::string base64url_encode(std::string_view bytes);
bool base64url_decode(std::string_view text, std::string& out);

}  // namespace civic::forms
