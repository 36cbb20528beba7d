// Request body decoders: application/x-www-form-urlencoded (WHATWG URL
// standard), multipart/form-data (RFC 7578) and application/json (RFC 8259).
// Each takes the whole body and gives a FormInput or a DecodeError; names and
// text values must be valid UTF-8.
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "forms/input.hpp"

namespace civic::forms {

using DecodeResult = std::variant<FormInput, DecodeError>;

enum class BodyKind { urlencoded, multipart, json, unsupported };

struct ContentType {
  BodyKind kind = BodyKind::unsupported;
  std::string boundary;   // multipart
  bool charset_ok = true; // a charset parameter other than UTF-8 is refused
};

// From the Content-Type header's value (media type case-insensitive,
// parameters as RFC 9110 §8.3.1 writes them).
ContentType parse_content_type(std::string_view header);

DecodeResult decode_urlencoded(std::string_view body, const DecodeLimits& limits = {});
DecodeResult decode_multipart(std::string_view body, std::string_view boundary, const DecodeLimits& limits = {});
DecodeResult decode_json(std::string_view body, const DecodeLimits& limits = {});

// Decodes `body` as `type` says.
DecodeResult decode_body(const ContentType& type, std::string_view body, const DecodeLimits& limits = {});

}  // namespace civic::forms
