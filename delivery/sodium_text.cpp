#include "delivery/sodium_text.hpp"

#include <sodium.h>

namespace civic::delivery {

bool sodium_ready() {
  // A function-local static: initialized once, thread-safe in C++11 and later.
  static const bool ready = sodium_init() >= 0;
  return ready;
}

std::string to_base64(std::string_view bytes) {
  constexpr int variant = sodium_base64_VARIANT_ORIGINAL;
  std::string out(sodium_base64_encoded_len(bytes.size(), variant), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                    variant);
  out.resize(out.size() - 1);  // the encoded length counts the terminating NUL
  return out;
}

}  // namespace civic::delivery
