// Opening a store: schema version, id, refusals, and the folder checks.
#include <sys/stat.h>

#include <fstream>
#include <cstring>
#include <string>

#include "storage/directory.hpp"
#include "storage/keys.hpp"
#include "storage/status.hpp"
#include "storage/store.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/cmocka.hpp"  // last

using namespace civic;
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
    auto store = Store::open(options_for(dir), IfMissing::create);
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
    auto store = Store::open(options_for(dir), IfMissing::create);
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
  auto store = Store::open(options_for(dir), IfMissing::create);
  assert_true(store.ok());
  std::string_view cals[] = {"culture", "sports"};
  FormToReport forms[] = {{"feedback", 0}};
  auto status = collect_status(*store, cals, forms, 0);
  assert_true(status.ok());
  std::string json = render_status_json(*status, 4242);
  assert_non_null(strstr(json.c_str(), "\"schema_version\":3"));
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

// A path with no store is an error unless asked to make one: a typo in
// civic_store must not become a new store whose receipts start again at 1.
void no_store_is_made_unless_asked(void** state) {
  auto& dir = *static_cast<std::string*>(*state);
  std::string path = dir + "/civc";
  auto store = Store::open(options_for(path));
  assert_false(store.ok());
  assert_non_null(strstr(store.error().message().c_str(), "there is no store here (no data.mdb)"));
  struct stat st;
  assert_int_not_equal(stat(path.c_str(), &st), 0);  // nothing made, not even the directory
  assert_false(store_exists(path));
  assert_false(check_store(options_for(path)).ok());
  // check_store_directory says whether it could be made, and makes nothing.
  assert_true(check_store_directory(path).ok());
  assert_int_not_equal(stat(path.c_str(), &st), 0);
  assert_true(Store::open(options_for(path), IfMissing::create).ok());
  assert_true(store_exists(path));
}

void receipt_tags_are_the_stores(void** state) {
  auto& dir = *static_cast<std::string*>(*state);
  std::string tag;
  {
    auto a = Store::open(options_for(dir + "/a"), IfMissing::create);
    assert_true(a.ok());
    tag = a->receipt_tag();
    assert_int_equal(tag.size(), 4);
    assert_true(valid_receipt_tag(tag));
  }
  auto again = Store::open(options_for(dir + "/a"));
  assert_string_equal(again->receipt_tag().c_str(), tag.c_str());
  NewStoreOptions node2;
  node2.receipt_tag = "N2";
  auto b = Store::open(options_for(dir + "/b"), IfMissing::create, node2);
  assert_true(b.ok());
  assert_string_equal(b->receipt_tag().c_str(), "N2");
  NewStoreOptions bad;
  bad.receipt_tag = "n-2";
  auto c = Store::open(options_for(dir + "/c"), IfMissing::create, bad);
  assert_false(c.ok());
  assert_false(store_exists(dir + "/c"));
  assert_false(valid_receipt_tag(""));
  assert_false(valid_receipt_tag("ABCDEFGHJ"));
}

// nginx -t looks at a store without writing a page of it.
void checking_a_store_writes_nothing(void** state) {
  auto& dir = *static_cast<std::string*>(*state);
  std::uint64_t txn_id = 0;
  {
    auto store = Store::open(options_for(dir), IfMissing::create);
    assert_true(store.ok());
    txn_id = store->env().usage()->last_txn_id;
  }
  assert_true(check_store(options_for(dir)).ok());
  auto store = Store::open(options_for(dir));
  assert_int_equal(store->env().usage()->last_txn_id, txn_id);
  // The configuration the running nginx recorded.
  {
    auto txn = Txn::begin_write(store->env());
    assert_true(record_configuration(*txn, store->db(), {"/etc/nginx/nginx.conf", 1800000000}).ok());
    assert_true(txn->commit().ok());
  }
  auto txn = Txn::begin_read(store->env());
  auto config = read_configuration(*txn, store->db());
  assert_true(config.ok() && config->has_value());
  assert_string_equal((*config)->file.c_str(), "/etc/nginx/nginx.conf");
  assert_int_equal((*config)->recorded, 1800000000);
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
      cmocka_unit_test_setup_teardown(no_store_is_made_unless_asked, setup, teardown),
      cmocka_unit_test_setup_teardown(receipt_tags_are_the_stores, setup, teardown),
      cmocka_unit_test_setup_teardown(checking_a_store_writes_nothing, setup, teardown),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
