#include "calendar/formats/text_fold.hpp"

#include <unicode/ucasemap.h>
#include <unicode/uchar.h>

namespace civic::calendar {

std::string fold_case(std::string_view utf8) {
  if (utf8.empty()) return {};
  UErrorCode status = U_ZERO_ERROR;
  UCaseMap* map = ucasemap_open(nullptr, U_FOLD_CASE_DEFAULT, &status);
  if (U_FAILURE(status)) return std::string(utf8);
  std::string out(utf8.size() + utf8.size() / 2 + 8, '\0');
  for (int attempt = 0; attempt < 2; ++attempt) {
    status = U_ZERO_ERROR;
    int32_t n = ucasemap_utf8FoldCase(map, out.data(), static_cast<int32_t>(out.size()), utf8.data(),
                                      static_cast<int32_t>(utf8.size()), &status);
    if (status == U_BUFFER_OVERFLOW_ERROR) {
      out.resize(static_cast<std::size_t>(n));
      continue;
    }
    if (U_FAILURE(status)) break;
    out.resize(static_cast<std::size_t>(n));
    ucasemap_close(map);
    return out;
  }
  ucasemap_close(map);
  return std::string(utf8);
}

}  // namespace civic::calendar
