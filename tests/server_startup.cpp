// A configuration tested (nginx -t) and taking effect (start, reload)
// against a real store in a temporary directory: what stops it, what it
// warns of, what it records.
#include <cstring>
#include <string>
#include <vector>

#include "calendar/service/calendar_writer.hpp"
#include "forms/service/form_definition.hpp"
#include "server/startup.hpp"
#include "storage/form_definitions.hpp"
#include "tests/support/forms_admin.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/cmocka.hpp"  // last

using namespace civic;

namespace {

struct Dir {
  std::string path = test::make_temp_dir();
  ~Dir() { test::remove_dir(path); }
};

server::StoreSetup setup_of(const std::string& path, bool create) {
  server::StoreSetup setup;
  setup.options.path = path;
  setup.options.map_size = std::size_t{16} << 20;
  setup.create = create;
  return setup;
}

forms::Forms feedback_only() {
  forms::Forms forms;
  forms.add(test::feedback_form());
  return forms;
}

// What each step saw, as plain values.
struct Seen {
  std::string tested_problem;   // nginx -t, no store, no "create"
  bool tested_store_problem = false;
  bool made_by_test = true;     // did nginx -t with "create" make a store?
  std::string started_problem;
  std::int64_t defined_at = 0;  // the calendar's, once started
  std::string running_file;     // recorded as the running configuration
  std::vector<std::string> warnings;  // nginx -t after a field was dropped
};

Seen run() {
  Seen seen;
  Dir dir;
  forms::Forms forms = feedback_only();
  auto tested = server::check_configuration(setup_of(dir.path, false), forms);
  if (tested.problem) {
    seen.tested_problem = tested.problem->text;
    seen.tested_store_problem = tested.problem->about_store;
  }
  auto with_create = server::check_configuration(setup_of(dir.path, true), forms);
  seen.made_by_test = with_create.problem.has_value() || storage::store_exists(dir.path);

  calendar::Calendars calendars;
  calendar::CalendarConfig culture;
  culture.name = "culture";
  calendars.items().push_back(culture);
  auto started = server::start_configuration(setup_of(dir.path, true), &calendars, forms, "/etc/nginx/nginx.conf");
  if (started.problem) seen.started_problem = started.problem->text;
  seen.defined_at = calendars.items().front().defined_at;
  {
    auto store = storage::Store::open(setup_of(dir.path, false).options);
    if (!store) return seen;
    test::submit(*store, "feedback", "Matti");
    if (auto txn = storage::Txn::begin_read(store->env()))
      if (auto config = storage::read_configuration(*txn, store->db()); config && config.value())
        seen.running_file = config.value()->file;
  }
  forms::Forms without_topics;
  forms::Form form = test::feedback_form();
  std::erase_if(form.fields, [](const forms::Field& f) { return f.name == "topics"; });
  without_topics.add(form);
  seen.warnings = server::check_configuration(setup_of(dir.path, false), without_topics).warnings;
  return seen;
}

void a_configuration_is_tested_then_started(void**) {
  Seen seen = run();
  assert_true(seen.tested_store_problem);
  assert_non_null(std::strstr(seen.tested_problem.c_str(), "there is no store here (no data.mdb); make one with"));
  assert_false(seen.made_by_test);  // nginx -t changes nothing
  assert_string_equal(seen.started_problem.c_str(), "");
  assert_true(seen.defined_at > 0);
  assert_string_equal(seen.running_file.c_str(), "/etc/nginx/nginx.conf");
  assert_int_equal(seen.warnings.size(), 1);
  assert_non_null(std::strstr(seen.warnings[0].c_str(), "the field \"topics\" is no longer in the form"));
}

std::string started_without_create() {
  Dir dir;
  auto report = server::start_configuration(setup_of(dir.path, false), nullptr, forms::Forms(), "nginx.conf");
  return report.problem && report.problem->about_store ? report.problem->text : "";
}

void a_missing_store_stops_the_start(void**) {
  std::string problem = started_without_create();
  assert_non_null(std::strstr(problem.c_str(), "or add \"create\" to civic_store for the server to make it"));
}

}  // namespace

int main() {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(a_configuration_is_tested_then_started),
      cmocka_unit_test(a_missing_store_stops_the_start),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
