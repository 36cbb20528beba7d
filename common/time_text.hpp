// Instants as text: the one spelling civic writes for a UTC time.
#pragma once

#include <cstdint>
#include <string>

namespace civic {

// "2026-11-28T07:51:49Z" for seconds since the epoch (RFC 3339, UTC).
std::string iso_utc(std::int64_t seconds);

}  // namespace civic
