#include "delivery/webhook_secret.hpp"

#include <sodium.h>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <string_view>

#include "sealing/sodium_text.hpp"

namespace civic::delivery {

using sealing::sodium_ready;
using sealing::to_base64;

namespace {

constexpr std::string_view kPrefix = "whsec_";
// Standard Webhooks: symmetric keys are between 24 and 64 bytes.
constexpr std::size_t kMinKey = 24;
constexpr std::size_t kMaxKey = 64;
// A secret file is one short line; more is not a secret file.
constexpr std::size_t kMaxFile = 4096;

}  // namespace

Result<std::string> read_webhook_secret(const std::string& path) {
  const std::string operation = "read webhook secret " + path;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Error(errno, operation);
  std::string text(kMaxFile + 1, '\0');
  std::size_t got = 0;
  while (got < text.size()) {
    const ssize_t n = ::read(fd, text.data() + got, text.size() - got);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      return Error(err, operation);
    }
    got += static_cast<std::size_t>(n);
  }
  ::close(fd);
  text.resize(got);
  if (text.size() > kMaxFile) {
    return Error(Error::kInvalid, operation, "the file is longer than a secret (expected one line whsec_<base64>)");
  }
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ' || text.back() == '\t')) {
    text.pop_back();
  }
  std::string_view secret = text;
  if (!secret.starts_with(kPrefix)) {
    return Error(Error::kInvalid, operation, "it does not start with \"whsec_\" (expected whsec_<base64>)");
  }
  secret.remove_prefix(kPrefix.size());
  std::string key(secret.size(), '\0');  // base64 decodes to fewer bytes than its text
  std::size_t key_len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(key.data()), key.size(), secret.data(), secret.size(),
                        nullptr, &key_len, &end, sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != secret.data() + secret.size()) {
    return Error(Error::kInvalid, operation, "the text after \"whsec_\" is not base64");
  }
  key.resize(key_len);
  if (key.size() < kMinKey || key.size() > kMaxKey) {
    return Error(Error::kInvalid, operation,
                 "the key is " + std::to_string(key.size()) + " bytes long; Standard Webhooks keys are 24 to 64 bytes");
  }
  return key;
}

Result<std::string> make_webhook_secret() {
  if (!sodium_ready()) {
    return Error(Error::kInvalid, "make webhook secret", "libsodium could not start (no source of randomness)");
  }
  std::string key(32, '\0');
  randombytes_buf(key.data(), key.size());
  std::string secret(kPrefix);
  secret += to_base64(key);
  sodium_memzero(key.data(), key.size());
  return secret;
}

}  // namespace civic::delivery
