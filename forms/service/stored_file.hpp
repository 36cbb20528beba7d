// A file a submission holds, as the admin API serves it: what the stored
// record says of it (forms/record.hpp writes {"filename","content_type",
// "size"} under the field's name) and the Content-Disposition it goes out with.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace civic::forms {

struct StoredFile {
  std::string filename = "file";  // as the citizen named it
  std::string content_type;       // as the browser said ("" if it did not)
  bool sealed = false;            // a sealed form's: the file's envelope, "RECEIPT-FIELD-INDEX.sealed"
};

// The `index`th file of `field` in a stored submission's JSON; nullopt if
// the record lists no such file. A sealed record's files are served as
// their envelopes (application/octet-stream; civicctl open restores them).
std::optional<StoredFile> stored_file(std::string_view record_json, std::string_view field, std::uint32_t index);

// attachment; filename="ascii"; filename*=UTF-8''percent-encoded (RFC 6266):
// quotes, backslashes, control characters and non-ASCII never reach the quoted form.
std::string content_disposition(std::string_view filename);

}  // namespace civic::forms
