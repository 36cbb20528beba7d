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
  // (16 random bytes) and a MAC binding it to `form`, base64url; what the
  // citizen's cookie, page and resume link carry. Whoever holds it may go
  // on with the draft, as with any link that is sent to one person.
  std::string draft_ref(std::string_view form, std::string_view id) const;
  // The id a reference names, if it was made by this signer for `form`.
  std::optional<std::string> draft_id(std::string_view ref, std::string_view form) const;
  // 16 random bytes; empty if the system has no randomness to give.
  static std::string new_draft_id();

 private:
  std::string mac(std::string_view purpose, std::string_view form, std::string_view signed_bytes) const;
  std::string secret_;
};

// Base64url without padding (RFC 4648 §5).
std::string base64url_encode(std::string_view bytes);
bool base64url_decode(std::string_view text, std::string& out);

}  // namespace civic::forms
