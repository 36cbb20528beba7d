#include "delivery/webhook_payload.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <sodium.h>

#include "common/hex.hpp"
#include "sealing/sealed_record.hpp"
#include "sealing/sodium_text.hpp"

namespace civic::delivery {

using sealing::sodium_ready;
using sealing::to_base64;

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

constexpr const char* kOperation = "build webhook body";

std::string_view text_of(const rapidjson::Value& v) { return {v.GetString(), v.GetStringLength()}; }

// A file field's value as forms/record.cpp writes it: a list of objects with
// a string filename. Other lists (checkboxes) hold strings.
bool is_file_list(const rapidjson::Value& v) {
  if (!v.IsArray() || v.Empty()) return false;
  for (const auto& item : v.GetArray()) {
    if (!item.IsObject()) return false;
    auto name = item.FindMember("filename");
    auto type = item.FindMember("content_type");
    auto size = item.FindMember("size");
    if (name == item.MemberEnd() || !name->value.IsString() || type == item.MemberEnd() || !type->value.IsString() ||
        size == item.MemberEnd() || !size->value.IsUint64()) {
      return false;
    }
  }
  return true;
}

const FileContent* find_file(std::span<const FileContent> files, std::string_view field, std::uint32_t index) {
  for (const FileContent& f : files) {
    if (f.field == field && f.index == index) return &f;
  }
  return nullptr;
}

std::string sha256_hex(std::string_view bytes) {
  // sodium_init only picks this CPU's fastest code here; hashing works without it.
  (void)sodium_ready();
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  return to_hex(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

// One stored file, checked against the size the record gives it: an error
// names it if it is missing or has other bytes.
Result<const FileContent*> listed_file(std::span<const FileContent> files, std::string_view field,
                                       std::uint32_t index, std::uint64_t size) {
  const FileContent* file = find_file(files, field, index);
  const std::string where = "file " + std::to_string(index) + " of field '" + std::string(field) + "'";
  if (file == nullptr) return Error(Error::kCorrupt, kOperation, where + " is missing from the store");
  if (file->bytes.size() != size) {
    return Error(Error::kCorrupt, kOperation,
                 where + " has " + std::to_string(file->bytes.size()) + " bytes in the store, the submission says " +
                     std::to_string(size));
  }
  return file;
}

// The "files" array, in the data's order.
Status write_files(Writer& w, const rapidjson::Value& data, std::span<const FileContent> files, bool files_inline) {
  auto str = [&w](std::string_view s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); };
  w.Key("files");
  w.StartArray();
  for (const auto& member : data.GetObject()) {
    if (!is_file_list(member.value)) continue;
    const std::string_view field = text_of(member.name);
    std::uint32_t index = 0;
    for (const auto& item : member.value.GetArray()) {
      const std::uint64_t size = item["size"].GetUint64();
      auto found = listed_file(files, field, index, size);
      if (!found) return found.error();
      const FileContent* file = *found;
      w.StartObject();
      w.Key("field");
      str(field);
      w.Key("index");
      w.Uint(index);
      w.Key("name");
      str(text_of(item["filename"]));
      w.Key("type");
      str(text_of(item["content_type"]));
      w.Key("size");
      w.Uint64(size);
      w.Key("sha256");
      str(sha256_hex(file->bytes));
      if (files_inline) {
        w.Key("content_base64");
        str(to_base64(file->bytes));
      }
      w.EndObject();
      ++index;
    }
  }
  w.EndArray();
  return {};
}

// The "sealed" member: the stored one, each listed file with its
// envelope's hash (and bytes, inline). Nothing is opened here.
Status write_sealed(Writer& w, const rapidjson::Value& stored, std::string_view stored_json,
                    std::span<const FileContent> files, bool files_inline) {
  auto str = [&w](std::string_view s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); };
  // Checks the key id and size against the envelope, and reads the file list.
  auto member = sealing::sealed_member_of(stored_json);
  if (!member) return Error(Error::kCorrupt, kOperation, "the stored submission is damaged: " + member.error().message());
  if (!member.value()) return Error(Error::kCorrupt, kOperation, "the stored submission has no \"sealed\"");
  w.Key("sealed");
  w.StartObject();
  for (const char* name : {"key_id", "size", "data"}) {
    w.Key(name);
    stored[name].Accept(w);  // as stored: the base64 is the receiver's to decode
  }
  w.Key("files");
  w.StartArray();
  for (const sealing::SealedFile& listed : member.value()->files) {
    auto file = listed_file(files, listed.field, listed.index, listed.size);
    if (!file) return file.error();
    w.StartObject();
    w.Key("field");
    str(listed.field);
    w.Key("index");
    w.Uint(listed.index);
    w.Key("size");
    w.Uint64(listed.size);
    w.Key("sha256");
    str(sha256_hex((*file)->bytes));
    if (files_inline) {
      w.Key("content_base64");
      str(to_base64((*file)->bytes));
    }
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return {};
}

}  // namespace

Result<std::string> webhook_body(std::string_view stored_json, std::span<const FileContent> files, bool files_inline) {
  rapidjson::Document doc;
  doc.Parse(stored_json.data(), stored_json.size());
  if (doc.HasParseError()) {
    return Error(Error::kCorrupt, kOperation,
                 std::string("the stored submission is not JSON: ") + rapidjson::GetParseError_En(doc.GetParseError()));
  }
  if (!doc.IsObject()) return Error(Error::kCorrupt, kOperation, "the stored submission is not a JSON object");
  // The envelope in a fixed order, each value copied as stored.
  static constexpr const char* kEnvelope[] = {"form", "receipt", "seq", "created_time", "language"};
  // A sealed form's record has "sealed" where an unsealed one has "data".
  const bool sealed = doc.HasMember("sealed") && !doc.HasMember("data");
  for (const char* name : kEnvelope) {
    if (!doc.HasMember(name)) {
      return Error(Error::kCorrupt, kOperation, std::string("the stored submission has no \"") + name + "\"");
    }
  }
  if (!sealed && !doc.HasMember("data")) {
    return Error(Error::kCorrupt, kOperation, "the stored submission has no \"data\"");
  }
  if (!sealed && !doc["data"].IsObject()) {
    return Error(Error::kCorrupt, kOperation, "the stored submission's \"data\" is not an object");
  }

  rapidjson::StringBuffer out;
  Writer w(out);
  w.StartObject();
  w.Key("type");
  w.String("submission.created");
  for (const char* name : kEnvelope) {
    w.Key(name);
    doc[name].Accept(w);
  }
  if (sealed) {
    if (Status s = write_sealed(w, doc["sealed"], stored_json, files, files_inline); !s) return s.error();
  } else {
    w.Key("data");
    doc["data"].Accept(w);
    if (Status s = write_files(w, doc["data"], files, files_inline); !s) return s.error();
  }
  w.EndObject();
  return std::string(out.GetString(), out.GetSize());
}

}  // namespace civic::delivery
