// Exports of stored submissions for case workers and integrations, written a
// piece at a time so that an export of any size is streamed, never built
// whole: begin(), then row() for each stored submission (oldest first), then
// end(). Each appends its bytes to `out`.
//
// CSV (export_csv.cpp): RFC 4180, UTF-8, CR LF line ends, a header row;
// columns receipt, seq, created_time (UTC), created_local (the form's time
// zone), language, then the form's fields in its order (several values joined
// with ", "; files by their names), then for each file field a column of
// links to its files in the admin API (then, for a sealed form, key_id and
// sealed: docs/sealing.md). A cell that a spreadsheet would run as
// a formula (one starting with = + - @, a tab or a carriage return) gets a
// leading apostrophe (OWASP "CSV injection"), unless it is a plain negative
// number such as -5: "+358401234567" and "+358 40 123 4567" alike.
//
// XML (export_xml.cpp, libxml2's xmlTextWriter): the elements documented in
// docs/admin-api.md.
//
// forms/service/export_pager.hpp reads the rows a page at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/query_string.hpp"
#include "common/result.hpp"
#include "forms/form.hpp"
#include "sealing/seal_keys.hpp"

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
  std::string time_zone;      // of created_local; "" leaves the column out
  std::string file_url_base;  // ".../submissions/": the link columns; "" leaves them out
  // A sealed form's: key_id and sealed columns last; a sealed record fills
  // them (the answers' envelope in base64) and its links, not its fields.
  bool sealed = false;
};

// One field's column: its name in the data, its header, and (labels) what
// its stored option values are shown as.
struct CsvColumn {
  std::string field;
  std::string header;
  bool file = false;
  std::vector<std::pair<std::string, std::string>> option_labels;  // value -> label
};

// The columns of a form's fields, in its order: headed by their names, or
// with `labels_lang` by their labels in that language (its fallback chain)
// with option values shown as their labels.
std::vector<CsvColumn> csv_columns(const Form& form, std::string_view labels_lang = {});

std::unique_ptr<SubmissionExport> make_csv_export(std::vector<CsvColumn> columns, CsvOptions options);

// What a CSV export request asks for (docs/admin-api.md): delimiter=,|;
// bom=0|1 (default 1 with ";", which is what Excel in Finnish or Danish
// opens), labels=0|1 and lang=L (one of the form's languages; default its
// first). Sets the columns and the options (local times in the form's time
// zone); a bad value is an error naming the parameter.
std::optional<QueryError> csv_export_request(const Form& form, std::span<const QueryParameter> params,
                                             std::vector<CsvColumn>& columns, CsvOptions& options);
std::unique_ptr<SubmissionExport> make_xml_export(std::string form);
// One stored JSON record a line, as stored (export_json_lines.cpp).
std::unique_ptr<SubmissionExport> make_json_lines_export();

// On a case worker's machine (civicctl --key): each record opened with
// `keys` before `inner` writes it, so that a sealed form's export is the one
// an unsealed form gives (unsealed records pass through). A record that does
// not open sets `error` (which must outlive the export) and ends the rows.
std::unique_ptr<SubmissionExport> make_opened_export(std::unique_ptr<SubmissionExport> inner,
                                                     const sealing::KeyRing& keys, std::string& error);

// A sealed form's CSV export (as the admin API writes it: key_id and sealed
// last) opened with `keys`: the CSV an unsealed form gives with the same
// options, byte for byte. Needs the field names as headers (not labels=1).
Result<std::string> open_csv_export(std::string_view csv, const sealing::KeyRing& keys);

// One CSV cell: neutralised against formula injection, quoted if needed.
std::string csv_cell(std::string_view value, char delimiter);

// libxml2's global state, before any thread exports XML.
void init_xml_export();

}  // namespace civic::forms
