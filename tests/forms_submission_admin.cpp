// The forms admin service on a real store: the list, one submission, a file
// with its metadata and Content-Disposition, erasure, exports' headers,
// retired forms, and what is answered where (at once or in the pool).
#include <cstring>
#include <string>

#include "forms/service/form_definition.hpp"
#include "forms/service/stored_file.hpp"
#include "forms/service/submission_admin.hpp"
#include "tests/support/forms_admin.hpp"
#include "tests/support/cmocka.hpp"  // last

using namespace civic;
using namespace civic::forms;

namespace {

int setup(void** state) {
  if (test::forms_store_setup(state) != 0) return -1;
  auto* f = static_cast<test::FormsStore*>(*state);
  // seq 1 without a file, seq 2 with two, seq 3 without.
  if (test::submit(*f->store, "feedback", "Matti").empty() || test::submit(*f->store, "feedback", "Liisa", 2).empty() ||
      test::submit(*f->store, "feedback", "Pekka").empty())
    return -1;
  return 0;
}

// What a client sees: plain values.
struct Seen {
  int status = 0;
  std::string content_type, body, disposition, nosniff, csp, log;
  bool in_pool = false, export_pages = false, log_notice = false;
};

Seen seen_of(const Reply& r) {
  Seen s;
  s.status = r.status;
  s.content_type = r.content_type;
  s.body = r.shared ? *r.shared : r.body.str();
  s.log = r.log;
  s.log_notice = r.log_notice;
  for (const auto& [name, value] : r.headers) {
    if (name == "Content-Disposition") s.disposition = value;
    if (name == "X-Content-Type-Options") s.nosniff = value;
    if (name == "Content-Security-Policy") s.csp = value;
  }
  return s;
}

// The request as the module hands it over; a list or an erasure is then
// answered as the pool thread would.
Seen ask(test::FormsStore& f, std::string_view path, std::string_view args = {},
         AdminMethod method = AdminMethod::get, bool store_open = true) {
  AdminRequest request{method, path, args, "http://127.0.0.1", "/admin/forms/feedback/submissions.csv"};
  AdminAnswer answer = answer_admin(f.forms, store_open ? &*f.store : nullptr, request);
  if (answer.in_pool) {
    Seen s = seen_of(answer_in_pool(*f.store, *answer.in_pool));
    s.in_pool = true;
    return s;
  }
  Seen s = seen_of(answer.reply);
  s.export_pages = answer.pager != nullptr;
  return s;
}

std::string receipt_of(test::FormsStore& f, std::uint64_t seq) {
  Seen s = ask(f, "feedback/submissions", "since=" + std::to_string(seq - 1) + "&limit=1");
  auto at = s.body.find("\"receipt\":\"");
  if (at == std::string::npos) return {};
  at += 11;
  return s.body.substr(at, s.body.find('"', at) - at);
}

#define assert_contains(haystack, needle) \
  if (std::strstr((haystack).c_str(), needle) == nullptr) fail_msg("\"%s\" lacks \"%s\"", (haystack).c_str(), needle)

void lists_in_pages(void** state) {
  auto& f = test::forms_store(state);
  Seen s = ask(f, "feedback/submissions");
  assert_true(s.in_pool);
  assert_int_equal(s.status, 200);
  assert_string_equal(s.content_type.c_str(), "application/json");
  assert_contains(s.body, "{\"data\":[{\"receipt\":\"PAL-");
  assert_contains(s.body, "\"data\":{\"name\":\"Matti\"}");
  assert_contains(s.body, "],\"next_since\":3}");
  s = ask(f, "feedback/submissions", "since=1&limit=1");
  assert_contains(s.body, "\"name\":\"Liisa\"");
  assert_null(std::strstr(s.body.c_str(), "Pekka"));
  assert_contains(s.body, "\"next_since\":2}");
  s = ask(f, "feedback/submissions", "since=3");
  assert_string_equal(s.body.c_str(), "{\"data\":[],\"next_since\":3}");  // polling: nothing new, same cursor
  s = ask(f, "feedback/submissions", "limit=0");
  assert_int_equal(s.status, 400);
  assert_false(s.in_pool);
}

void refuses_what_is_not_there(void** state) {
  auto& f = test::forms_store(state);
  Seen s = ask(f, "nosuch/submissions");
  assert_int_equal(s.status, 404);
  assert_contains(s.body, "\"field\":\"form\"");
  s = ask(f, "feedback/other");
  assert_int_equal(s.status, 404);
  assert_contains(s.body, "no such admin resource");
  s = ask(f, "feedback/submissions", {}, AdminMethod::get, false);
  assert_int_equal(s.status, 503);
  s = ask(f, "feedback/nothing", {}, AdminMethod::get, false);
  assert_int_equal(s.status, 404);  // a path that names nothing is 404 whether or not the store is open
  s = ask(f, "feedback/submissions/PAL-2026-XXXX-999999");
  assert_int_equal(s.status, 404);
  assert_contains(s.body, "\"field\":\"receipt\"");
}

void reads_one_submission(void** state) {
  auto& f = test::forms_store(state);
  std::string receipt = receipt_of(f, 1);
  assert_false(receipt.empty());
  Seen s = ask(f, "feedback/submissions/" + receipt);
  assert_false(s.in_pool);
  assert_int_equal(s.status, 200);
  assert_string_equal(s.content_type.c_str(), "application/json");
  assert_contains(s.body, ("{\"receipt\":\"" + receipt + "\",\"form\":\"feedback\",\"seq\":1,").c_str());
}

void serves_files_as_downloads(void** state) {
  auto& f = test::forms_store(state);
  std::string with_files = receipt_of(f, 2);
  Seen s = ask(f, "feedback/submissions/" + with_files + "/files/photo", "index=1");
  assert_int_equal(s.status, 200);
  assert_string_equal(s.content_type.c_str(), "image/png");
  assert_string_equal(s.body.c_str(), "\x89PNG1");
  assert_string_equal(s.disposition.c_str(),
                      "attachment; filename=\"kuva 2;__.png\"; filename*=UTF-8''kuva%202%3B%C3%A4.png");
  assert_string_equal(s.nosniff.c_str(), "nosniff");
  assert_string_equal(s.csp.c_str(), "sandbox");
  s = ask(f, "feedback/submissions/" + with_files + "/files/photo", "index=2");
  assert_int_equal(s.status, 404);
  assert_contains(s.body, "the submission has no such file");
  s = ask(f, "feedback/submissions/" + receipt_of(f, 1) + "/files/photo");
  assert_int_equal(s.status, 404);
  s = ask(f, "feedback/submissions/" + with_files + "/files/name");
  assert_int_equal(s.status, 404);
  assert_contains(s.body, "the form has no file field of that name");
}

void reads_file_metadata(void**) {
  const char* record = R"({"receipt":"R","data":{"photo":[{"filename":"a.pdf","content_type":"application/pdf"},)"
                       R"({"size":3}],"name":"x"}})";
  auto first = stored_file(record, "photo", 0);
  assert_true(first.has_value());
  assert_string_equal(first->filename.c_str(), "a.pdf");
  assert_string_equal(first->content_type.c_str(), "application/pdf");
  auto second = stored_file(record, "photo", 1);
  assert_string_equal(second->filename.c_str(), "file");  // unnamed
  assert_string_equal(second->content_type.c_str(), "");
  assert_false(stored_file(record, "photo", 2).has_value());
  assert_false(stored_file(record, "name", 0).has_value());
  assert_false(stored_file(record, "nosuch", 0).has_value());
  assert_false(stored_file("not json", "photo", 0).has_value());
  assert_string_equal(content_disposition("").c_str(), "attachment; filename=\"file\"; filename*=UTF-8''");
  assert_string_equal(content_disposition("a\"b\\c/d.txt").c_str(),
                      "attachment; filename=\"a_b_c_d.txt\"; filename*=UTF-8''a%22b%5Cc%2Fd.txt");
}

void erases_in_the_pool(void** state) {
  auto& f = test::forms_store(state);
  std::string victim = receipt_of(f, 2);
  Seen s = ask(f, "feedback/submissions/" + victim, {}, AdminMethod::erase);
  assert_true(s.in_pool);
  assert_int_equal(s.status, 204);
  assert_string_equal(s.body.c_str(), "");
  // Logged at [notice] once done: who erased what stays in the log.
  assert_string_equal(s.log.c_str(), ("erased submission " + victim + " of form \"feedback\"").c_str());
  assert_true(s.log_notice);
  s = ask(f, "feedback/submissions/" + victim);
  assert_int_equal(s.status, 404);
  s = ask(f, "feedback/submissions/" + victim + "/files/photo");
  assert_int_equal(s.status, 404);
  s = ask(f, "feedback/submissions/" + victim, {}, AdminMethod::erase);
  assert_int_equal(s.status, 404);
  assert_contains(s.body, "\"field\":\"receipt\"");
  s = ask(f, "feedback/submissions");
  assert_null(std::strstr(s.body.c_str(), "Liisa"));
}

void exports_with_headers_then_pages(void** state) {
  auto& f = test::forms_store(state);
  Seen s = ask(f, "feedback/submissions.csv");
  assert_true(s.export_pages);
  assert_int_equal(s.status, 200);
  assert_string_equal(s.content_type.c_str(), "text/csv; charset=utf-8");
  assert_string_equal(s.disposition.c_str(), "attachment; filename=\"feedback.csv\"");
  assert_string_equal(s.nosniff.c_str(), "nosniff");
  assert_string_equal(s.body.c_str(), "");
  s = ask(f, "feedback/submissions.xml", "bom=1");  // a CSV option, unknown to XML, is no error
  assert_true(s.export_pages);
  assert_string_equal(s.disposition.c_str(), "attachment; filename=\"feedback.xml\"");
  s = ask(f, "feedback/submissions.csv", "delimiter=tab");
  assert_false(s.export_pages);
  assert_int_equal(s.status, 400);
}

// "old" was configured once, with a submission; the running configuration
// has it no more. How many fields the admin API then knows it by (-1: not
// found, or not as retired).
int retire_old_form(test::FormsStore& f) {
  Forms before;
  Form old = test::feedback_form();
  old.name = "old";
  before.add(old);
  if (record_form_definitions(*f.store, before, 1800000000)) return -1;
  if (test::submit(*f.store, "old", "Vanha").empty()) return -1;
  if (record_form_definitions(*f.store, f.forms, 1800000100)) return -1;
  AdminForm found = admin_form(f.forms, *f.store, "old");
  return found.form && found.retired ? static_cast<int>(found.form->fields.size()) : -1;
}

bool configured_form_is_retired(test::FormsStore& f) { return admin_form(f.forms, *f.store, "feedback").retired; }

void serves_retired_forms(void** state) {
  auto& f = test::forms_store(state);
  assert_int_equal(retire_old_form(f), 3);
  Seen s = ask(f, "old/submissions");
  assert_int_equal(s.status, 200);
  assert_contains(s.body, "\"name\":\"Vanha\"");
  s = ask(f, "old/submissions.csv");
  assert_true(s.export_pages);
  assert_false(configured_form_is_retired(f));
}

}  // namespace

int main() {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(lists_in_pages, setup, test::forms_store_teardown),
      cmocka_unit_test_setup_teardown(refuses_what_is_not_there, setup, test::forms_store_teardown),
      cmocka_unit_test_setup_teardown(reads_one_submission, setup, test::forms_store_teardown),
      cmocka_unit_test_setup_teardown(serves_files_as_downloads, setup, test::forms_store_teardown),
      cmocka_unit_test(reads_file_metadata),
      cmocka_unit_test_setup_teardown(erases_in_the_pool, setup, test::forms_store_teardown),
      cmocka_unit_test_setup_teardown(exports_with_headers_then_pages, setup, test::forms_store_teardown),
      cmocka_unit_test_setup_teardown(serves_retired_forms, setup, test::forms_store_teardown),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
