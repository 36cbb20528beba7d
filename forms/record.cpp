#include "forms/record.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace civic::forms {

std::string encode_submission_data(const Validated& accepted) {
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> w(out);
  auto str = [&w](std::string_view s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); };
  w.StartObject();
  std::string last_file_field;
  for (const CleanValue& v : accepted.values) {
    w.Key(v.field->name.data(), static_cast<rapidjson::SizeType>(v.field->name.size()));
    if (v.field->is_flag()) {
      w.Bool(v.checked);
    } else if (v.field->many_values()) {
      w.StartArray();
      for (const std::string& s : v.values) str(s);
      w.EndArray();
    } else {
      str(v.values.front());
    }
  }
  // Files, grouped by field (validate() keeps each field's files together).
  for (std::size_t i = 0; i < accepted.files.size();) {
    const std::string& field = accepted.files[i].field;
    w.Key(field.data(), static_cast<rapidjson::SizeType>(field.size()));
    w.StartArray();
    for (; i < accepted.files.size() && accepted.files[i].field == field; ++i) {
      const CleanFile& f = accepted.files[i];
      w.StartObject();
      w.Key("filename");
      str(f.filename);
      w.Key("content_type");
      str(f.media_type);
      w.Key("size");
      w.Uint64(f.content.size());
      w.EndObject();
    }
    w.EndArray();
  }
  w.EndObject();
  return std::string(out.GetString(), out.GetSize());
}

}  // namespace civic::forms
