#include <utility>

#include "forms/submission_export.hpp"
#include "sealing/sealed_record.hpp"

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

}  // namespace

std::unique_ptr<SubmissionExport> make_opened_export(std::unique_ptr<SubmissionExport> inner,
                                                     const sealing::KeyRing& keys, std::string& error) {
  return std::make_unique<OpenedExport>(std::move(inner), keys, error);
}

}  // namespace civic::forms
