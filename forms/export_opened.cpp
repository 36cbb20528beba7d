#include <utility>
#include <vector>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "forms/submission_export.hpp"
#include "sealing/envelope.hpp"
#include "sealing/sealed_record.hpp"
#include "sealing/sodium_text.hpp"

namespace civic::forms {

namespace {

// Opens each sealed record and hands the opened record to `inner`: the rows
// an unsealed form would have given. The first record that does not open
// stops the export (`error` says why); nothing more is written.
class OpenedExport final : public SubmissionExport {
 public:
  OpenedExport(std::unique_ptr<SubmissionExport> inner, const sealing::KeyRing& keys, std::string& error)
      : inner_(std::move(inner)), keys_(keys), error_(error) {}

  void begin(std::string& out) override { inner_->begin(out); }

  bool row(std::string_view record, std::string& out) override {
    if (!error_.empty()) return false;
    auto opened = sealing::open_record(record, keys_);
    if (!opened) {
      error_ = opened.error().message();
      return false;
    }
    return inner_->row(*opened, out);
  }

  void end(std::uint64_t next_since, std::string& out) override {
    if (error_.empty()) inner_->end(next_since, out);
  }

 private:
  std::unique_ptr<SubmissionExport> inner_;
  const sealing::KeyRing& keys_;
  std::string& error_;
};

using Row = std::vector<std::string_view>;  // each cell as written (quotes and all)

// RFC 4180 rows of `csv`, each cell's bytes as they are; false if a quote
// is not closed.
bool split_rows(std::string_view csv, char delimiter, std::vector<Row>& rows) {
  Row row;
  std::size_t i = 0;
  while (i < csv.size()) {
    std::size_t start = i;
    if (csv[i] == '"') {
      for (++i;; ++i) {
        if (i >= csv.size()) return false;
        if (csv[i] != '"') continue;
        if (i + 1 < csv.size() && csv[i + 1] == '"') {
          ++i;
          continue;
        }
        ++i;
        break;
      }
    } else {
      while (i < csv.size() && csv[i] != delimiter && csv[i] != '\r' && csv[i] != '\n') ++i;
    }
    row.push_back(csv.substr(start, i - start));
    if (i < csv.size() && csv[i] == delimiter) {
      ++i;
      continue;
    }
    if (i < csv.size() && csv[i] == '\r') ++i;
    if (i < csv.size() && csv[i] == '\n') ++i;
    rows.push_back(std::move(row));
    row.clear();
  }
  return true;
}

// A cell's text: unquoted, "" made ".
std::string cell_text(std::string_view raw) {
  if (raw.size() < 2 || raw.front() != '"') return std::string(raw);
  std::string out;
  for (std::size_t i = 1; i + 1 < raw.size(); ++i) {
    out.push_back(raw[i]);
    if (raw[i] == '"') ++i;
  }
  return out;
}

Error refused(std::string why) { return Error(Error::kInvalid, "open a CSV export", std::move(why)); }

}  // namespace

Result<std::string> open_csv_export(std::string_view csv, const sealing::KeyRing& keys) {
  constexpr std::string_view kBom = "\xEF\xBB\xBF";
  const bool bom = csv.starts_with(kBom);
  if (bom) csv.remove_prefix(kBom.size());
  if (!csv.starts_with("receipt") || csv.size() < 8 || (csv[7] != ',' && csv[7] != ';'))
    return refused("not a CSV export of submissions (its first column is not \"receipt\")");
  const char delimiter = csv[7];
  std::vector<Row> rows;
  if (!split_rows(csv, delimiter, rows) || rows.empty()) return refused("a quoted cell is not closed");
  std::vector<std::string> header;
  for (std::string_view raw : rows.front()) header.push_back(cell_text(raw));
  const std::size_t n = header.size();
  if (n < 6 || header[n - 2] != "key_id" || header[n - 1] != "sealed")
    return refused("its last columns are not key_id and sealed: the export of a sealed form is needed");
  const bool local = header[3] == "created_local";
  const std::size_t language = local ? 4 : 3;
  if (header[1] != "seq" || header[2] != "created_time" || header[language] != "language")
    return refused("its first columns are not receipt, seq, created_time[, created_local], language");
  // The fields, then their links ("NAME (link)"), then key_id and sealed.
  std::size_t links = language + 1;
  while (links < n - 2 && !header[links].ends_with(" (link)")) ++links;
  std::vector<CsvColumn> columns;
  for (std::size_t i = language + 1; i < links; ++i) {
    CsvColumn c;
    c.field = c.header = header[i];
    for (std::size_t j = links; j < n - 2; ++j) c.file = c.file || header[j] == header[i] + " (link)";
    columns.push_back(std::move(c));
  }
  CsvOptions options;
  options.delimiter = delimiter;
  auto fields = make_csv_export(columns, options);

  std::string out = bom ? std::string(kBom) : std::string();
  auto write_row = [&](const Row& cells, std::size_t count) {
    for (std::size_t i = 0; i < count; ++i) {
      if (i > 0) out.push_back(delimiter);
      out.append(cells[i]);
    }
    out += "\r\n";
  };
  write_row(rows.front(), n - 2);
  for (std::size_t r = 1; r < rows.size(); ++r) {
    const Row& cells = rows[r];
    if (cells.size() != n) return refused("row " + std::to_string(r + 1) + " has " + std::to_string(cells.size()) + " cells, the header " + std::to_string(n));
    std::string sealed = cell_text(cells[n - 1]);
    if (sealed.empty()) {  // stored before the form was sealed: as it is
      write_row(cells, n - 2);
      continue;
    }
    auto envelope = sealing::from_base64(sealed);
    if (!envelope) return refused("row " + std::to_string(r + 1) + ": the sealed cell is not base64");
    auto data = sealing::open(*envelope, keys);
    if (!data) return data.error();
    // The record an unsealed form would have, written by the same CSV export.
    rapidjson::StringBuffer record;
    rapidjson::Writer<rapidjson::StringBuffer> w(record);
    w.StartObject();
    w.Key("data");
    w.RawValue(data->data(), data->size(), rapidjson::kObjectType);
    w.EndObject();
    std::string written;
    if (!fields->row(std::string_view(record.GetString(), record.GetSize()), written))
      return refused("row " + std::to_string(r + 1) + ": the opened answers are not a JSON object");
    std::vector<Row> opened;
    if (!split_rows(written, delimiter, opened) || opened.size() != 1 || opened[0].size() != 4 + columns.size())
      return refused("row " + std::to_string(r + 1) + ": the opened answers do not fit the columns");
    Row merged(cells.begin(), cells.begin() + static_cast<std::ptrdiff_t>(language + 1));
    merged.insert(merged.end(), opened[0].begin() + 4, opened[0].end());
    merged.insert(merged.end(), cells.begin() + static_cast<std::ptrdiff_t>(links), cells.end() - 2);
    write_row(merged, merged.size());
  }
  return out;
}

std::unique_ptr<SubmissionExport> make_opened_export(std::unique_ptr<SubmissionExport> inner,
                                                     const sealing::KeyRing& keys, std::string& error) {
  return std::make_unique<OpenedExport>(std::move(inner), keys, error);
}

}  // namespace civic::forms
