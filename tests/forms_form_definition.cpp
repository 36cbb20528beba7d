// Forms across configurations: a form recorded in the store and read back
// (Form -> definition -> Form), the fields and forms a new configuration
// would hide (nginx's warnings), and the form the admin API then serves.
#include <string>
#include <vector>

#include "forms/service/form_definition.hpp"
#include "tests/support/forms_admin.hpp"
#include "tests/support/cmocka.hpp"  // last

using namespace civic;
using namespace civic::forms;

namespace {

Form with_select() {
  Form f = test::feedback_form();
  auto built = test::build_form("x", {"languages fi", "field choice select", "  option a fi \"A\"", "  multiple", "end",
                                      "field one select", "  option a fi \"A\"", "end"});
  for (auto& field : std::get<Form>(built).fields) f.fields.push_back(field);
  return f;
}

// "name:type:many" for each field.
std::string fields_of(const Form& form) {
  std::string out;
  for (const auto& f : form.fields)
    out += f.name + ":" + std::string(type_name(f.type)) + ":" + (f.many_values() ? "many" : "one") + " ";
  return out;
}

std::string fields_of(const storage::FormDefinition& def) {
  std::string out;
  for (const auto& f : def.fields) out += f.name + ":" + f.type + ":" + (f.many ? "many" : "one") + (f.retired ? ":retired" : "") + " ";
  return out;
}

struct RoundTrip {
  std::string configured, recorded, read_back, languages;
  std::int64_t retention = 0;
  std::string prefix;
  bool same_again = false;
};

RoundTrip round_trip() {
  Form form = with_select();
  storage::FormDefinition def = definition_of(form);
  Form back = form_of(def);
  RoundTrip r{fields_of(form), fields_of(def), fields_of(back), back.languages.front(), back.retention_seconds,
              back.receipt_prefix, definition_of(back).same_as(def)};
  return r;
}

void round_trips_through_the_store_record(void**) {
  RoundTrip r = round_trip();
  const char* expected = "name:text:one topics:checkboxes:many photo:file:many choice:select:many one:select:one ";
  assert_string_equal(r.configured.c_str(), expected);
  assert_string_equal(r.recorded.c_str(), expected);
  assert_string_equal(r.read_back.c_str(), expected);
  assert_string_equal(r.languages.c_str(), "en");
  assert_int_equal(r.retention, 30 * 86400);
  assert_string_equal(r.prefix.c_str(), "PAL");
  assert_true(r.same_again);
}

// The configuration changes to `next` (the form without `drop`, or no form
// at all): the warnings nginx gives, and then what is recorded and served.
struct Change {
  std::vector<std::string> warnings;
  std::string recorded_problem;
  std::string recorded_fields;  // of "feedback"
  bool recorded_retired = false;
  std::string admin_fields;     // the form the admin API serves
  bool admin_retired = false;
  int retired_forms = 0;
  std::vector<std::string> warnings_after;
};

Change change(test::FormsStore& f, std::string_view drop, bool remove_form) {
  Change c;
  if (auto problem = record_form_definitions(*f.store, f.forms, 1800000000)) c.recorded_problem = *problem;
  test::submit(*f.store, "feedback", "Matti");
  test::submit(*f.store, "feedback", "Liisa");
  Forms next;
  if (!remove_form) {
    Form form = test::feedback_form();
    std::erase_if(form.fields, [&](const Field& field) { return field.name == drop; });
    next.add(form);
  }
  if (auto txn = storage::Txn::begin_read(f.store->env())) c.warnings = form_change_warnings(next, *txn, f.store->db());
  if (auto problem = record_form_definitions(*f.store, next, 1800000100)) c.recorded_problem = *problem;
  if (auto txn = storage::Txn::begin_read(f.store->env())) {
    if (auto def = storage::read_form_definition(*txn, f.store->db(), "feedback"); def && def.value()) {
      c.recorded_fields = fields_of(**def);
      c.recorded_retired = def.value()->retired;
    }
    c.warnings_after = form_change_warnings(next, *txn, f.store->db());
  }
  AdminForm served = admin_form(next, *f.store, "feedback");
  if (served.form) c.admin_fields = fields_of(*served.form);
  c.admin_retired = served.retired;
  c.retired_forms = static_cast<int>(retired_forms(*f.store).size());
  return c;
}

void a_dropped_field_is_warned_of_and_kept(void** state) {
  Change c = change(test::forms_store(state), "topics", false);
  assert_string_equal(c.recorded_problem.c_str(), "");
  assert_int_equal(c.warnings.size(), 1);
  assert_string_equal(c.warnings[0].c_str(),
                      "civic_form \"feedback\": the field \"topics\" is no longer in the form, but 2 stored submissions "
                      "may hold it: it stays in the exports and the API as a retired field (renamed? the old values "
                      "keep the old name)");
  assert_string_equal(c.recorded_fields.c_str(), "name:text:one photo:file:many topics:checkboxes:many:retired ");
  assert_false(c.recorded_retired);
  // The admin API still shows the retired field, after the configured ones.
  assert_string_equal(c.admin_fields.c_str(), "name:text:one photo:file:many topics:checkboxes:many ");
  assert_false(c.admin_retired);
  assert_int_equal(c.retired_forms, 0);
  assert_int_equal(c.warnings_after.size(), 0);  // said once, at the change
}

void a_removed_form_is_warned_of_once_and_served_retired(void** state) {
  Change c = change(test::forms_store(state), {}, true);
  assert_int_equal(c.warnings.size(), 1);
  assert_string_equal(c.warnings[0].c_str(),
                      "civic_form \"feedback\" is no longer configured; its 2 stored submissions stay under "
                      "/admin/forms/feedback/ as a retired form (readable, exportable, erasable, purged by its last "
                      "retention)");
  assert_true(c.recorded_retired);
  assert_string_equal(c.admin_fields.c_str(), "name:text:one topics:checkboxes:many photo:file:many ");
  assert_true(c.admin_retired);
  assert_int_equal(c.retired_forms, 1);
  assert_int_equal(c.warnings_after.size(), 0);  // retired already: nothing new to say
}

void an_unchanged_form_is_not_warned_of(void** state) {
  Change c = change(test::forms_store(state), "nosuch", false);
  assert_int_equal(c.warnings.size(), 0);
  assert_string_equal(c.recorded_fields.c_str(), "name:text:one topics:checkboxes:many photo:file:many ");
}

}  // namespace

int main() {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(round_trips_through_the_store_record),
      cmocka_unit_test_setup_teardown(a_dropped_field_is_warned_of_and_kept, test::forms_store_setup, test::forms_store_teardown),
      cmocka_unit_test_setup_teardown(a_removed_form_is_warned_of_once_and_served_retired, test::forms_store_setup, test::forms_store_teardown),
      cmocka_unit_test_setup_teardown(an_unchanged_form_is_not_warned_of, test::forms_store_setup, test::forms_store_teardown),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
