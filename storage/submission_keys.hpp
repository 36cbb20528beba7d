// The keys of the submission databases (layout in
// storage/submission_store.hpp), shared by the files that read and remove
// submissions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "storage/keys.hpp"

namespace civic::storage::submission_keys {

// form\0: receipts, replays and form counters start with it.
inline std::string form_key(std::string_view form) { return keys::name_prefix(form); }

// form\0 seq: a submission; the prefix of its attachments and replay owners.
inline std::string seq_key(std::string_view form, std::uint64_t seq) {
  std::string k = form_key(form);
  keys::append_u64(k, seq);
  return k;
}

inline std::string attachment_key(std::string_view form, std::uint64_t seq, std::string_view field,
                                  std::uint32_t index) {
  std::string k = seq_key(form, seq);
  keys::append_name(k, field);
  keys::append_u32(k, index);
  return k;
}

struct SeqKey {
  std::string_view form;
  std::uint64_t seq = 0;
  std::string_view rest;  // what follows (an attachment's field and index, a replay key)
};

// Splits a key that starts with form\0 seq; nullopt if it does not.
inline std::optional<SeqKey> parse_seq_key(std::string_view key) {
  SeqKey out;
  auto form = keys::take_name(key);
  if (!form) return std::nullopt;
  auto seq = keys::take_u64(key);
  if (!seq) return std::nullopt;
  out.form = *form;
  out.seq = *seq;
  out.rest = key;
  return out;
}

}  // namespace civic::storage::submission_keys
