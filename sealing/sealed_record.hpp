// A stored submission of a sealed form (storage/submission_store.hpp): the
// routing metadata readable, the answers in an envelope (envelope.hpp) in
// place of "data", and each file's envelope in the attachments database:
//
//   {"receipt","form","seq","created_time","language",
//    "sealed":{"key_id","size","data":BASE64,"files":[{"field","index","size"}]}}
//
// size: the answers' envelope's bytes; files: each stored file's field,
// index among that field's files and envelope size (what the attachments
// database shows anyway). The file names, types and sizes before sealing
// are in the sealed answers, as in an unsealed record's "data".
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "sealing/seal_keys.hpp"

namespace civic::sealing {

struct SealedFile {
  std::string field;
  std::uint32_t index = 0;
  std::uint64_t size = 0;  // of its envelope
};

struct SealedMember {
  std::string key_id;
  std::uint64_t size = 0;
  std::string data;  // the answers' envelope (raw bytes, not base64)
  std::vector<SealedFile> files;
};

// The "sealed" member's value (a JSON object).
std::string sealed_member_json(const SealedMember& member);

// The "sealed" member of a stored record; null if the record has none (an
// unsealed form's). An error if it is there and malformed, or if its key id
// and size disagree with its envelope's.
Result<std::optional<SealedMember>> sealed_member_of(std::string_view record_json);

// `record_json` with its answers opened: the record an unsealed form would
// have stored, byte for byte ({"receipt","form","seq","created_time",
// "language","data"}). A record with no "sealed" comes back as it is.
Result<std::string> open_record(std::string_view record_json, const KeyRing& keys);

}  // namespace civic::sealing
