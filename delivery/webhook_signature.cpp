#include "delivery/webhook_signature.hpp"

#include <sodium.h>

#include "sealing/sodium_text.hpp"

namespace civic::delivery {

using sealing::sodium_ready;
using sealing::to_base64;

std::string webhook_signature(std::string_view key, std::string_view msg_id, std::int64_t timestamp,
                              std::string_view body) {
  // sodium_init only picks this CPU's fastest code here; HMAC works without it.
  (void)sodium_ready();
  auto bytes = [](std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); };
  const std::string stamp = std::to_string(timestamp);
  crypto_auth_hmacsha256_state state;
  // These return 0 always: the state is ours and HMAC takes any key length.
  crypto_auth_hmacsha256_init(&state, bytes(key), key.size());
  crypto_auth_hmacsha256_update(&state, bytes(msg_id), msg_id.size());
  crypto_auth_hmacsha256_update(&state, bytes("."), 1);
  crypto_auth_hmacsha256_update(&state, bytes(stamp), stamp.size());
  crypto_auth_hmacsha256_update(&state, bytes("."), 1);
  crypto_auth_hmacsha256_update(&state, bytes(body), body.size());
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_final(&state, mac);
  sodium_memzero(&state, sizeof state);
  return "v1," + to_base64(std::string_view(reinterpret_cast<const char*>(mac), sizeof mac));
}

std::vector<std::pair<std::string, std::string>> standard_webhook_headers(std::string_view key,
                                                                          std::string_view msg_id,
                                                                          std::int64_t timestamp_s,
                                                                          std::string_view body) {
  return {{"webhook-id", std::string(msg_id)},
          {"webhook-timestamp", std::to_string(timestamp_s)},
          {"webhook-signature", webhook_signature(key, msg_id, timestamp_s, body)}};
}

}  // namespace civic::delivery
