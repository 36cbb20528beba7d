#include "forms/service/export_pager.hpp"

#include "storage/submission_store.hpp"

namespace civic::forms {

ExportPager::ExportPager(std::string form, std::unique_ptr<SubmissionExport> writer, std::uint64_t since,
                         std::optional<std::uint64_t> limit)
    : form_(std::move(form)), writer_(std::move(writer)), after_(since), remaining_(limit) {}

Status ExportPager::next_page(const storage::Txn& txn, const storage::Databases& db, std::string& out) {
  if (finished_) return {};
  if (!began_) {
    writer_->begin(out);
    began_ = true;
  }
  std::size_t start = out.size();
  while (out.size() - start < kExportPageBytes) {
    std::size_t want = kExportRowsPerRead;
    if (remaining_ && *remaining_ < want) want = static_cast<std::size_t>(*remaining_);
    if (want == 0) {
      finished_ = true;
      break;
    }
    auto rows = storage::list_submissions(txn, db, form_, after_, want);
    if (!rows) return rows.error();
    for (const auto& s : *rows) {
      writer_->row(s.json, out);
      after_ = s.seq;
    }
    if (remaining_) *remaining_ -= rows->size();
    if (rows->size() < want) {
      finished_ = true;
      break;
    }
  }
  if (finished_) writer_->end(after_, out);
  return {};
}

Status ExportPager::next_page(storage::Store& store, std::string& out) {
  auto txn = storage::Txn::begin_read(store.env());
  if (!txn) return txn.error();
  return next_page(*txn, store.db(), out);
}

}  // namespace civic::forms
