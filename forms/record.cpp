#include "forms/record.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace civic::forms {

std::string encode_submission_data(const Form& form, const Validated& accepted) {
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> w(out);
  auto str = [&w](std::string_view s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); };
  auto key = [&w](const std::string& name) { w.Key(name.data(), static_cast<rapidjson::SizeType>(name.size())); };
  w.StartObject();
  // In the form's order, files at their field's place.
  for (const Field& field : form.fields) {
    if (field.type == FieldType::file) {
      bool any = false;
      for (const CleanFile& f : accepted.files) {
        if (f.field != field.name) continue;
        if (!any) {
          key(field.name);
          w.StartArray();
          any = true;
        }
        w.StartObject();
        w.Key("filename");
        str(f.filename);
        w.Key("content_type");
        str(f.media_type);
        w.Key("size");
        w.Uint64(f.content.size());
        w.EndObject();
      }
      if (any) w.EndArray();
      continue;
    }
    for (const CleanValue& v : accepted.values) {
      if (v.field != &field) continue;
      key(field.name);
      if (field.is_flag()) {
        w.Bool(v.checked);
      } else if (field.many_values()) {
        w.StartArray();
        for (const std::string& s : v.values) str(s);
        w.EndArray();
      } else {
        str(v.values.front());
      }
      break;
    }
  }
  w.EndObject();
  return std::string(out.GetString(), out.GetSize());
}

}  // namespace civic::forms
