// A key pair of sealed forms made for one test, and a submission sealed as a
// sealed form stores it (sealing/sealed_record.hpp): the answers and each
// file in an envelope, the record's "sealed" member listing the files.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sealing/envelope.hpp"
#include "sealing/seal_keys.hpp"
#include "sealing/sealed_record.hpp"
#include "storage/submission_store.hpp"

namespace civic::test {

struct SealKeys {
  sealing::PublicKey public_key;
  std::string secret_path;  // DIR/ID.secret, as civicctl keygen writes it
  sealing::KeyRing ring;
};

// A new key pair in `dir`; false if it cannot be made.
inline bool make_seal_keys(const std::string& dir, SealKeys& keys) {
  auto files = sealing::write_key_pair(dir);
  if (!files) return false;
  auto public_key = sealing::read_public_key(files->public_path);
  if (!public_key || !keys.ring.load(files->secret_path).ok()) return false;
  keys.public_key = *public_key;
  keys.secret_path = files->secret_path;
  return true;
}

// `answers` (the JSON an unsealed form stores as "data") and `files` sealed
// for `key`: data_json is the "sealed" member, each file its envelope.
inline std::optional<storage::NewSubmission> sealed_submission(const sealing::PublicKey& key, std::string form,
                                                               const std::string& answers,
                                                               std::vector<storage::NewSubmission::File> files) {
  storage::NewSubmission s;
  s.form = std::move(form);
  s.receipt_prefix = "PAL";
  s.language = "fi";
  s.sealed = true;
  sealing::SealedMember member;
  member.key_id = key.id;
  auto data = sealing::seal(answers, key);
  if (!data) return std::nullopt;
  member.data = std::move(*data);
  for (auto& f : files) {
    auto envelope = sealing::seal(f.content, key);
    if (!envelope) return std::nullopt;
    f.content = std::move(*envelope);
    member.files.push_back({f.field, f.index, f.content.size()});
  }
  s.data_json = sealing::sealed_member_json(member);
  s.files = std::move(files);
  return s;
}

}  // namespace civic::test
