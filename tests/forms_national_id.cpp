// Finnish henkilötunnus and Danish CPR numbers.
#include <string>

#include "forms/national_id.hpp"
#include "tests/support/cmocka.hpp"  // last

using namespace civic::forms;

namespace {

void finnish_valid_codes(void**) {
  // The check character: 131052308 mod 31 = 25 -> "T".
  assert_string_equal(normalize_finnish_id("131052-308T")->c_str(), "131052-308T");
  assert_string_equal(normalize_finnish_id("131052-308t")->c_str(), "131052-308T");  // lower case accepted
  assert_true(normalize_finnish_id("010101A123N").has_value());                      // 2000s
  assert_true(normalize_finnish_id("010594Y9032").has_value());                      // 1900s, new sign Y
  assert_true(normalize_finnish_id("010594Y9021").has_value());
  assert_true(normalize_finnish_id("020594X903P").has_value());
  assert_true(normalize_finnish_id("010516B903X").has_value());                      // 2000s, new sign B
  assert_true(normalize_finnish_id("290200A1239").has_value());                      // 29 Feb 2000
}

void finnish_refused_codes(void**) {
  assert_false(normalize_finnish_id("131052-308A").has_value());   // wrong check character
  assert_false(normalize_finnish_id("131052+308A").has_value());
  assert_false(normalize_finnish_id("131052*308T").has_value());   // no such century sign
  assert_false(normalize_finnish_id("310252-308T").has_value());   // 31 February
  assert_false(normalize_finnish_id("290201A123A").has_value());   // 29 Feb 2001
  assert_false(normalize_finnish_id("131052-001T").has_value());   // individual number 001
  assert_false(normalize_finnish_id("131052-308").has_value());    // short
  assert_false(normalize_finnish_id("131052-308TT").has_value());  // long
  assert_false(normalize_finnish_id("1310a2-308T").has_value());
  assert_false(normalize_finnish_id("").has_value());
}

void finnish_century_changes_the_date(void**) {
  // 29 Feb exists in 1900? No (not a leap year); in 2000 yes.
  // 290200-123? with "-" is 1900: invalid whatever the check character.
  for (char c : std::string("0123456789ABCDEFHJKLMNPRSTUVWXY")) {
    std::string code = std::string("290200-123") + c;
    assert_false(normalize_finnish_id(code).has_value());
  }
}

void danish_cpr(void**) {
  assert_string_equal(normalize_danish_cpr("0102031234")->c_str(), "010203-1234");
  assert_string_equal(normalize_danish_cpr("010203-1234")->c_str(), "010203-1234");
  // No modulus-11 check: any serial number is fine when the date is.
  assert_true(normalize_danish_cpr("010203-1235").has_value());
  assert_false(normalize_danish_cpr("320103-1234").has_value());  // 32 January
  assert_false(normalize_danish_cpr("300203-1234").has_value());  // 30 February
  // 29 Feb 00: seventh digit 4 with year 00 -> 2000 (leap): valid;
  // seventh digit 0 -> 1900 (not leap): invalid.
  assert_true(normalize_danish_cpr("290200-4000").has_value());
  assert_false(normalize_danish_cpr("290200-0000").has_value());
  // Seventh digit 5-8 with year 58-99 -> 1800s: 29 Feb 1896 valid, 1899 not.
  assert_true(normalize_danish_cpr("290296-5000").has_value());
  assert_false(normalize_danish_cpr("290299-5000").has_value());
  assert_false(normalize_danish_cpr("010203 1234").has_value());
  assert_false(normalize_danish_cpr("01020312345").has_value());
  assert_false(normalize_danish_cpr("0102O31234").has_value());
}

}  // namespace

int main() {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(finnish_valid_codes),
      cmocka_unit_test(finnish_refused_codes),
      cmocka_unit_test(finnish_century_changes_the_date),
      cmocka_unit_test(danish_cpr),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
