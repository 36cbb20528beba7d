// The export pager: every submission once, oldest first, in pages of a
// bounded size, within since/limit, with the writer's beginning and end;
// pages read in transactions of their own miss nothing committed between them.
#include <algorithm>
#include <cstring>
#include <string>

#include "forms/service/export_pager.hpp"
#include "tests/support/forms_admin.hpp"
#include "tests/support/cmocka.hpp"  // last

using namespace civic;
using namespace civic::forms;

namespace {

constexpr int kStored = 300;
const std::string kLongName(2000, 'x');  // 300 of them make more than one page

int setup(void** state) {
  if (test::forms_store_setup(state) != 0) return -1;
  auto* f = static_cast<test::FormsStore*>(*state);
  for (int i = 0; i < kStored; ++i)
    if (test::submit(*f->store, "feedback", kLongName).empty()) return -1;
  return 0;
}

// What the reader of an export sees: plain values.
struct Read {
  int pages = 0;
  int rows = 0;                // lines of JSON
  std::uint64_t first_seq = 0, last_seq = 0;
  std::size_t largest_page = 0;
  std::string text;            // the whole export (XML: all of it; JSON lines: not kept)
  bool failed = false;
};

std::uint64_t seq_of(std::string_view line) {
  auto at = line.find("\"seq\":");
  return at == std::string_view::npos ? 0 : std::stoull(std::string(line.substr(at + 6)));
}

void count_rows(std::string_view page, Read& read) {
  for (std::size_t start = 0, end; (end = page.find('\n', start)) != std::string_view::npos; start = end + 1) {
    std::uint64_t seq = seq_of(page.substr(start, end - start));
    if (read.rows == 0) read.first_seq = seq;
    if (seq <= read.last_seq) read.failed = true;  // out of order or repeated
    read.last_seq = seq;
    ++read.rows;
  }
}

// Reads a JSON-lines export to its end, each page in a transaction of its
// own; `between` runs after the first page.
template <class Between>
Read read_all(storage::Store& store, std::uint64_t since, std::optional<std::uint64_t> limit, Between between) {
  Read read;
  ExportPager pager("feedback", make_json_lines_export(), since, limit);
  while (!pager.finished()) {
    std::string page;
    if (!pager.next_page(store, page)) read.failed = true;
    if (read.failed) break;
    ++read.pages;
    read.largest_page = std::max(read.largest_page, page.size());
    count_rows(page, read);
    if (read.pages == 1) between();
  }
  return read;
}

Read read_all(storage::Store& store, std::uint64_t since = 0, std::optional<std::uint64_t> limit = std::nullopt) {
  return read_all(store, since, limit, [] {});
}

// An XML export read in one transaction, as civicctl reads.
Read read_xml_in_one_txn(storage::Store& store, std::uint64_t since) {
  Read read;
  auto txn = storage::Txn::begin_read(store.env());
  if (!txn) {
    read.failed = true;
    return read;
  }
  ExportPager pager("feedback", make_xml_export("feedback"), since);
  while (!pager.finished() && !read.failed) {
    if (!pager.next_page(*txn, store.db(), read.text)) read.failed = true;
    ++read.pages;
  }
  return read;
}

void reads_every_submission_once_in_bounded_pages(void** state) {
  Read r = read_all(*test::forms_store(state).store);
  assert_false(r.failed);
  assert_int_equal(r.rows, kStored);
  assert_int_equal(r.first_seq, 1);
  assert_int_equal(r.last_seq, kStored);
  assert_true(r.pages >= 2);
  // A page stops at the first read that reaches the bound.
  std::size_t row_size = kLongName.size() + 200;
  assert_true(r.largest_page <= kExportPageBytes + kExportRowsPerRead * row_size);
}

void keeps_to_since_and_limit(void** state) {
  auto& store = *test::forms_store(state).store;
  Read r = read_all(store, 150, 20);
  assert_int_equal(r.rows, 20);
  assert_int_equal(r.first_seq, 151);
  assert_int_equal(r.last_seq, 170);
  r = read_all(store, 0, kExportRowsPerRead);  // exactly one read's worth
  assert_int_equal(r.rows, kExportRowsPerRead);
  assert_int_equal(r.pages, 1);
  r = read_all(store, kStored - 1, 1000);
  assert_int_equal(r.rows, 1);
  r = read_all(store, kStored);
  assert_int_equal(r.rows, 0);
  assert_int_equal(r.pages, 1);  // one page: the beginning and the end
}

void pages_see_what_was_committed_between_them(void** state) {
  auto& store = *test::forms_store(state).store;
  int added = 0;
  Read r = read_all(store, 0, std::nullopt, [&] {
    for (int i = 0; i < 5; ++i) added += !test::submit(store, "feedback", "later").empty();
  });
  assert_int_equal(added, 5);
  assert_false(r.failed);
  assert_int_equal(r.rows, kStored + 5);
}

void writes_the_beginning_and_the_end(void** state) {
  auto& store = *test::forms_store(state).store;
  Read r = read_xml_in_one_txn(store, kStored - 2);
  assert_false(r.failed);
  assert_non_null(std::strstr(r.text.c_str(), "<submissions form=\"feedback\">"));
  assert_non_null(std::strstr(r.text.c_str(), " seq=\"299\""));
  assert_non_null(std::strstr(r.text.c_str(), "<next_since>300</next_since>"));
  r = read_xml_in_one_txn(store, kStored + 10);  // nothing after: the cursor stays
  assert_non_null(std::strstr(r.text.c_str(), "<next_since>310</next_since>"));
  assert_null(std::strstr(r.text.c_str(), "<submission "));
}

}  // namespace

int main() {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(reads_every_submission_once_in_bounded_pages, setup, test::forms_store_teardown),
      cmocka_unit_test_setup_teardown(keeps_to_since_and_limit, setup, test::forms_store_teardown),
      cmocka_unit_test_setup_teardown(pages_see_what_was_committed_between_them, setup, test::forms_store_teardown),
      cmocka_unit_test_setup_teardown(writes_the_beginning_and_the_end, setup, test::forms_store_teardown),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
