#include "delivery/curl_global.hpp"

#include <curl/curl.h>

#include <mutex>

namespace civic::delivery {

civic::Status global_init() {
  static std::once_flag once;
  static CURLcode code = CURLE_OK;
  std::call_once(once, [] { code = curl_global_init(CURL_GLOBAL_DEFAULT); });
  if (code != CURLE_OK)
    return civic::Error::explained(civic::Error::kInvalid, "curl_global_init", curl_easy_strerror(code));
  return {};
}

}  // namespace civic::delivery
