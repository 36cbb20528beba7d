#include "common/result.hpp"

#include <cerrno>
#include <cstring>

namespace civic {

std::string Error::message() const {
  std::string text = operation_;
  std::string reason = reason_;
  if (reason.empty()) {
    if (code_ == ENOSPC || code_ == EDQUOT) {
      reason = "the disk is full (no space left on the file system that holds it)";
    } else if (code_ > 0 && code_ < kSchemaTooNew) {
      char buf[256];
      reason = strerror_r(code_, buf, sizeof buf);  // GNU: returns the text
    } else if (code_ < 0) {
      reason = "error " + std::to_string(code_);
    }
  }
  if (!reason.empty()) text.append(": ").append(reason);
  if (!detail_.empty()) text.append(": ").append(detail_);
  return text;
}

}  // namespace civic
