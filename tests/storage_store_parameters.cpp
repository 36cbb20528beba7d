// civic_store's parameters after its path, as `nginx -t` reports them.
#include <string>
#include <string_view>

#include "storage/store_parameters.hpp"
#include "tests/support/cmocka.hpp"  // last

using civic::storage::read_store_parameter;
using civic::storage::StoreParameters;

namespace {

// What is wrong with `word` read into a fresh set ("" if nothing).
std::string error_of(std::string_view word) {
  StoreParameters p;
  return read_store_parameter(word, p);
}

void every_parameter_is_read(void**) {
  StoreParameters p;
  for (std::string_view word : {"create", "max_size=4g", "max_readers=126", "thread_pool=civic"})
    assert_true(read_store_parameter(word, p).empty());
  assert_true(p.create);
  assert_true(p.max_size.has_value());
  assert_int_equal(*p.max_size, std::size_t{4} << 30);
  assert_int_equal(*p.max_readers, 126);
  assert_true(p.thread_pool == "civic");
}

void unset_ones_stay_unset(void**) {
  StoreParameters p;
  assert_true(read_store_parameter("max_size=512m", p).empty());
  assert_false(p.create);
  assert_false(p.max_readers.has_value());
  assert_true(p.thread_pool.empty());
  assert_int_equal(*p.max_size, std::size_t{512} << 20);
}

void wrong_ones_are_named(void**) {
  assert_string_equal(error_of("max_size=lots").c_str(),
                      "invalid max_size \"lots\" (a size such as 512m or 4g, at least 1m)");
  assert_string_equal(error_of("max_size=100k").c_str(),
                      "invalid max_size \"100k\" (a size such as 512m or 4g, at least 1m)");
  assert_string_equal(error_of("max_readers=8").c_str(), "invalid max_readers \"8\" (16 to 65536)");
  assert_string_equal(error_of("max_readers=70000").c_str(), "invalid max_readers \"70000\" (16 to 65536)");
  assert_string_equal(error_of("max_readers=1k").c_str(), "invalid max_readers \"1k\" (16 to 65536)");
  assert_string_equal(error_of("thread_pool=").c_str(), "thread_pool= needs the name of a thread_pool");
  assert_string_equal(error_of("colour=blue").c_str(),
                      "unknown parameter \"colour=blue\" (known: create, max_size=, max_readers=, thread_pool=)");
  assert_string_equal(error_of("Create").c_str(),
                      "unknown parameter \"Create\" (known: create, max_size=, max_readers=, thread_pool=)");
}

}  // namespace

int main() {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(every_parameter_is_read),
      cmocka_unit_test(unset_ones_stay_unset),
      cmocka_unit_test(wrong_ones_are_named),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
