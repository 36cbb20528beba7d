// libsodium made ready once per process, and its base64 (RFC 4648, with
// padding: what Standard Webhooks secrets and signatures use, and what sealed
// bytes are written as in JSON, CSV and XML).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace civic::sealing {

// sodium_init() on the first call (libsodium makes it thread-safe); false
// when libsodium cannot start (no entropy source), which randombytes needs.
bool sodium_ready();

std::string to_base64(std::string_view bytes);

// Overwrites a string's whole buffer with zeros (sodium_memzero, which the
// compiler may not drop) and empties it: for plaintext once it is sealed.
void wipe(std::string& s) noexcept;
// Null if `text` is not base64 (padding required; no spaces).
std::optional<std::string> from_base64(std::string_view text);

}  // namespace civic::sealing
