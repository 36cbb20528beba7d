#include <algorithm>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "forms/submission_export.hpp"

#include "forms/local_time.hpp"
#include "common/url.hpp"

namespace civic::forms {

namespace {

constexpr std::string_view kJoin = ", ";

// -5, -3.14: a negative number, which a spreadsheet shows as it is. A
// leading "+" is text (a telephone number): a spreadsheet would drop it.
bool is_plain_number(std::string_view v) {
  std::size_t i = 0;
  if (i < v.size() && v[i] == '-') ++i;
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

// Percent-encodes a URL path segment (RFC 3986 unreserved characters stay).
std::string url_segment(std::string_view s) { return url::encoded(s, url::Keep::unreserved); }

class CsvExport final : public SubmissionExport {
 public:
  CsvExport(std::vector<CsvColumn> columns, CsvOptions options) : columns_(std::move(columns)), options_(std::move(options)) {}

  void begin(std::string& out) override {
    if (options_.bom) out += "\xEF\xBB\xBF";
    bool first = true;
    auto column = [&](std::string_view name) {
      if (!first) out.push_back(options_.delimiter);
      first = false;
      out += csv_cell(name, options_.delimiter);
    };
    column("receipt");
    column("seq");
    column("created_time");
    if (!options_.time_zone.empty()) column("created_local");
    column("language");
    for (const CsvColumn& c : columns_) column(c.header);
    if (!options_.file_url_base.empty())
      for (const CsvColumn& c : columns_)
        if (c.file) column(c.header + " (link)");
    if (options_.sealed) {
      column("key_id");
      column("sealed");
    }
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
    auto cell_text = [&](std::string_view text) {
      if (!first) out.push_back(options_.delimiter);
      first = false;
      out += csv_cell(text, options_.delimiter);
    };
    auto cell = [&](const rapidjson::Value& v) { cell_text(text_of(v)); };
    cell(member(doc, "receipt"));
    cell(member(doc, "seq"));
    const rapidjson::Value& created = member(doc, "created_time");
    cell(created);
    if (!options_.time_zone.empty()) {
      std::int64_t t = 0;
      bool ok = created.IsString() && parse_utc_time(std::string_view(created.GetString(), created.GetStringLength()), t);
      cell_text(ok ? local_time_text(t, options_.time_zone) : std::string());
    }
    cell(member(doc, "language"));
    const rapidjson::Value& data = member(doc, "data");
    const rapidjson::Value& sealed = member(doc, "sealed");
    for (const CsvColumn& c : columns_) {
      const rapidjson::Value& v = member(data, c.field);
      if (c.option_labels.empty()) {
        cell(v);
        continue;
      }
      auto label = [&](const rapidjson::Value& item) {
        std::string value = scalar_text(item);
        for (const auto& [option, text] : c.option_labels)
          if (option == value) return text;
        return value;  // a value of an older version of the form: as stored
      };
      std::string joined;
      if (v.IsArray()) {
        for (const auto& item : v.GetArray()) joined += (joined.empty() ? "" : std::string(kJoin)) + label(item);
      } else if (!v.IsNull()) {
        joined = label(v);
      }
      cell_text(joined);
    }
    if (!options_.file_url_base.empty()) {
      const rapidjson::Value& receipt = member(doc, "receipt");
      std::string base = options_.file_url_base + (receipt.IsString() ? url_segment(receipt.GetString()) : "") + "/files/";
      for (const CsvColumn& c : columns_) {
        if (!c.file) continue;
        std::string links;
        auto link = [&](std::uint64_t i) {
          links += (links.empty() ? "" : std::string(kJoin)) + base + url_segment(c.field) + "?index=" + std::to_string(i);
        };
        const rapidjson::Value& files = member(data, c.field);
        if (files.IsArray())
          for (rapidjson::SizeType i = 0; i < files.Size(); ++i) link(i);
        // A sealed record lists its files' envelopes by field and index.
        const rapidjson::Value& sealed_files = member(sealed, "files");
        if (sealed_files.IsArray())
          for (const auto& f : sealed_files.GetArray())
            if (scalar_text(member(f, "field")) == c.field && member(f, "index").IsUint()) link(member(f, "index").GetUint());
        cell_text(links);
      }
    }
    if (options_.sealed) {
      cell(member(sealed, "key_id"));
      cell(member(sealed, "data"));
    }
    out += "\r\n";
    return true;
  }

  void end(std::uint64_t, std::string&) override {}

 private:
  std::vector<CsvColumn> columns_;
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

std::vector<CsvColumn> csv_columns(const Form& form, std::string_view labels_lang) {
  std::vector<CsvColumn> columns;
  for (const Field& f : form.fields) {
    CsvColumn c;
    c.field = f.name;
    c.header = f.name;
    c.file = f.type == FieldType::file;
    if (!labels_lang.empty()) {
      std::string_view label = f.label.in(labels_lang, form.languages);
      if (!label.empty()) c.header = label;
      for (const Option& o : f.options)
        c.option_labels.emplace_back(o.value, std::string(o.label.in(labels_lang, form.languages)));
    }
    columns.push_back(std::move(c));
  }
  return columns;
}

std::optional<QueryError> csv_export_request(const Form& form, std::span<const QueryParameter> params,
                                             std::vector<CsvColumn>& columns, CsvOptions& options) {
  auto get = [&](std::string_view name) -> const std::string* {
    for (const QueryParameter& p : params)
      if (p.name == name) return &p.value;
    return nullptr;
  };
  auto flag = [&](std::string_view name, bool& out) -> std::optional<QueryError> {
    const std::string* v = get(name);
    if (v == nullptr) return std::nullopt;
    if (*v != "0" && *v != "1") return QueryError{std::string(name), "must be 0 or 1"};
    out = *v == "1";
    return std::nullopt;
  };
  if (const std::string* d = get("delimiter")) {
    if (*d != ";" && *d != ",") return QueryError{"delimiter", "must be , or ;"};
    options.delimiter = (*d)[0];
  }
  options.bom = options.delimiter == ';';
  if (auto e = flag("bom", options.bom)) return e;
  bool labels = false;
  if (auto e = flag("labels", labels)) return e;
  std::string lang = form.languages.front();
  if (const std::string* l = get("lang")) {
    if (std::find(form.languages.begin(), form.languages.end(), *l) == form.languages.end())
      return QueryError{"lang", "is not one of the form's languages"};
    lang = *l;
  }
  columns = csv_columns(form, labels ? lang : std::string_view());
  options.time_zone = form.timezone;
  options.sealed = form.seal.has_value();
  return std::nullopt;
}

std::unique_ptr<SubmissionExport> make_csv_export(std::vector<CsvColumn> columns, CsvOptions options) {
  return std::make_unique<CsvExport>(std::move(columns), std::move(options));
}

}  // namespace civic::forms
