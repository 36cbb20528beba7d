// Percent-encoding and decoding (RFC 3986 §2.1), one place for every link,
// query string and header parameter civic writes or reads.
#pragma once

#include <string>
#include <string_view>

namespace civic::url {

// Which bytes stay as they are; every other byte becomes %XX (upper-case hex).
enum class Keep {
  unreserved,    // ALPHA DIGIT - . _ ~ (RFC 3986 §2.3)
  path_segment,  // pchar: unreserved, sub-delims, ":" and "@" (§3.3)
  query_value,   // unreserved and ":", a value inside a query we build
  attr_char,     // RFC 8187 attr-char, for filename*=UTF-8''...
  query_text,    // a query part as a client sent it: only bytes a URL may not hold
                 // (controls, space, non-ASCII, <>"\^`{|}) are encoded
};

std::string& append_encoded(std::string& out, std::string_view text, Keep keep);
std::string encoded(std::string_view text, Keep keep);

// "+" is a space and %XX a byte (WHATWG URL form decoding, which form bodies
// use too); false if an escape is malformed. No UTF-8 check.
bool percent_decode(std::string_view in, std::string& out);

}  // namespace civic::url
