// The per-worker cache of built feeds: found by key, bounded in bytes,
// least recently used out first.
#include <memory>
#include <string>

#include "calendar/query/feed_cache.hpp"
#include "tests/support/cmocka.hpp"  // last

using civic::calendar::FeedCache;

namespace {

FeedCache::Body body(std::size_t n, char c) { return std::make_shared<const std::string>(n, c); }

void finds_what_it_keeps(void**) {
  FeedCache cache(8000);
  assert_null(cache.find("a").get());
  cache.put("a", body(100, 'a'));
  auto got = cache.find("a");
  assert_non_null(got.get());
  assert_int_equal(got->size(), 100);
  assert_int_equal(cache.bytes(), 100);
  cache.put("a", body(200, 'b'));  // replaced
  assert_int_equal(cache.bytes(), 200);
  assert_int_equal(cache.entries(), 1);
  assert_int_equal((*cache.find("a"))[0], 'b');
}

void evicts_least_recently_used(void**) {
  FeedCache cache(8000);  // entries up to 1000 bytes
  for (char c = 'a'; c <= 'h'; ++c) cache.put(std::string(1, c), body(1000, c));
  assert_int_equal(cache.bytes(), 8000);
  (void)cache.find("a");                // a is used again
  cache.put("i", body(1000, 'i'));      // b goes
  assert_non_null(cache.find("a").get());
  assert_null(cache.find("b").get());
  assert_true(cache.bytes() <= 8000);
}

void big_bodies_are_not_kept(void**) {
  FeedCache cache(8000);
  cache.put("big", body(1001, 'x'));
  assert_null(cache.find("big").get());
  assert_int_equal(cache.bytes(), 0);
}

void the_directive_sizes_it(void**) {
  assert_int_equal(*civic::calendar::feed_cache_size("off"), 0);
  assert_int_equal(*civic::calendar::feed_cache_size("16m"), 16 << 20);
  assert_int_equal(*civic::calendar::feed_cache_size("1g"), 1 << 30);
  assert_false(civic::calendar::feed_cache_size("512k").has_value());  // under 1m
  assert_false(civic::calendar::feed_cache_size("lots").has_value());
  assert_false(civic::calendar::feed_cache_size("Off").has_value());
}

void a_body_outlives_its_entry(void**) {
  FeedCache cache(8000);
  cache.put("a", body(1000, 'a'));
  auto held = cache.find("a");  // an answer still being sent
  for (int i = 0; i < 20; ++i) cache.put("k" + std::to_string(i), body(1000, 'k'));
  assert_null(cache.find("a").get());
  assert_int_equal(held->size(), 1000);
  assert_int_equal((*held)[999], 'a');
}

}  // namespace

int main() {
  const CMUnitTest tests[] = {
      cmocka_unit_test(finds_what_it_keeps),
      cmocka_unit_test(evicts_least_recently_used),
      cmocka_unit_test(big_bodies_are_not_kept),
      cmocka_unit_test(a_body_outlives_its_entry),
      cmocka_unit_test(the_directive_sizes_it),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
