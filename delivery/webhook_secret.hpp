// The secret a webhook delivery signs with: a file holding "whsec_<base64>"
// as Standard Webhooks gives it out (the same text the receiver's library is
// configured with).
#pragma once

#include <string>

#include "common/result.hpp"

namespace civic::delivery {

// The key bytes of the secret in `path`. Trailing white space is allowed; an
// error says what is wrong in words `nginx -t` can print: the file cannot be
// read, lacks the "whsec_" prefix, is not base64, or the key is not 24 to 64
// bytes long (the specification's range).
Result<std::string> read_webhook_secret(const std::string& path);

// A new secret of 32 random bytes, "whsec_...", for civicctl to write.
Result<std::string> make_webhook_secret();

}  // namespace civic::delivery
