// application/x-www-form-urlencoded, as the WHATWG URL standard parses it
// (§5.1): pairs split on "&", name and value on the first "=", "+" is a
// space, %XX a byte. A "%" not followed by two hex digits is refused rather
// than kept, so that a broken body does not pass as text.
#include "forms/decode.hpp"
#include "forms/utf8.hpp"

#include "common/url.hpp"

namespace civic::forms {


DecodeResult decode_urlencoded(std::string_view body, const DecodeLimits& limits) {
  FormInput input;
  std::string name, value;
  while (!body.empty()) {
    std::size_t amp = body.find('&');
    std::string_view pair = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view() : body.substr(amp + 1);
    if (pair.empty()) continue;
    std::size_t eq = pair.find('=');
    std::string_view raw_name = pair.substr(0, eq);
    std::string_view raw_value = eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    if (raw_name.size() > limits.max_name_length * 3 || !url::percent_decode(raw_name, name))
      return undecodable("a field name is malformed or too long");
    if (name.size() > limits.max_name_length || !is_valid_utf8(name))
      return undecodable("a field name is too long or not valid UTF-8");
    if (!url::percent_decode(raw_value, value))
      return undecodable("the value has a \"%\" that is not followed by two hexadecimal digits", name);
    if (!is_valid_utf8(value)) return undecodable("the value is not valid UTF-8", name);
    if (input.values.size() >= limits.max_fields) return undecodable("the body has too many fields");
    input.values.emplace_back(std::move(name), std::move(value));
    name.clear();
    value.clear();
  }
  return input;
}

}  // namespace civic::forms
