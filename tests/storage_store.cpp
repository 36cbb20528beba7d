// Opening a store: schema version, id, refusals, and the folder checks.
#include <sys/stat.h>

#include <fstream>
#include <cstring>
#include <string>

#include "storage/directory.hpp"
#include "storage/keys.hpp"
#include "storage/status.hpp"
#include "storage/store.hpp"
#include "tests/test_dir.hpp"
#include "tests/cmocka.hpp"  // last

using namespace civic::storage;

namespace {

int setup(void** state) {
  *state = new std::string(civic::test::make_temp_dir());
  return 0;
}

int teardown(void** state) {
  auto* dir = static_cast<std::string*>(*state);
  civic::test::remove_dir(*dir);
  delete dir;
  return 0;
}

EnvOptions options_for(const std::string& dir) {
  EnvOptions o;
  o.path = dir;
  o.map_size = std::size_t{8} << 20;
  return o;
}

void first_open_writes_schema_and_id(void** state) {
  auto& dir = *static_cast<std::string*>(*state);
  std::string id;
  {
    auto store = Store::open(options_for(dir));
    assert_true(store.ok());
    id = store->id();
    assert_int_equal(id.size(), 32);
    auto txn = Txn::begin_read(store->env());
    assert_true(txn.ok());
    auto version = read_schema_version(*txn, store->db());
    assert_true(version.ok());
    assert_int_equal(*version, kSchemaVersion);
  }
  // Reopened: same id, nothing rewritten.
  auto again = Store::open(options_for(dir));
  assert_true(again.ok());
  assert_string_equal(again->id().c_str(), id.c_str());
}

void newer_schema_is_refused(void** state) {
  auto& dir = *static_cast<std::string*>(*state);
  {
    auto store = Store::open(options_for(dir));
    assert_true(store.ok());
    auto txn = Txn::begin_write(store->env());
    std::string v;
    keys::append_u32(v, kSchemaVersion + 1);
    assert_true(txn->put(store->db().meta, "schema_version", v).ok());
    assert_true(txn->commit().ok());
  }
  auto store = Store::open(options_for(dir));
  assert_false(store.ok());
  assert_int_equal(store.error().code(), Error::kSchemaTooNew);
  std::string message = store.error().message();
  assert_non_null(strstr(message.c_str(), "newer civic"));
  assert_non_null(strstr(message.c_str(), dir.c_str()));
}

void read_only_open_of_an_empty_store_is_refused(void** state) {
  auto& dir = *static_cast<std::string*>(*state);
  { auto env = Env::open(options_for(dir)); assert_true(env.ok()); }  // files, no schema
  EnvOptions o = options_for(dir);
  o.read_only = true;
  auto store = Store::open(o);
  assert_false(store.ok());
  assert_non_null(strstr(store.error().message().c_str(), "not been initialized"));
}

void status_reports_schema_and_names(void** state) {
  auto& dir = *static_cast<std::string*>(*state);
  auto store = Store::open(options_for(dir));
  assert_true(store.ok());
  std::string_view cals[] = {"culture", "sports"};
  FormToReport forms[] = {{"feedback", 0}};
  auto status = collect_status(*store, cals, forms, 0);
  assert_true(status.ok());
  std::string json = render_status_json(*status, 4242);
  assert_non_null(strstr(json.c_str(), "\"schema_version\":1"));
  assert_non_null(strstr(json.c_str(), "\"culture\":{\"events\":0}"));
  assert_non_null(strstr(json.c_str(), "\"feedback\":{\"submissions\":0,"));
  assert_non_null(strstr(json.c_str(), "\"pid\":4242"));
  assert_non_null(strstr(json.c_str(), "\"map_size\":8388608"));
}

void directory_is_created_with_parents(void** state) {
  auto& dir = *static_cast<std::string*>(*state);
  std::string nested = dir + "/a/b/store";
  assert_true(prepare_store_directory(nested).ok());
  struct stat st;
  assert_int_equal(stat(nested.c_str(), &st), 0);
  assert_true(S_ISDIR(st.st_mode));
  assert_int_equal(st.st_mode & 0777, 0700);
  // Existing: fine, unchanged.
  assert_true(prepare_store_directory(nested).ok());
}

void a_file_in_the_way_is_reported(void** state) {
  auto& dir = *static_cast<std::string*>(*state);
  std::string file = dir + "/plain";
  std::ofstream(file) << "x";
  Status st = prepare_store_directory(file);
  assert_false(st.ok());
  assert_non_null(strstr(st.error().message().c_str(), "not a directory"));
  st = prepare_store_directory(file + "/below");
  assert_false(st.ok());
  assert_non_null(strstr(st.error().message().c_str(), "Not a directory"));
}

}  // namespace

int main() {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(first_open_writes_schema_and_id, setup, teardown),
      cmocka_unit_test_setup_teardown(newer_schema_is_refused, setup, teardown),
      cmocka_unit_test_setup_teardown(read_only_open_of_an_empty_store_is_refused, setup, teardown),
      cmocka_unit_test_setup_teardown(status_reports_schema_and_names, setup, teardown),
      cmocka_unit_test_setup_teardown(directory_is_created_with_parents, setup, teardown),
      cmocka_unit_test_setup_teardown(a_file_in_the_way_is_reported, setup, teardown),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
