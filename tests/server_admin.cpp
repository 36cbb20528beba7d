// The admin API's top level: its routes and /admin/status's refusals.
#include <string>
#include <string_view>

#include "server/admin.hpp"
#include "tests/support/cmocka.hpp"  // last

using namespace civic;
using server::AdminArea;

namespace {

void paths_are_routed(void**) {
  assert_true(server::route_admin("status").area == AdminArea::status);
  auto cal = server::route_admin("calendars/culture/events/e1");
  assert_true(cal.area == AdminArea::calendars);
  assert_true(cal.rest == "culture/events/e1");
  auto form = server::route_admin("forms/feedback/submissions");
  assert_true(form.area == AdminArea::forms);
  assert_true(form.rest == "feedback/submissions");
  for (std::string_view other : {"", "status/", "Status", "calendars", "forms", "events/x"})
    assert_true(server::route_admin(other).area == AdminArea::unknown);
}

// status, the Allow header and the body of a refused status request.
std::string status_refusal(bool read_method) {
  Reply r = server::admin_status(read_method, nullptr, {}, forms::Forms(), 0, 1);
  std::string allow;
  for (const auto& [name, value] : r.headers)
    if (name == "Allow") allow = value;
  return std::to_string(r.status) + " " + allow + " " + r.body.str();
}

void status_refusals(void**) {
  assert_string_equal(status_refusal(false).c_str(), "405 GET, HEAD {\"error\":\"method not allowed here; allowed: GET, HEAD\"}");
  assert_string_equal(status_refusal(true).c_str(), "503  {\"error\":\"the store is not open; see the error log\"}");
  Reply missing = server::no_admin_resource();
  assert_int_equal(missing.status, 404);
}

}  // namespace

int main() {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(paths_are_routed),
      cmocka_unit_test(status_refusals),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
