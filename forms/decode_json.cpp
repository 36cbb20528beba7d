// application/json: one object whose members are field names, with a string,
// number, boolean, null, or an array of those as the value. rapidjson parses
// iteratively (no recursion, so deep nesting cannot exhaust the stack) and
// checks UTF-8; numbers are kept as the text that was sent.
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include "forms/decode.hpp"

namespace civic::forms {

namespace {

constexpr unsigned kParseFlags =
    rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag | rapidjson::kParseNumbersAsStringsFlag;

// A scalar as the text value a form post would carry; false and null mean
// "not sent" (an unchecked checkbox).
enum class Scalar { value, absent, not_scalar };

Scalar scalar_text(const rapidjson::Value& v, std::string& out) {
  if (v.IsString()) {
    out.assign(v.GetString(), v.GetStringLength());
    return Scalar::value;
  }
  if (v.IsTrue()) {
    out = "yes";
    return Scalar::value;
  }
  if (v.IsFalse() || v.IsNull()) return Scalar::absent;
  return Scalar::not_scalar;
}

}  // namespace

DecodeResult decode_json(std::string_view body, const DecodeLimits& limits) {
  rapidjson::Document doc;
  doc.Parse<kParseFlags>(body.data(), body.size());
  if (doc.HasParseError()) {
    return undecodable(std::string("the JSON body is malformed: ") + rapidjson::GetParseError_En(doc.GetParseError()) +
                           " (at byte " + std::to_string(doc.GetErrorOffset()) + ")");
  }
  if (!doc.IsObject()) return undecodable("the JSON body must be an object of field names and values");
  FormInput input;
  std::string text;
  for (const auto& member : doc.GetObject()) {
    std::string name(member.name.GetString(), member.name.GetStringLength());
    if (name.empty() || name.size() > limits.max_name_length) return undecodable("a field name is empty or too long");
    auto add = [&](const rapidjson::Value& v) -> bool {
      Scalar s = scalar_text(v, text);
      if (s == Scalar::not_scalar) return false;
      if (s == Scalar::value) input.values.emplace_back(name, text);
      return true;
    };
    bool ok = true;
    if (member.value.IsArray()) {
      for (const auto& item : member.value.GetArray()) {
        if (!add(item)) {
          ok = false;
          break;
        }
        if (input.values.size() > limits.max_fields) return undecodable("the body has too many values");
      }
    } else {
      ok = add(member.value);
    }
    if (!ok) return undecodable("a value must be a string, number, boolean, null or an array of those", name);
    if (input.values.size() > limits.max_fields) return undecodable("the body has too many values");
  }
  return input;
}

}  // namespace civic::forms
