// The RAII layer over LMDB: put/get, cursor ranges, abort on destruction,
// and a full map reported as an error that leaves the store readable.
#include <cstring>
#include <string>
#include <vector>

#include "storage/lmdb.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/cmocka.hpp"  // last

using namespace civic;
using namespace civic::storage;

namespace {

struct Fixture {
  std::string dir;
  Env* env = nullptr;
  Db data;
};

Fixture* open_fixture(std::size_t map_size) {
  auto* f = new Fixture;
  f->dir = civic::test::make_temp_dir();
  EnvOptions options;
  options.path = f->dir;
  options.map_size = map_size;
  auto env = Env::open(options);
  if (!env) return nullptr;
  f->env = new Env(std::move(*env));
  auto txn = Txn::begin_write(*f->env);
  if (!txn) return nullptr;
  auto db = txn->open_db("data", true);
  if (!db || !txn->commit()) return nullptr;
  f->data = *db;
  return f;
}

int setup(void** state) {
  *state = open_fixture(std::size_t{16} << 20);
  return *state ? 0 : -1;
}

int setup_small(void** state) {
  *state = open_fixture(std::size_t{1} << 20);
  return *state ? 0 : -1;
}

int teardown(void** state) {
  auto* f = static_cast<Fixture*>(*state);
  delete f->env;
  civic::test::remove_dir(f->dir);
  delete f;
  return 0;
}

bool put_committed(Fixture* f, const std::string& key, const std::string& value) {
  auto txn = Txn::begin_write(*f->env);
  return txn && txn->put(f->data, key, value) && txn->commit();
}

// The value under `key` in a fresh read transaction; "<absent>" or "<error>".
std::string read_value(Fixture* f, const std::string& key) {
  auto txn = Txn::begin_read(*f->env);
  if (!txn) return "<error>";
  auto value = txn->get(f->data, key);
  if (!value) return "<error>";
  if (!value.value()) return "<absent>";
  return std::string(**value);
}

void put_then_get(void** state) {
  auto* f = static_cast<Fixture*>(*state);
  assert_true(put_committed(f, "alpha", "1"));
  assert_true(put_committed(f, "beta", std::string("\0two\xff", 5)));
  assert_string_equal(read_value(f, "alpha").c_str(), "1");
  assert_int_equal(read_value(f, "beta").size(), 5);
  assert_true(read_value(f, "beta") == std::string("\0two\xff", 5));
  assert_string_equal(read_value(f, "gamma").c_str(), "<absent>");
}

void put_overwrites_and_del_reports(void** state) {
  auto* f = static_cast<Fixture*>(*state);
  assert_true(put_committed(f, "k", "old"));
  assert_true(put_committed(f, "k", "new"));
  assert_string_equal(read_value(f, "k").c_str(), "new");
  {
    auto txn = Txn::begin_write(*f->env);
    assert_true(txn.ok());
    auto gone = txn->del(f->data, "k");
    assert_true(gone.ok() && *gone);
    auto again = txn->del(f->data, "k");
    assert_true(again.ok() && !*again);
    assert_true(txn->commit().ok());
  }
  assert_string_equal(read_value(f, "k").c_str(), "<absent>");
}

void no_overwrite_flag_is_an_error(void** state) {
  auto* f = static_cast<Fixture*>(*state);
  assert_true(put_committed(f, "once", "1"));
  auto txn = Txn::begin_write(*f->env);
  assert_true(txn.ok());
  Status st = txn->put(f->data, "once", "2", MDB_NOOVERWRITE);
  assert_false(st.ok());
  assert_int_equal(st.error().code(), MDB_KEYEXIST);
  assert_non_null(strstr(st.error().message().c_str(), "put into 'data'"));
}

void reserve_writes_in_place(void** state) {
  auto* f = static_cast<Fixture*>(*state);
  {
    auto txn = Txn::begin_write(*f->env);
    assert_true(txn.ok());
    auto where = txn->reserve(f->data, "r", 3);
    assert_true(where.ok());
    memcpy(*where, "xyz", 3);
    assert_true(txn->commit().ok());
  }
  assert_string_equal(read_value(f, "r").c_str(), "xyz");
}

void cursor_walks_a_prefix_in_order(void** state) {
  auto* f = static_cast<Fixture*>(*state);
  for (const char* k : {"cal\0b", "cal\0a", "cam\0z", "cak\0y", "cal\0c"})
    assert_true(put_committed(f, std::string(k, 5), k + 4));
  auto txn = Txn::begin_read(*f->env);
  assert_true(txn.ok());
  std::vector<std::string> seen;
  auto st = for_each_with_prefix(*txn, f->data, std::string("cal\0", 4), [&](const Entry& e) {
    seen.emplace_back(e.value);
    return true;
  });
  assert_true(st.ok());
  assert_int_equal(seen.size(), 3);
  assert_string_equal(seen[0].c_str(), "a");
  assert_string_equal(seen[1].c_str(), "b");
  assert_string_equal(seen[2].c_str(), "c");

  // Stopping early.
  seen.clear();
  st = for_each_with_prefix(*txn, f->data, std::string("cal\0", 4), [&](const Entry& e) {
    seen.emplace_back(e.value);
    return seen.size() < 2;
  });
  assert_true(st.ok());
  assert_int_equal(seen.size(), 2);
}

void cursor_seek_and_seek_before(void** state) {
  auto* f = static_cast<Fixture*>(*state);
  for (const char* k : {"b", "d", "f"}) assert_true(put_committed(f, k, k));
  auto txn = Txn::begin_read(*f->env);
  assert_true(txn.ok());
  auto cursor = Cursor::open(*txn, f->data);
  assert_true(cursor.ok());

  auto pos = cursor->seek("c");
  assert_true(pos.ok() && pos.value().has_value());
  assert_true(pos.value()->key == "d");
  pos = cursor->seek("d");
  assert_true(pos.value()->key == "d");
  pos = cursor->seek("g");
  assert_true(pos.ok() && !pos.value().has_value());

  pos = cursor->seek_before("d");
  assert_true(pos.ok() && pos.value()->key == "b");
  pos = cursor->seek_before("z");
  assert_true(pos.ok() && pos.value()->key == "f");
  pos = cursor->seek_before("a");
  assert_true(pos.ok() && !pos.value().has_value());

  pos = cursor->first();
  assert_true(pos.value()->key == "b");
  pos = cursor->last();
  assert_true(pos.value()->key == "f");
  pos = cursor->prev();
  assert_true(pos.value()->key == "d");
}

void destroyed_txn_is_aborted(void** state) {
  auto* f = static_cast<Fixture*>(*state);
  {
    auto txn = Txn::begin_write(*f->env);
    assert_true(txn.ok());
    assert_true(txn->put(f->data, "ghost", "boo").ok());
  }  // no commit
  assert_string_equal(read_value(f, "ghost").c_str(), "<absent>");

  // A write transaction replaced by move-assignment is aborted too, and the
  // write lock is free again afterwards.
  {
    auto first = Txn::begin_write(*f->env);
    assert_true(first.ok());
    assert_true(first->put(f->data, "ghost2", "boo").ok());
    Txn moved = std::move(*first);
    moved.abort();
    auto second = Txn::begin_write(*f->env);
    assert_true(second.ok());
    assert_true(second->put(f->data, "real", "yes").ok());
    assert_true(second->commit().ok());
  }
  assert_string_equal(read_value(f, "ghost2").c_str(), "<absent>");
  assert_string_equal(read_value(f, "real").c_str(), "yes");
}

void commit_twice_is_an_error(void** state) {
  auto* f = static_cast<Fixture*>(*state);
  auto txn = Txn::begin_write(*f->env);
  assert_true(txn.ok());
  assert_true(txn->commit().ok());
  Status again = txn->commit();
  assert_false(again.ok());
  assert_non_null(strstr(again.error().message().c_str(), "commit"));
}

void map_full_is_an_error_and_store_stays_readable(void** state) {
  auto* f = static_cast<Fixture*>(*state);
  assert_true(put_committed(f, "kept", "before the flood"));

  std::string big(4000, 'x');
  Status failure;
  {
    auto txn = Txn::begin_write(*f->env);
    assert_true(txn.ok());
    for (int i = 0; i < 10000 && failure.ok(); ++i) {
      failure = txn->put(f->data, "flood" + std::to_string(i), big);
    }
    // The transaction is dropped here, unfinished.
  }
  assert_false(failure.ok());
  assert_true(failure.error().map_full());
  assert_non_null(strstr(failure.error().message().c_str(), "MDB_MAP_FULL"));
  assert_non_null(strstr(failure.error().message().c_str(), "put into 'data'"));

  // Everything committed before is still there, nothing of the flood is.
  assert_string_equal(read_value(f, "kept").c_str(), "before the flood");
  assert_string_equal(read_value(f, "flood0").c_str(), "<absent>");
  // And small writes still work.
  assert_true(put_committed(f, "after", "fine"));
  assert_string_equal(read_value(f, "after").c_str(), "fine");
}

void usage_reports_map_and_readers(void** state) {
  auto* f = static_cast<Fixture*>(*state);
  assert_true(put_committed(f, "a", "b"));
  auto reader = Txn::begin_read(*f->env);
  assert_true(reader.ok());
  assert_true(put_committed(f, "c", "d"));
  auto usage = f->env->usage();
  assert_true(usage.ok());
  assert_int_equal(usage->map_size, std::size_t{16} << 20);
  assert_true(usage->used_bytes > 0 && usage->used_bytes <= usage->map_size);
  assert_int_equal(usage->readers_in_use, 1);
  assert_int_equal(usage->oldest_reader_lag, 1);  // one commit since it began
  reader->abort();
  usage = f->env->usage();
  assert_int_equal(usage->readers_in_use, 0);
}

void open_reports_a_missing_directory(void** state) {
  (void)state;
  EnvOptions options;
  options.path = "/nonexistent/civic/store";
  auto env = Env::open(options);
  assert_false(env.ok());
  assert_non_null(strstr(env.error().message().c_str(), "open store /nonexistent/civic/store"));
  assert_non_null(strstr(env.error().message().c_str(), "No such file"));
}

}  // namespace

int main() {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(put_then_get, setup, teardown),
      cmocka_unit_test_setup_teardown(put_overwrites_and_del_reports, setup, teardown),
      cmocka_unit_test_setup_teardown(no_overwrite_flag_is_an_error, setup, teardown),
      cmocka_unit_test_setup_teardown(reserve_writes_in_place, setup, teardown),
      cmocka_unit_test_setup_teardown(cursor_walks_a_prefix_in_order, setup, teardown),
      cmocka_unit_test_setup_teardown(cursor_seek_and_seek_before, setup, teardown),
      cmocka_unit_test_setup_teardown(destroyed_txn_is_aborted, setup, teardown),
      cmocka_unit_test_setup_teardown(commit_twice_is_an_error, setup, teardown),
      cmocka_unit_test_setup_teardown(map_full_is_an_error_and_store_stays_readable, setup_small, teardown),
      cmocka_unit_test_setup_teardown(usage_reports_map_and_readers, setup, teardown),
      cmocka_unit_test(open_reports_a_missing_directory),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
