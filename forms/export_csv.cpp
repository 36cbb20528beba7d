#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "forms/submission_export.hpp"

namespace civic::forms {

namespace {

constexpr std::string_view kMetaColumns[] = {"receipt", "seq", "created_time", "language"};
constexpr std::string_view kJoin = ", ";

// -5, +358, 3.14: nothing a spreadsheet would compute.
bool is_plain_number(std::string_view v) {
  std::size_t i = 0;
  if (i < v.size() && (v[i] == '-' || v[i] == '+')) ++i;
  std::size_t digits = 0, dots = 0;
  for (; i < v.size(); ++i) {
    if (v[i] >= '0' && v[i] <= '9') ++digits;
    else if (v[i] == '.' && dots == 0) ++dots;
    else return false;
  }
  return digits > 0;
}

// What a spreadsheet runs as a formula starts with one of these.
bool starts_like_formula(std::string_view v) {
  if (v.empty()) return false;
  switch (v.front()) {
    case '=': case '+': case '-': case '@': case '\t': case '\r':
      return !is_plain_number(v);
    default:
      return false;
  }
}

std::string text_of(const rapidjson::Value& v);

std::string scalar_text(const rapidjson::Value& v) {
  if (v.IsString()) return std::string(v.GetString(), v.GetStringLength());
  if (v.IsBool()) return v.GetBool() ? "true" : "false";
  if (v.IsNull()) return {};
  if (v.IsObject()) {
    // A file: its name.
    auto name = v.FindMember("filename");
    if (name != v.MemberEnd() && name->value.IsString())
      return std::string(name->value.GetString(), name->value.GetStringLength());
  }
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> w(out);
  v.Accept(w);
  return std::string(out.GetString(), out.GetSize());
}

std::string text_of(const rapidjson::Value& v) {
  if (!v.IsArray()) return scalar_text(v);
  std::string joined;
  for (const auto& item : v.GetArray()) {
    if (!joined.empty()) joined += kJoin;
    joined += scalar_text(item);
  }
  return joined;
}

class CsvExport final : public SubmissionExport {
 public:
  CsvExport(std::vector<std::string> fields, CsvOptions options) : fields_(std::move(fields)), options_(options) {}

  void begin(std::string& out) override {
    if (options_.bom) out += "\xEF\xBB\xBF";
    bool first = true;
    auto column = [&](std::string_view name) {
      if (!first) out.push_back(options_.delimiter);
      first = false;
      out += csv_cell(name, options_.delimiter);
    };
    for (std::string_view c : kMetaColumns) column(c);
    for (const std::string& f : fields_) column(f);
    out += "\r\n";
  }

  bool row(std::string_view record, std::string& out) override {
    rapidjson::Document doc;
    doc.Parse(record.data(), record.size());
    if (doc.HasParseError() || !doc.IsObject()) return false;
    static const rapidjson::Value kNull;
    auto member = [&](const rapidjson::Value& obj, std::string_view name) -> const rapidjson::Value& {
      if (!obj.IsObject()) return kNull;
      auto it = obj.FindMember(rapidjson::Value(name.data(), static_cast<rapidjson::SizeType>(name.size())));
      return it == obj.MemberEnd() ? kNull : it->value;
    };
    bool first = true;
    auto cell = [&](const rapidjson::Value& v) {
      if (!first) out.push_back(options_.delimiter);
      first = false;
      out += csv_cell(text_of(v), options_.delimiter);
    };
    for (std::string_view c : kMetaColumns) cell(member(doc, c));
    const rapidjson::Value& data = member(doc, "data");
    for (const std::string& f : fields_) cell(member(data, f));
    out += "\r\n";
    return true;
  }

  void end(std::uint64_t, std::string&) override {}

 private:
  std::vector<std::string> fields_;
  CsvOptions options_;
};

}  // namespace

std::string csv_cell(std::string_view value, char delimiter) {
  std::string cell;
  if (starts_like_formula(value)) cell.push_back('\'');
  cell.append(value);
  // RFC 4180 §2: fields with line breaks, double quotes or the delimiter are
  // quoted, and a double quote inside is doubled.
  if (cell.find_first_of(std::string{'"', '\r', '\n', delimiter}) == std::string::npos) return cell;
  std::string quoted = "\"";
  for (char c : cell) {
    if (c == '"') quoted.push_back('"');
    quoted.push_back(c);
  }
  quoted.push_back('"');
  return quoted;
}

std::unique_ptr<SubmissionExport> make_csv_export(std::vector<std::string> fields, CsvOptions options) {
  return std::make_unique<CsvExport>(std::move(fields), options);
}

}  // namespace civic::forms
