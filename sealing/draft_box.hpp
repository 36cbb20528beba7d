// A draft's answers encrypted at rest (issue 16): the values and files of a
// multi-step form's draft, sealed with crypto_secretbox (XSalsa20-Poly1305)
// under a per-draft key that only the citizen's reference carries
// (forms/token.hpp DraftRef). The store keeps the box and never the key, so
// neither the store nor its backups can show a draft's answers.
//
//   box = version(1) | nonce(24, fresh on every write) | secretbox(answers)
//
// The answers inside: u32 count, then per value u32-length name and value;
// u32 count, then per file u32-length field, filename, media type, content.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.hpp"

namespace civic::sealing {

inline constexpr std::size_t kDraftKeyBytes = 32;  // crypto_secretbox_KEYBYTES

struct DraftFile {
  std::string field;
  std::string filename;
  std::string media_type;
  std::string content;
};

// The plaintext answers; wiped (sodium_memzero) when dropped.
struct DraftAnswers {
  std::vector<std::pair<std::string, std::string>> values;  // as typed
  std::vector<DraftFile> files;

  DraftAnswers() = default;
  DraftAnswers(const DraftAnswers&) = default;
  DraftAnswers(DraftAnswers&&) = default;
  DraftAnswers& operator=(const DraftAnswers&) = default;
  DraftAnswers& operator=(DraftAnswers&&) = default;
  ~DraftAnswers();

  // Bytes of names, values, files and their names together (what a
  // draft's size limit counts and the admin listing shows).
  std::size_t size() const noexcept;
};

// The box of `answers` under `key` (kDraftKeyBytes), with a fresh nonce.
Result<std::string> seal_draft(const DraftAnswers& answers, std::string_view key);

// The answers in `box`; an error if `key` is not the one it was sealed with
// or the box was changed (every byte is authenticated).
Result<DraftAnswers> open_draft(std::string_view box, std::string_view key);

}  // namespace civic::sealing
