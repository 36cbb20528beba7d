// The body of a webhook delivery (issue 14, docs/delivery.md):
//   {"type":"submission.created","form","receipt","seq","created_time",
//    "language","data":{... exactly as stored ...},
//    "files":[{"field","index","name","type","size","sha256",
//              "content_base64" (files=inline only)}]}
// Files come in the data's order: field by field, each field's files by index.
//
// A sealed form's record (sealing/sealed_record.hpp) gives, with no "data"
// and no top-level "files" (the receiver opens them with its secret key):
//   {"type":"submission.created","form","receipt","seq","created_time",
//    "language","sealed":{"key_id","size","data":BASE64 (as stored),
//    "files":[{"field","index","size","sha256","content_base64" (inline)}]}}
// where a file's size, sha256 and content are those of its envelope.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace civic::delivery {

// One stored file's bytes, as the caller read them from the store
// (storage/submission_store.hpp: attachments form\0 seq field\0 idx).
struct FileContent {
  std::string field;
  std::uint32_t index = 0;
  std::string_view bytes;
};

// `stored_json`: the submission as stored and returned by the admin API,
// {"receipt","form","seq","created_time","language","data":{...}} where a
// file field's value is a list of {"filename","content_type","size"}.
// `files` must hold every file the data lists; an error names one that is
// missing or whose size differs from the data's. A record with "sealed" in
// place of "data" gives the sealed body above; `files` then holds the
// envelopes its "sealed" member lists.
Result<std::string> webhook_body(std::string_view stored_json, std::span<const FileContent> files, bool files_inline);

}  // namespace civic::delivery
