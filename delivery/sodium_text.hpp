// libsodium made ready once per process, and its base64 (RFC 4648, with
// padding: what Standard Webhooks secrets and signatures use).
#pragma once

#include <string>
#include <string_view>

namespace civic::delivery {

// sodium_init() on the first call (libsodium makes it thread-safe); false
// when libsodium cannot start (no entropy source), which randombytes needs.
bool sodium_ready();

std::string to_base64(std::string_view bytes);

}  // namespace civic::delivery
