// Standard Webhooks' symmetric signature of one delivery.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace civic::delivery {

// "v1,<base64 of HMAC-SHA256(key, msg_id + "." + timestamp + "." + body)>":
// the webhook-signature header's value. `timestamp`: seconds since the epoch,
// the same number sent as webhook-timestamp.
std::string webhook_signature(std::string_view key, std::string_view msg_id, std::int64_t timestamp,
                              std::string_view body);

// The three headers of a Standard Webhooks delivery, as (name, value):
// webhook-id (`msg_id`: the same on every retry, receivers deduplicate on
// it), webhook-timestamp (`timestamp_s`: this try's time, seconds since the
// epoch) and webhook-signature.
std::vector<std::pair<std::string, std::string>> standard_webhook_headers(std::string_view key,
                                                                          std::string_view msg_id,
                                                                          std::int64_t timestamp_s,
                                                                          std::string_view body);

}  // namespace civic::delivery
