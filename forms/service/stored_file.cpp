#include "forms/service/stored_file.hpp"

#include <rapidjson/document.h>

#include "common/url.hpp"

namespace civic::forms {

std::optional<StoredFile> stored_file(std::string_view record_json, std::string_view field, std::uint32_t index) {
  rapidjson::Document doc;
  doc.Parse(record_json.data(), record_json.size());
  if (doc.HasParseError() || !doc.IsObject()) return std::nullopt;
  auto data = doc.FindMember("data");
  if (data == doc.MemberEnd() || !data->value.IsObject()) return std::nullopt;
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
