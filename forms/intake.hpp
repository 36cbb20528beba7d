// What happens to a posted form before it is stored, in one function:
// decode the body, refuse a filled honeypot, check the form token, validate
// every field. The module only carries the result to the client (and an
// accepted submission to the store).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "forms/decode.hpp"
#include "forms/form.hpp"
#include "forms/input.hpp"
#include "forms/token.hpp"
#include "forms/validate.hpp"

namespace civic::forms {

struct IntakeRequest {
  const Form& form;
  std::string_view lang;
  const ContentType& content_type;
  std::string_view body;
  // Every Idempotency-Key header the request has (as sent, empty ones too):
  // none, or one of 1 to 255 visible ASCII characters; anything else is 400.
  std::span<const std::string> idempotency_keys;
  std::int64_t now = 0;              // seconds since the epoch
  const TokenSigner& signer;
};

enum class IntakeResult {
  accepted,
  invalid,         // fields break the form's rules: 422 with every error
  undecodable,     // the body cannot be read: 400
  token_refused,   // missing, forged, too fast or expired form token
  honeypot,        // a bot filled the hidden field: refused without saying why
  json_refused,    // a JSON post to a form with json_submissions off: 415
};

struct Intake {
  IntakeResult result = IntakeResult::undecodable;
  DecodeError decode_error;   // undecodable
  TokenCheck token = TokenCheck::missing;
  FormInput input;            // as sent: to show the form again
  Validated validated;        // its errors, or the accepted values and files
  // accepted:
  std::string data_json;
  std::vector<std::string> replay_keys;
  std::int64_t replay_expires = 0;

  // Why it was refused, for the log ("honeypot \"website\" filled").
  std::string refusal_reason() const;
};

Intake take_in(const IntakeRequest& request);

// A browser post from another site: Sec-Fetch-Site says cross-site, or the
// Origin header names another host than the request's Host (or is "null").
bool is_cross_site(std::string_view origin, std::string_view sec_fetch_site, std::string_view host);

// {"errors":{"field":"message",...}} in the form's field order.
std::string render_errors_json(const std::vector<FieldError>& errors);

// An Idempotency-Key the store keeps: 1 to 255 visible ASCII characters.
bool valid_idempotency_key(std::string_view key);

}  // namespace civic::forms
