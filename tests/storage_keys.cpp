// Key encodings sort by value, and read back what was written.
#include <string>

#include "storage/keys.hpp"
#include "tests/support/cmocka.hpp"  // last

using namespace civic;
using namespace civic::storage;

namespace {

std::string i64_key(std::int64_t v) {
  std::string k;
  keys::append_i64(k, v);
  return k;
}

void signed_times_sort_by_value(void**) {
  std::int64_t values[] = {-62135596800, -86400, -1, 0, 1, 1700000000, 253402300799};
  for (std::size_t i = 0; i + 1 < sizeof values / sizeof values[0]; ++i)
    assert_true(i64_key(values[i]) < i64_key(values[i + 1]));
}

void integers_round_trip(void**) {
  std::string k;
  keys::append_i64(k, -5);
  keys::append_u64(k, 0x0102030405060708ull);
  keys::append_u32(k, 0xdeadbeef);
  keys::append_name(k, "culture");
  std::string_view in = k;
  assert_int_equal(*keys::take_i64(in), -5);
  assert_true(*keys::take_u64(in) == 0x0102030405060708ull);
  assert_true(*keys::take_u32(in) == 0xdeadbeefu);
  assert_true(*keys::take_name(in) == "culture");
  assert_true(in.empty());
  // Short input is refused, not read past.
  std::string_view short_in("\x01\x02", 2);
  assert_false(keys::take_u64(short_in).has_value());
  assert_int_equal(short_in.size(), 2);
  std::string_view unterminated("abc");
  assert_false(keys::take_name(unterminated).has_value());
}

void names_keep_their_entries_apart(void**) {
  // "a" and every key under it sort before "ab".
  std::string a_last;
  keys::append_name(a_last, "a");
  a_last += "\xff\xff";
  std::string ab;
  keys::append_name(ab, "ab");
  assert_true(a_last < ab);
}

void prefix_end_bounds_a_prefix(void**) {
  assert_true(keys::prefix_end("abc") == "abd");
  assert_true(keys::prefix_end(std::string("a\xff", 2)) == "b");
  assert_true(keys::prefix_end(std::string("\xff\xff", 2)).empty());
  std::string prefix("cal\0", 4);
  std::string inside = prefix + "\xff\xff\xff";
  assert_true(inside < keys::prefix_end(prefix));
}

}  // namespace

int main() {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(signed_times_sort_by_value),
      cmocka_unit_test(integers_round_trip),
      cmocka_unit_test(names_keep_their_entries_apart),
      cmocka_unit_test(prefix_end_bounds_a_prefix),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
