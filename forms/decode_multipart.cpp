// multipart/form-data, RFC 7578 on the syntax of RFC 2046 §5.1.1:
//   [preamble CRLF] --boundary *(SP/HT) CRLF part *(CRLF --boundary ... part)
//   CRLF --boundary-- [epilogue]
// where each part is headers, an empty line, and the content. A body that
// ends before the closing delimiter is refused: a truncated upload must not
// be stored as if it were whole.
#include <algorithm>
#include <cctype>
#include <functional>

#include "common/protocol_words.hpp"
#include "forms/decode.hpp"
#include "forms/utf8.hpp"

namespace civic::forms {

namespace {

// RFC 2046 §5.1.1: 1 to 70 characters from bchars, not ending in a space.
bool valid_boundary(std::string_view b) {
  if (b.empty() || b.size() > 70 || b.back() == ' ') return false;
  static constexpr std::string_view kExtra = "'()+_,-./:=? ";
  return std::all_of(b.begin(), b.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || kExtra.find(c) != std::string_view::npos;
  });
}

struct Disposition {
  bool form_data = false;
  bool has_name = false;
  bool has_filename = false;
  std::string name;
  std::string filename;
};

// Content-Disposition: form-data; name="field"; filename="a.png"
// Parameter values are tokens or quoted strings (a backslash quotes the next
// character); browsers percent-encode quotes in names (RFC 7578 §2), which
// stay as they are.
Disposition parse_disposition(std::string_view value) {
  Disposition d;
  std::size_t semi = value.find(';');
  d.form_data = iequals_ascii(trim_ows(value.substr(0, semi)), "form-data");
  std::string_view rest = semi == std::string_view::npos ? std::string_view() : value.substr(semi + 1);
  while (!rest.empty()) {
    rest = trim_ows(rest);
    std::size_t eq = rest.find('=');
    if (eq == std::string_view::npos) break;
    std::string_view key = trim_ows(rest.substr(0, eq));
    rest = trim_ows(rest.substr(eq + 1));
    std::string v;
    if (!rest.empty() && rest.front() == '"') {
      std::size_t i = 1;
      // Browsers (the HTML standard) write a quote in a name as %22 and a
      // backslash as itself: "C:\Users\x.pdf" is a Windows path, not
      // escapes. Only \" and \\, which other clients send, are taken as
      // escapes (RFC 7230 quoted-pair).
      for (; i < rest.size() && rest[i] != '"'; ++i) {
        if (rest[i] == '\\' && i + 1 < rest.size() && (rest[i + 1] == '"' || rest[i + 1] == '\\')) ++i;
        v.push_back(rest[i]);
      }
      rest.remove_prefix(std::min(rest.size(), i + 1));
      std::size_t next = rest.find(';');
      rest = next == std::string_view::npos ? std::string_view() : rest.substr(next + 1);
    } else {
      std::size_t next = rest.find(';');
      v = std::string(trim_ows(rest.substr(0, next)));
      rest = next == std::string_view::npos ? std::string_view() : rest.substr(next + 1);
    }
    if (iequals_ascii(key, "name")) {
      d.has_name = true;
      d.name = std::move(v);
    } else if (iequals_ascii(key, "filename")) {
      d.has_filename = true;
      d.filename = std::move(v);
    }
  }
  return d;
}

// Only the last path component of a filename: old browsers sent full paths,
// with "\" on Windows.
std::string base_name(std::string name) {
  std::size_t slash = name.find_last_of("/\\");
  if (slash != std::string::npos) name.erase(0, slash + 1);
  return name;
}

}  // namespace

