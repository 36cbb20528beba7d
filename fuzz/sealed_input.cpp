// What civicctl open and verify read of a sealed form: a stored record (a
// store can be damaged), an envelope, a CSV export. The key ring holds one
// fixed key, so that a seed sealed for it is opened all the way through.
#include <cstdint>
#include <string>
#include <string_view>

#include "forms/submission_export.hpp"
#include "sealing/envelope.hpp"
#include "sealing/seal_keys.hpp"
#include "sealing/sealed_record.hpp"
#include "sealing/sodium_text.hpp"

namespace {

const civic::sealing::KeyRing& ring() {
  static const civic::sealing::KeyRing keys = [] {
    civic::sealing::KeyRing k;
    auto secret = civic::sealing::parse_secret_key("civic-seal-secret-key " +
                                                   civic::sealing::to_base64(std::string(32, '\1')) + "\n");
    if (!secret) __builtin_trap();
    k.add(std::move(*secret));
    return k;
  }();
  return keys;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  (void)civic::sealing::sealed_member_of(in);
  (void)civic::sealing::open_record(in, ring());
  (void)civic::sealing::envelope_key_id(in);
  (void)civic::sealing::open(in, ring());
  (void)civic::forms::open_csv_export(in, ring());
  return 0;
}
