#include "forms/service/stored_file.hpp"

#include <rapidjson/document.h>

#include "common/url.hpp"

namespace civic::forms {

namespace {

// A sealed record's file (sealing/sealed_record.hpp): its envelope, named
// after the receipt, field and index (its own name is sealed too).
std::optional<StoredFile> sealed_file(const rapidjson::Document& doc, std::string_view field, std::uint32_t index) {
  auto sealed = doc.FindMember("sealed");
  auto receipt = doc.FindMember("receipt");
  if (sealed == doc.MemberEnd() || !sealed->value.IsObject() || receipt == doc.MemberEnd() || !receipt->value.IsString())
    return std::nullopt;
  auto files = sealed->value.FindMember("files");
  if (files == sealed->value.MemberEnd() || !files->value.IsArray()) return std::nullopt;
  for (const auto& f : files->value.GetArray()) {
    if (!f.IsObject() || !f.HasMember("field") || !f["field"].IsString() || !f.HasMember("index") || !f["index"].IsUint())
      continue;
    if (std::string_view(f["field"].GetString(), f["field"].GetStringLength()) != field || f["index"].GetUint() != index)
      continue;
    StoredFile file;
    file.filename = std::string(receipt->value.GetString(), receipt->value.GetStringLength()) + "-" + std::string(field) +
                    "-" + std::to_string(index) + ".sealed";
    file.content_type = "application/octet-stream";
    file.sealed = true;
    return file;
  }
  return std::nullopt;
}

}  // namespace

std::optional<StoredFile> stored_file(std::string_view record_json, std::string_view field, std::uint32_t index) {
  rapidjson::Document doc;
  doc.Parse(record_json.data(), record_json.size());
  if (doc.HasParseError() || !doc.IsObject()) return std::nullopt;
  auto data = doc.FindMember("data");
  if (data == doc.MemberEnd()) return sealed_file(doc, field, index);
  if (!data->value.IsObject()) return std::nullopt;
  auto files = data->value.FindMember(rapidjson::Value(rapidjson::StringRef(field.data(), field.size())));
  if (files == data->value.MemberEnd() || !files->value.IsArray() || index >= files->value.Size()) return std::nullopt;
  const auto& meta = files->value[index];
  if (!meta.IsObject()) return std::nullopt;
  StoredFile file;
  if (auto it = meta.FindMember("filename"); it != meta.MemberEnd() && it->value.IsString())
    file.filename.assign(it->value.GetString(), it->value.GetStringLength());
  if (auto it = meta.FindMember("content_type"); it != meta.MemberEnd() && it->value.IsString())
    file.content_type.assign(it->value.GetString(), it->value.GetStringLength());
  return file;
}

std::string content_disposition(std::string_view filename) {
  std::string ascii;
  for (unsigned char c : filename) {
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '/') ascii += static_cast<char>(c);
    else ascii += '_';
  }
  if (ascii.empty()) ascii = "file";
  return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + url::encoded(filename, url::Keep::attr_char);
}

}  // namespace civic::forms
