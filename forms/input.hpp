// A decoded request body: the names and values a client sent, and its files,
// before they are checked against a form.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/field_error.hpp"

namespace civic::forms {

struct UploadedFile {
  std::string field;
  std::string filename;       // as the client named it (valid UTF-8)
  std::string declared_type;  // the part's Content-Type, if any
  std::string content;
};

struct FormInput {
  std::vector<std::pair<std::string, std::string>> values;  // in the order received
  std::vector<UploadedFile> files;

  std::vector<std::string_view> values_of(std::string_view name) const;
  std::vector<const UploadedFile*> files_of(std::string_view name) const;
  // The first value of `name`, or nullptr.
  const std::string* first(std::string_view name) const;
  // Overwrites every value and file with zeros (a sealed form's, when it is
  // no longer needed: sodium_memzero, which the compiler may not drop).
  void wipe() noexcept;
};

// A body that cannot be read at all (as opposed to values that break a
// form's rules): answered 400 with this message and field, if one showed.
using DecodeError = civic::FieldError;

inline DecodeError undecodable(std::string message, std::string field = {}) {
  DecodeError error;
  error.field = std::move(field);
  error.message = std::move(message);
  error.kind = DecodeError::Kind::syntax;
  return error;
}

// Bounds on what one body may hold, beyond nginx's client_max_body_size.
struct DecodeLimits {
  std::size_t max_fields = 1000;        // values and files together
  std::size_t max_name_length = 256;    // bytes of a field name
  std::size_t max_part_headers = 8192;  // bytes of one multipart part's headers
  std::size_t max_filename_length = 1024;
};

}  // namespace civic::forms
