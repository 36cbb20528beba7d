// Stored submissions one JSON object a line, as stored (civicctl's default).
#include "forms/submission_export.hpp"

namespace civic::forms {

namespace {

class JsonLinesExport final : public SubmissionExport {
 public:
  void begin(std::string&) override {}
  bool row(std::string_view record, std::string& out) override {
    out += record;
    out += '\n';
    return true;
  }
  void end(std::uint64_t, std::string&) override {}
};

}  // namespace

std::unique_ptr<SubmissionExport> make_json_lines_export() { return std::make_unique<JsonLinesExport>(); }

}  // namespace civic::forms
