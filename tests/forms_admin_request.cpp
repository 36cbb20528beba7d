// What an admin request below /admin/forms/ asks for: the routes, the
// receipts looked up at all, the methods, and the query's windows and
// options, each refusal with the status and the field a client sees.
#include <cstring>
#include <initializer_list>
#include <string>

#include "forms/service/admin_request.hpp"
#include "tests/support/forms_admin.hpp"
#include "tests/support/cmocka.hpp"  // last

using namespace civic;
using namespace civic::forms;
using Kind = AdminRoute::Kind;
using Action = AdminPlan::Action;

namespace {

// What a caller sees of a plan or a refusal: plain values.
struct Seen {
  int status = 0;  // 0: planned
  std::string body, allow;
  Action action = Action::list;
  std::string form, receipt, field;
  std::uint64_t since = 0, limit = 0;  // limit 0: none given
  std::uint32_t index = 0;
  std::string content_type, filename, first_row;  // an export's
};

Seen plan(std::string_view path, std::string_view args = {}, AdminMethod method = AdminMethod::get) {
  static const Form form = test::feedback_form();
  Seen seen;
  auto route = route_admin_path(path);
  if (!route) {
    seen.status = -1;
    return seen;
  }
  AdminRequest request{method, path, args, "https://example.org", "/admin/forms/feedback/submissions.csv"};
  auto planned = plan_admin_request(*route, request, form);
  if (auto* refused = std::get_if<Reply>(&planned)) {
    seen.status = refused->status;
    seen.body = refused->body.str();
    for (const auto& [name, value] : refused->headers)
      if (name == "Allow") seen.allow = value;
    return seen;
  }
  auto& p = std::get<AdminPlan>(planned);
  seen.action = p.action;
  seen.form = p.form;
  seen.receipt = p.receipt;
  seen.field = p.field;
  seen.since = p.window.since;
  seen.limit = p.window.limit.value_or(0);
  seen.index = p.index;
  seen.content_type = p.export_plan.content_type;
  seen.filename = p.export_plan.filename;
  if (p.export_plan.writer) {
    std::string out;
    p.export_plan.writer->begin(out);
    p.export_plan.writer->row(R"({"receipt":"PAL-1","seq":1,"created_time":"2026-11-23T10:00:00Z","language":"fi",)"
                              R"("data":{"photo":[{"filename":"a.png"}]}})",
                              out);
    seen.first_row = out;
  }
  return seen;
}

#define assert_contains(haystack, needle) \
  if (std::strstr((haystack).c_str(), needle) == nullptr) fail_msg("\"%s\" lacks \"%s\"", (haystack).c_str(), needle)

struct BadQuery {
  const char* args;
  const char* field;  // the parameter the refusal names
};

// Each query is refused 400, naming its parameter.
void expect_bad_requests(const char* path, std::initializer_list<BadQuery> queries) {
  for (const auto& q : queries) {
    Seen s = plan(path, q.args);
    if (s.status != 400) fail_msg("%s?%s: %d, not 400", path, q.args, s.status);
    std::string field = std::string("\"field\":\"") + q.field + "\"";
    if (s.body.find(field) == std::string::npos) fail_msg("%s?%s: %s", path, q.args, s.body.c_str());
  }
}

void routes_by_path(void**) {
  struct Case {
    const char* path;
    int kind;  // -1: no route
  } cases[] = {
      {"feedback/submissions", int(Kind::list)},
      {"feedback/submissions.csv", int(Kind::csv)},
      {"feedback/submissions.xml", int(Kind::xml)},
      {"feedback/submissions/PAL-2026-K7QD-000042", int(Kind::one)},
      {"feedback/submissions/PAL-2026-K7QD-000042/files/photo", int(Kind::file)},
      {"feedback", -1},
      {"", -1},
      {"feedback/", -1},
      {"feedback/submissions.json", -1},
      {"feedback/other", -1},
      {"feedback/submissions/R/other/photo", -1},
      {"feedback/submissions/R/files/", -1},
      {"feedback/submissions/R/files/photo/2", -1},
  };
  for (const auto& c : cases) {
    auto route = route_admin_path(c.path);
    int kind = route ? int(route->kind) : -1;
    if (kind != c.kind) fail_msg("%s: route %d, not %d", c.path, kind, c.kind);
  }
  auto file = route_admin_path("feedback/submissions/PAL-1/files/photo");
  assert_string_equal(std::string(file->form).c_str(), "feedback");
  assert_string_equal(std::string(file->receipt).c_str(), "PAL-1");
  assert_string_equal(std::string(file->field).c_str(), "photo");
}

void looks_up_only_plausible_receipts(void**) {
  assert_true(plausible_receipt("PAL-2026-K7QD-000042"));
  assert_true(plausible_receipt("a_b"));
  assert_true(plausible_receipt(std::string(64, 'A')));
  assert_false(plausible_receipt(""));
  assert_false(plausible_receipt(std::string(65, 'A')));
  assert_false(plausible_receipt("..%2F..%2Fetc"));
  assert_false(plausible_receipt("PAL 1"));
  assert_false(plausible_receipt("P\xC3\xA4L"));
  for (AdminMethod m : {AdminMethod::get, AdminMethod::erase}) {
    Seen s = plan("feedback/submissions/..%2F..%2Fetc", {}, m);
    assert_int_equal(s.status, 404);
    assert_contains(s.body, "\"field\":\"receipt\"");
    s = plan("feedback/submissions/a.b/files/photo", {}, m);
    assert_int_equal(s.status, 404);
  }
}

void plans_by_method(void**) {
  Seen s = plan("feedback/submissions/PAL-1", {}, AdminMethod::erase);
  assert_int_equal(s.status, 0);
  assert_int_equal(int(s.action), int(Action::erase));
  assert_string_equal(s.receipt.c_str(), "PAL-1");
  s = plan("feedback/submissions/PAL-1", {}, AdminMethod::head);
  assert_int_equal(int(s.action), int(Action::one));
  s = plan("feedback/submissions/PAL-1", {}, AdminMethod::other);
  assert_int_equal(s.status, 405);
  assert_string_equal(s.allow.c_str(), "GET, HEAD, DELETE");
  for (const char* path : {"feedback/submissions", "feedback/submissions.csv", "feedback/submissions/PAL-1/files/photo"}) {
    s = plan(path, {}, AdminMethod::erase);
    if (s.status != 405 || s.allow != "GET, HEAD") fail_msg("DELETE %s: %d, Allow %s", path, s.status, s.allow.c_str());
  }
}

void reads_list_windows(void**) {
  Seen s = plan("feedback/submissions");
  assert_int_equal(s.status, 0);
  assert_int_equal(int(s.action), int(Action::list));
  assert_string_equal(s.form.c_str(), "feedback");
  assert_int_equal(s.since, 0);
  assert_int_equal(s.limit, 0);
  s = plan("feedback/submissions", "since=7&limit=1000&other=x");
  assert_int_equal(s.since, 7);
  assert_int_equal(s.limit, kMaxListLimit);
  expect_bad_requests("feedback/submissions", {{"since=x", "since"},
                                               {"since=-1", "since"},
                                               {"since=", "since"},
                                               {"since=1&since=2", "since"},
                                               {"limit=0", "limit"},
                                               {"limit=1001", "limit"},
                                               {"limit=1.5", "limit"},
                                               {"since=99999999999999999999", "since"}});
  s = plan("feedback/submissions", "limit=1001");
  assert_contains(s.body, "limit must be a whole number from 1 to 1000");
}

void plans_exports(void**) {
  Seen s = plan("feedback/submissions.csv", "since=2&limit=100000");
  assert_int_equal(s.status, 0);
  assert_int_equal(int(s.action), int(Action::export_rows));
  assert_int_equal(s.since, 2);
  assert_int_equal(s.limit, 100000);  // no list maximum: exports are streamed
  assert_string_equal(s.content_type.c_str(), "text/csv; charset=utf-8");
  assert_string_equal(s.filename.c_str(), "feedback.csv");
  // The links to files: this URL without ".csv".
  assert_contains(s.first_row, "https://example.org/admin/forms/feedback/submissions/PAL-1/files/photo?index=0");
  s = plan("feedback/submissions.csv", "delimiter=%3B&bom=0");
  assert_int_equal(s.status, 0);
  assert_contains(s.first_row, "receipt;seq;");
  s = plan("feedback/submissions.xml");
  assert_string_equal(s.content_type.c_str(), "application/xml; charset=utf-8");
  assert_string_equal(s.filename.c_str(), "feedback.xml");
  expect_bad_requests("feedback/submissions.csv", {{"delimiter=tab", "delimiter"},
                                                   {"bom=2", "bom"},
                                                   {"labels=1&lang=de", "lang"},
                                                   {"limit=0", "limit"},
                                                   {"since=a", "since"}});
}

void plans_files(void**) {
  Seen s = plan("feedback/submissions/PAL-1/files/photo", "index=2");
  assert_int_equal(s.status, 0);
  assert_int_equal(int(s.action), int(Action::file));
  assert_string_equal(s.field.c_str(), "photo");
  assert_int_equal(s.index, 2);
  s = plan("feedback/submissions/PAL-1/files/photo");
  assert_int_equal(s.index, 0);
  for (const char* field : {"name", "nosuch"}) {
    s = plan(std::string("feedback/submissions/PAL-1/files/") + field);
    assert_int_equal(s.status, 404);
    assert_contains(s.body, "\"field\":\"field\"");
  }
  for (const char* args : {"index=x", "index=1001", "index=-1", "index=0&index=1"}) {
    s = plan("feedback/submissions/PAL-1/files/photo", args);
    if (s.status != 400 || s.body.find("\"field\":\"index\"") == std::string::npos)
      fail_msg("?%s: %d %s", args, s.status, s.body.c_str());
  }
}

}  // namespace

int main() {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(routes_by_path),
      cmocka_unit_test(looks_up_only_plausible_receipts),
      cmocka_unit_test(plans_by_method),
      cmocka_unit_test(reads_list_windows),
      cmocka_unit_test(plans_exports),
      cmocka_unit_test(plans_files),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
