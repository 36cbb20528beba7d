// The drafts admin API (forms/service/draft_admin.hpp) on a real store: the
// listing in pages without answers, erasure with its log, and the refusals
// (malformed ids, unknown forms, other methods).
#include <cstring>
#include <string>

#include "forms/service/submission_admin.hpp"
#include "storage/drafts.hpp"
#include "tests/support/forms_admin.hpp"
#include "tests/support/cmocka.hpp"  // last

using namespace civic;
using namespace civic::forms;
namespace dr = civic::storage::drafts;

namespace {

constexpr std::int64_t kExpires = 1900000000;  // 2030-03-17T17:46:40Z

// Draft `c` (id: 16 bytes of c) of form "feedback".
bool put_draft(test::FormsStore& f, char c) {
  dr::Draft d;
  d.form = "feedback";
  d.id = std::string(dr::kIdBytes, c);
  d.created = 1800000000;
  d.updated = 1800000060;
  d.expires = kExpires;
  d.language = "fi";
  d.step = "contact";
  d.box = "opaque: Matti Meikäläinen";  // as if it were readable, to show it is never listed
  d.values = 1;
  d.bytes = 22;
  auto txn = storage::Txn::begin_write(f.store->env());
  if (!txn) return false;
  auto put = dr::put(*txn, f.store->db(), d, 100);
  return put && *put == dr::PutOutcome::stored && txn->commit();
}

int setup(void** state) {
  if (test::forms_store_setup(state) != 0) return -1;
  auto& f = test::forms_store(state);
  return put_draft(f, 'a') && put_draft(f, 'b') && put_draft(f, 'c') ? 0 : -1;
}

struct Seen {
  int status = 0;
  bool in_pool = false, log_notice = false;
  std::string body, log, allow;
};

// The request as the module hands it over, answered in the pool when planned so.
Seen ask(test::FormsStore& f, std::string_view path, std::string_view args = {},
         AdminMethod method = AdminMethod::get) {
  AdminRequest request{method, path, args, "http://127.0.0.1", "/admin/forms/feedback/drafts"};
  AdminAnswer answer = answer_admin(f.forms, &*f.store, request);
  Seen s;
  s.in_pool = answer.in_pool.has_value();
  Reply r = answer.in_pool ? answer_in_pool(*f.store, *answer.in_pool) : std::move(answer.reply);
  s.status = r.status;
  s.body = r.shared ? *r.shared : r.body.str();
  s.log = r.log;
  s.log_notice = r.log_notice;
  for (const auto& [name, value] : r.headers)
    if (name == "Allow") s.allow = value;
  return s;
}

std::string hex_of(char c) { return dr::id_hex(std::string(dr::kIdBytes, c)); }

#define assert_contains(haystack, needle) \
  if (std::strstr((haystack).c_str(), (needle).c_str()) == nullptr) \
  fail_msg("\"%s\" lacks \"%s\"", (haystack).c_str(), (needle).c_str())

void lists_drafts_in_pages_without_answers(void** state) {
  auto& f = test::forms_store(state);
  Seen s = ask(f, "feedback/drafts", "limit=2");
  assert_true(s.in_pool);
  assert_int_equal(s.status, 200);
  assert_contains(s.body, std::string("{\"data\":[{\"id\":\"" + hex_of('a') +
                                      "\",\"created_time\":\"2027-01-15T08:00:00Z\","
                                      "\"updated_time\":\"2027-01-15T08:01:00Z\","
                                      "\"expires_time\":\"2030-03-17T17:46:40Z\",\"language\":\"fi\","
                                      "\"step\":\"contact\",\"values\":1,\"files\":0,\"bytes\":"));
  assert_contains(s.body, "\"next_after\":\"" + hex_of('b') + "\"}");
  assert_null(std::strstr(s.body.c_str(), "Matti"));  // no answers
  s = ask(f, "feedback/drafts", "after=" + hex_of('b') + "&limit=2");
  assert_contains(s.body, "\"id\":\"" + hex_of('c') + "\"");
  assert_contains(s.body, std::string("\"next_after\":null"));
  assert_null(std::strstr(s.body.c_str(), hex_of('b').c_str()));
}

void erases_a_draft(void** state) {
  auto& f = test::forms_store(state);
  Seen s = ask(f, "feedback/drafts/" + hex_of('b'), {}, AdminMethod::erase);
  assert_true(s.in_pool);
  assert_int_equal(s.status, 204);
  assert_string_equal(s.log.c_str(), ("erased draft " + hex_of('b') + " of form \"feedback\"").c_str());
  assert_true(s.log_notice);
  s = ask(f, "feedback/drafts/" + hex_of('b'), {}, AdminMethod::erase);
  assert_int_equal(s.status, 404);
  assert_contains(s.body, std::string("\"field\":\"id\""));
  s = ask(f, "feedback/drafts");
  assert_null(std::strstr(s.body.c_str(), hex_of('b').c_str()));
}

void refuses_what_is_malformed(void** state) {
  auto& f = test::forms_store(state);
  Seen s = ask(f, "feedback/drafts/" + hex_of('b').substr(1), {}, AdminMethod::erase);
  assert_int_equal(s.status, 400);
  assert_contains(s.body, std::string("\"field\":\"id\""));
  s = ask(f, "feedback/drafts/XYZ", {}, AdminMethod::erase);
  assert_int_equal(s.status, 400);
  s = ask(f, "feedback/drafts", "after=zz");
  assert_int_equal(s.status, 400);
  assert_contains(s.body, std::string("\"field\":\"after\""));
  s = ask(f, "feedback/drafts", "limit=0");
  assert_int_equal(s.status, 400);
  s = ask(f, "feedback/drafts/" + hex_of('a'));  // GET of one draft: its answers are not shown
  assert_int_equal(s.status, 405);
  assert_string_equal(s.allow.c_str(), "DELETE");
  s = ask(f, "feedback/drafts", {}, AdminMethod::erase);
  assert_int_equal(s.status, 405);
  s = ask(f, "nosuch/drafts");
  assert_int_equal(s.status, 404);
  assert_contains(s.body, std::string("\"field\":\"form\""));
  s = ask(f, "nosuch/drafts/" + hex_of('a'), {}, AdminMethod::erase);
  assert_int_equal(s.status, 404);
}

}  // namespace

int main() {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(lists_drafts_in_pages_without_answers, setup, test::forms_store_teardown),
      cmocka_unit_test_setup_teardown(erases_a_draft, setup, test::forms_store_teardown),
      cmocka_unit_test_setup_teardown(refuses_what_is_malformed, setup, test::forms_store_teardown),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
