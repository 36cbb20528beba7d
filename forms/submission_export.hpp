// Exports of stored submissions for case workers and integrations, written a
// piece at a time so that an export of any size is streamed, never built
// whole: begin(), then row() for each stored submission (oldest first), then
// end(). Each appends its bytes to `out`.
//
// CSV (export_csv.cpp): RFC 4180, UTF-8, CR LF line ends, a header row;
// columns receipt, seq, created_time, language, then the form's fields in
// its order; several values joined with ", "; files by their names. A cell
// that a spreadsheet would run as a formula (one starting with = + - @, a
// tab or a carriage return) gets a leading apostrophe (OWASP "CSV
// injection"), unless it is a plain number such as -5 or +358.
//
// XML (export_xml.cpp, libxml2's xmlTextWriter): the elements documented in
// docs/admin-api.md.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace civic::forms {

class SubmissionExport {
 public:
  virtual ~SubmissionExport() = default;
  virtual void begin(std::string& out) = 0;
  // `record` is a stored submission's JSON ({"receipt","form","seq",
  // "created_time","language","data"}). False if it does not parse (nothing
  // is written for it).
  virtual bool row(std::string_view record, std::string& out) = 0;
  // `next_since`: the seq to continue from (the last one written).
  virtual void end(std::uint64_t next_since, std::string& out) = 0;
};

struct CsvOptions {
  char delimiter = ',';  // or ';' for spreadsheets in locales that expect it
  bool bom = false;      // a UTF-8 byte order mark first (for Excel)
};

// `fields`: the form's field names, in its order.
std::unique_ptr<SubmissionExport> make_csv_export(std::vector<std::string> fields, CsvOptions options);
std::unique_ptr<SubmissionExport> make_xml_export(std::string form);

// One CSV cell: neutralised against formula injection, quoted if needed.
std::string csv_cell(std::string_view value, char delimiter);

// libxml2's global state, before any thread exports XML.
void init_xml_export();

}  // namespace civic::forms
