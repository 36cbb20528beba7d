#include "forms/intake.hpp"

#include <algorithm>
#include <cctype>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "common/protocol_words.hpp"
#include "forms/record.hpp"

namespace civic::forms {

namespace {

// Idempotency keys are kept at least this long (clients retry within hours).
constexpr std::int64_t kIdempotencySeconds = 24 * 3600;

}  // namespace

bool valid_idempotency_key(std::string_view key) {
  if (key.empty() || key.size() > 255) return false;
  return std::all_of(key.begin(), key.end(), [](char c) { return c > 0x20 && c < 0x7f; });
}

std::string Intake::refusal_reason() const {
  switch (result) {
    case IntakeResult::accepted: return "accepted";
    case IntakeResult::invalid: return std::to_string(validated.errors.size()) + " invalid field(s)";
    case IntakeResult::undecodable:
      return "undecodable body: " + decode_error.message +
             (decode_error.field.empty() ? "" : " (field \"" + decode_error.field + "\")");
    case IntakeResult::token_refused: return std::string(describe(token));
    case IntakeResult::honeypot: return "honeypot field filled";
    case IntakeResult::json_refused: return "a JSON post, and json_submissions is off";
  }
  return "?";
}

Intake take_in(const IntakeRequest& request) {
  Intake intake;
  const Form& form = request.form;
  if (request.idempotency_keys.size() > 1) {
    intake.decode_error = undecodable("send Idempotency-Key once", "Idempotency-Key");
    return intake;
  }
  std::string_view idempotency_key = request.idempotency_keys.empty() ? std::string_view() : request.idempotency_keys[0];
  if (!request.idempotency_keys.empty() && !valid_idempotency_key(idempotency_key)) {
    intake.decode_error = undecodable("Idempotency-Key must be 1 to 255 visible ASCII characters", "Idempotency-Key");
    return intake;
  }
  bool json = request.content_type.kind == BodyKind::json;
  if (json && form.json_submissions == JsonSubmissions::off) {
    intake.result = IntakeResult::json_refused;
    return intake;
  }
  DecodeResult decoded = decode_body(request.content_type, request.body);
  if (auto* error = std::get_if<DecodeError>(&decoded)) {
    intake.decode_error = std::move(*error);
    return intake;
  }
  intake.input = std::move(std::get<FormInput>(decoded));

  if (!form.honeypot.empty()) {
    for (std::string_view v : intake.input.values_of(form.honeypot)) {
      if (!v.empty()) {
        intake.result = IntakeResult::honeypot;
        return intake;
      }
    }
  }

  // Browsers post the page's token, JSON clients the schema's (unless the
  // form has json_submissions on: then they may leave it out, but a token
  // they send must be good).
  const std::string* token = intake.input.first(kTokenField);
  bool token_required = !json || form.json_submissions == JsonSubmissions::token;
  VerifiedToken verified;
  if (token != nullptr || token_required) {
    verified = request.signer.verify(token ? std::string_view(*token) : std::string_view(), form.name, request.now,
                                     form.min_fill_seconds, form.token_lifetime_seconds);
    intake.token = verified.result;
    if (verified.result != TokenCheck::ok) {
      intake.result = IntakeResult::token_refused;
      return intake;
    }
  } else {
    intake.token = TokenCheck::ok;
  }

  intake.validated = validate(form, intake.input, request.lang);
  if (!intake.validated.ok()) {
    intake.result = IntakeResult::invalid;
    return intake;
  }
  intake.data_json = encode_submission_data(request.form, intake.validated);
  if (!verified.nonce.empty()) intake.replay_keys.push_back("T:" + verified.nonce);
  if (!idempotency_key.empty()) intake.replay_keys.push_back("K:" + std::string(idempotency_key));
  intake.replay_expires = request.now + std::max(form.token_lifetime_seconds, kIdempotencySeconds);
  intake.result = IntakeResult::accepted;
  return intake;
}

bool is_cross_site(std::string_view origin, std::string_view sec_fetch_site, std::string_view host) {
  if (iequals_ascii(sec_fetch_site, "cross-site")) return true;
  if (origin.empty()) return false;
  if (origin == "null") return true;
  std::size_t scheme_end = origin.find("://");
  if (scheme_end == std::string_view::npos) return true;
  std::string_view authority = origin.substr(scheme_end + 3);
  if (authority.empty() || authority.find('/') != std::string_view::npos) return true;
  // Default ports are left out of Origin but may be in Host, and the other way round.
  auto without_default_port = [](std::string_view h, std::string_view scheme) {
    if (scheme == "https" && h.ends_with(":443")) h.remove_suffix(4);
    if (scheme == "http" && h.ends_with(":80")) h.remove_suffix(3);
    return h;
  };
  std::string_view scheme = origin.substr(0, scheme_end);
  return !iequals_ascii(without_default_port(authority, scheme), without_default_port(host, scheme));
}

std::string render_errors_json(const std::vector<FieldError>& errors) {
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> w(out);
  w.StartObject();
  w.Key("errors");
  w.StartObject();
  for (const FieldError& e : errors) {
    w.Key(e.field.data(), static_cast<rapidjson::SizeType>(e.field.size()));
    w.String(e.message.data(), static_cast<rapidjson::SizeType>(e.message.size()));
  }
  w.EndObject();
  w.EndObject();
  return std::string(out.GetString(), out.GetSize());
}

}  // namespace civic::forms
