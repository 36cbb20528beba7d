#include "calendar/query/name_key.hpp"

#include <unicode/ucol.h>
#include <unicode/ustring.h>

#include <map>
#include <vector>

namespace civic::calendar {

namespace {

// Opening a collator costs far more than using it: each thread keeps one per
// language (ICU collators are not shared between threads).
class Collators {
 public:
  ~Collators() {
    for (auto& [lang, c] : open_)
      if (c != nullptr) ucol_close(c);
  }
  UCollator* get(std::string_view lang) {
    auto it = open_.find(std::string(lang));
    if (it != open_.end()) return it->second;
    UErrorCode status = U_ZERO_ERROR;
    UCollator* c = ucol_open(std::string(lang).c_str(), &status);
    if (U_FAILURE(status)) c = nullptr;
    open_.emplace(std::string(lang), c);
    return c;
  }

 private:
  std::map<std::string, UCollator*> open_;
};

}  // namespace

std::string name_sort_key(std::string_view name, std::string_view lang) {
  thread_local Collators collators;
  UCollator* c = collators.get(lang);
  if (c == nullptr) return std::string(name);
  std::vector<UChar> utf16(name.size() + 1);
  UErrorCode status = U_ZERO_ERROR;
  int32_t length = 0;
  u_strFromUTF8(utf16.data(), static_cast<int32_t>(utf16.size()), &length, name.data(),
                static_cast<int32_t>(name.size()), &status);
  if (U_FAILURE(status)) return std::string(name);
  std::string key(static_cast<std::size_t>(length) * 4 + 16, '\0');
  for (int attempt = 0; attempt < 2; ++attempt) {
    int32_t n = ucol_getSortKey(c, utf16.data(), length, reinterpret_cast<uint8_t*>(key.data()),
                                static_cast<int32_t>(key.size()));
    if (n <= 0) return std::string(name);
    if (static_cast<std::size_t>(n) <= key.size()) {
      key.resize(static_cast<std::size_t>(n) - 1);  // without the terminating 0
      return key;
    }
    key.resize(static_cast<std::size_t>(n));
  }
  return std::string(name);
}

}  // namespace civic::calendar