DecodeResult decode_multipart(std::string_view body, std::string_view boundary, const DecodeLimits& limits) {
  if (boundary.empty()) return undecodable("multipart/form-data without a boundary parameter");
  if (!valid_boundary(boundary)) return undecodable("the multipart boundary is not valid");
  const std::string delimiter = "--" + std::string(boundary);
  const std::string next_delimiter = "\r\n" + delimiter;
  std::boyer_moore_horspool_searcher find_next(next_delimiter.begin(), next_delimiter.end());

  // The first delimiter: at the very start, or after the preamble's CRLF.
  std::size_t pos;
  if (body.starts_with(delimiter)) {
    pos = delimiter.size();
  } else {
    auto it = std::search(body.begin(), body.end(), find_next);
    if (it == body.end()) return undecodable("the multipart body has no boundary delimiter");
    pos = static_cast<std::size_t>(it - body.begin()) + next_delimiter.size();
  }

  FormInput input;
  for (;;) {
    // After a delimiter: "--" closes the body; else padding and CRLF.
    if (body.substr(pos).starts_with("--")) return input;
    while (pos < body.size() && (body[pos] == ' ' || body[pos] == '\t')) ++pos;
    if (!body.substr(pos).starts_with("\r\n")) return undecodable("the multipart body is truncated or malformed");
    pos += 2;

    // Headers, up to an empty line.
    std::size_t headers_end = body.find("\r\n\r\n", pos);
    std::size_t empty_first = body.substr(pos).starts_with("\r\n") ? pos : std::string_view::npos;
    std::string_view headers;
    if (empty_first != std::string_view::npos) {
      headers = {};
      pos += 2;
    } else {
      if (headers_end == std::string_view::npos || headers_end - pos > limits.max_part_headers)
        return undecodable("a multipart part's headers are truncated or too long");
      headers = body.substr(pos, headers_end - pos);
      pos = headers_end + 4;
    }
    Disposition disposition;
    std::string content_type;
    bool has_disposition = false;
    while (!headers.empty()) {
      std::size_t eol = headers.find("\r\n");
      std::string_view line = headers.substr(0, eol);
      headers = eol == std::string_view::npos ? std::string_view() : headers.substr(eol + 2);
      std::size_t colon = line.find(':');
      if (colon == std::string_view::npos) return undecodable("a multipart part has a malformed header");
      std::string_view name = trim_ows(line.substr(0, colon));
      std::string_view value = trim_ows(line.substr(colon + 1));
      if (iequals_ascii(name, "Content-Disposition")) {
        disposition = parse_disposition(value);
        has_disposition = true;
      } else if (iequals_ascii(name, "Content-Type")) {
        content_type = value;
      }
    }
    if (!has_disposition || !disposition.form_data || !disposition.has_name)
      return undecodable("a multipart part has no Content-Disposition: form-data with a name");
    if (disposition.name.empty() || disposition.name.size() > limits.max_name_length || !is_valid_utf8(disposition.name))
      return undecodable("a multipart part's name is empty, too long or not valid UTF-8");

    // The content runs to the next CRLF--boundary.
    auto it = std::search(body.begin() + static_cast<std::ptrdiff_t>(pos), body.end(), find_next);
    if (it == body.end()) return undecodable("the multipart body is truncated (no closing boundary)", disposition.name);
    std::size_t end = static_cast<std::size_t>(it - body.begin());
    std::string_view content = body.substr(pos, end - pos);
    pos = end + next_delimiter.size();

    if (input.values.size() + input.files.size() >= limits.max_fields)
      return undecodable("the body has too many fields");
    if (disposition.has_filename) {
      // A file input left empty is sent as a part with an empty filename.
      if (disposition.filename.empty() && content.empty()) continue;
      std::string filename = base_name(std::move(disposition.filename));
      if (filename.size() > limits.max_filename_length || !is_valid_utf8(filename) ||
          has_control_chars(filename, false))
        return undecodable("the file name is too long, not valid UTF-8, or has control characters", disposition.name);
      input.files.push_back(UploadedFile{std::move(disposition.name), std::move(filename), std::move(content_type),
                                         std::string(content)});
    } else {
      if (!is_valid_utf8(content)) return undecodable("the value is not valid UTF-8", disposition.name);
      input.values.emplace_back(std::move(disposition.name), std::string(content));
    }
  }
}

}  // namespace civic::forms
