// Form bodies: the first line is the Content-Type header, the rest the body
// (urlencoded, multipart or JSON, as the header says).
#include <string_view>

#include "forms/decode.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace civic::forms;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto newline = in.find('\n');
  std::string_view header = in.substr(0, newline);
  std::string_view body = newline == std::string_view::npos ? std::string_view{} : in.substr(newline + 1);
  ContentType type = parse_content_type(header);
  (void)decode_body(type, body);
  // Each decoder also on the whole input, whatever the header said.
  (void)decode_urlencoded(in);
  (void)decode_json(in);
  if (!type.boundary.empty()) (void)decode_multipart(body, type.boundary);
  return 0;
}
