// A Content-Type header's value (RFC 9110 §8.3): the media type, lowercased,
// and the parameters civic reads. Forms, the admin API and imports all take
// their bodies in UTF-8 only.
#pragma once

#include <string>
#include <string_view>

namespace civic {

struct MediaType {
  std::string type;      // "application/json"; "" if the header is empty
  std::string boundary;  // multipart
  std::string charset;   // lowercased, "" if not given
  // No charset, or UTF-8: a body in another charset is refused (415).
  bool utf8() const noexcept { return charset.empty() || charset == "utf-8" || charset == "utf8"; }
};

MediaType parse_media_type(std::string_view header);

}  // namespace civic
