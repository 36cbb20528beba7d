#include "sealing/sodium_text.hpp"

#include <sodium.h>

namespace civic::sealing {

namespace {
constexpr int kVariant = sodium_base64_VARIANT_ORIGINAL;
}

bool sodium_ready() {
  // A function-local static: initialized once, thread-safe in C++11 and later.
  static const bool ready = sodium_init() >= 0;
  return ready;
}

std::string to_base64(std::string_view bytes) {
  std::string out(sodium_base64_encoded_len(bytes.size(), kVariant), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                    kVariant);
  out.resize(out.size() - 1);  // the encoded length counts the terminating NUL
  return out;
}

void wipe(std::string& s) noexcept {
  // The whole buffer, not only size(): a shorter value may have replaced a longer one.
  s.resize(s.capacity());
  sodium_memzero(s.data(), s.size());
  s.clear();
}

std::optional<std::string> from_base64(std::string_view text) {
  std::string out(text.size() / 4 * 3 + 3, '\0');
  std::size_t length = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(), nullptr,
                        &length, &end, kVariant) != 0 ||
      end != text.data() + text.size()) {
    return std::nullopt;
  }
  out.resize(length);
  return out;
}

}  // namespace civic::sealing
