#include "sealing/sealed_record.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "sealing/envelope.hpp"
#include "sealing/sodium_text.hpp"

namespace civic::sealing {

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

constexpr const char* kRead = "read sealed record";

Result<rapidjson::Document> parse(std::string_view json) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError()) {
    return Error(Error::kCorrupt, kRead, std::string("not JSON: ") + rapidjson::GetParseError_En(doc.GetParseError()));
  }
  if (!doc.IsObject()) return Error(Error::kCorrupt, kRead, "not a JSON object");
  return doc;
}

std::string text(const rapidjson::Value& v) { return {v.GetString(), v.GetStringLength()}; }

Result<SealedMember> member_of(const rapidjson::Value& v) {
  auto bad = [](std::string what) { return Error(Error::kCorrupt, kRead, "\"sealed\" " + what); };
  if (!v.IsObject()) return bad("is not an object");
  auto key_id = v.FindMember("key_id");
  auto size = v.FindMember("size");
  auto data = v.FindMember("data");
  auto files = v.FindMember("files");
  if (key_id == v.MemberEnd() || !key_id->value.IsString()) return bad("has no key_id");
  if (size == v.MemberEnd() || !size->value.IsUint64()) return bad("has no size");
  if (data == v.MemberEnd() || !data->value.IsString()) return bad("has no data");
  if (files == v.MemberEnd() || !files->value.IsArray()) return bad("has no files list");
  SealedMember m;
  m.key_id = text(key_id->value);
  m.size = size->value.GetUint64();
  auto bytes = from_base64(text(data->value));
  if (!bytes) return bad("data is not base64");
  m.data = std::move(*bytes);
  auto named = envelope_key_id(m.data);
  if (!named) return bad("data is not a sealed envelope");
  if (*named != m.key_id) return bad("data names key " + *named + ", the record " + m.key_id);
  if (m.data.size() != m.size) return bad("data has " + std::to_string(m.data.size()) + " bytes, the record says " + std::to_string(m.size));
  for (const auto& f : files->value.GetArray()) {
    if (!f.IsObject() || !f.HasMember("field") || !f["field"].IsString() || !f.HasMember("index") ||
        !f["index"].IsUint() || !f.HasMember("size") || !f["size"].IsUint64()) {
      return bad("lists a malformed file");
    }
    m.files.push_back({text(f["field"]), f["index"].GetUint(), f["size"].GetUint64()});
  }
  return m;
}

}  // namespace

std::string sealed_member_json(const SealedMember& member) {
  rapidjson::StringBuffer out;
  Writer w(out);
  auto str = [&w](std::string_view s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); };
  w.StartObject();
  w.Key("key_id");
  str(member.key_id);
  w.Key("size");
  w.Uint64(member.data.size());
  w.Key("data");
  str(to_base64(member.data));
  w.Key("files");
  w.StartArray();
  for (const SealedFile& f : member.files) {
    w.StartObject();
    w.Key("field");
    str(f.field);
    w.Key("index");
    w.Uint(f.index);
    w.Key("size");
    w.Uint64(f.size);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::string(out.GetString(), out.GetSize());
}

Result<std::optional<SealedMember>> sealed_member_of(std::string_view record_json) {
  auto doc = parse(record_json);
  if (!doc) return doc.error();
  auto sealed = doc->FindMember("sealed");
  if (sealed == doc->MemberEnd()) return std::optional<SealedMember>{};
  auto member = member_of(sealed->value);
  if (!member) return member.error();
  return std::optional<SealedMember>{std::move(member.value())};
}

Result<std::string> open_record(std::string_view record_json, const KeyRing& keys) {
  auto doc = parse(record_json);
  if (!doc) return doc.error();
  auto sealed = doc->FindMember("sealed");
  if (sealed == doc->MemberEnd()) return std::string(record_json);
  auto member = member_of(sealed->value);
  if (!member) return member.error();
  auto data = open(member->data, keys);
  if (!data) return data.error();
  rapidjson::Document check;
  check.Parse(data->data(), data->size());
  if (check.HasParseError() || !check.IsObject()) {
    return Error(Error::kCorrupt, kRead, "the opened answers are not a JSON object");
  }
  rapidjson::StringBuffer out;
  Writer w(out);
  w.StartObject();
  for (const auto& m : doc->GetObject()) {
    if (&m.value == &sealed->value) {
      w.Key("data");
      w.RawValue(data->data(), data->size(), rapidjson::kObjectType);
      continue;
    }
    w.Key(m.name.GetString(), m.name.GetStringLength());
    m.value.Accept(w);
  }
  w.EndObject();
  return std::string(out.GetString(), out.GetSize());
}

}  // namespace civic::sealing
