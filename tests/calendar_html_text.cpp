// HTML descriptions to iCal's plain text (libxml2's HTML parser), and case
// folding for the text filter.
#include <string>

#include "calendar/formats/html_text.hpp"
#include "calendar/formats/text_fold.hpp"
#include "tests/support/cmocka.hpp"  // last

using namespace civic;
using namespace civic::calendar;

namespace {

void paragraphs_breaks_and_lists(void**) {
  assert_string_equal(html_to_text("<p>Tervetuloa!</p><p>Liput <b>25 €</b></p>").c_str(), "Tervetuloa!\n\nLiput 25 €");
  assert_string_equal(html_to_text("rivi 1<br>rivi 2<br/><br>rivi 4").c_str(), "rivi 1\nrivi 2\n\nrivi 4");
  assert_string_equal(html_to_text("<ul><li>yksi</li><li>kaksi</li></ul>").c_str(), "- yksi\n- kaksi");
  assert_string_equal(html_to_text("  lots   of\n\n space ").c_str(), "lots of space");
}

void entities_links_and_scripts(void**) {
  assert_string_equal(html_to_text("Fish &amp; chips &lt;3 &auml;").c_str(), "Fish & chips <3 ä");
  assert_string_equal(html_to_text("<a href=\"https://turku.fi/x\">liput</a>").c_str(), "liput (https://turku.fi/x)");
  assert_string_equal(html_to_text("<a href=\"javascript:x()\">x</a>").c_str(), "x");
  assert_string_equal(html_to_text("a<script>alert(1)</script><style>p{}</style>b").c_str(), "ab");
  // Broken markup is read as a browser would, not refused.
  assert_string_equal(html_to_text("<p>auki<p>kiinni</div>").c_str(), "auki\n\nkiinni");
}

void text_survives_a_round_trip(void**) {
  const char* text = "Rivi 1\nRivi <2> & muuta\n\nKappale";
  assert_string_equal(html_to_text(text_to_html(text)).c_str(), text);
}

void folding_is_unicode_aware(void**) {
  assert_string_equal(fold_case("JOULUKONSERTTI Äänekoski ÅBO").c_str(), "joulukonsertti äänekoski åbo");
  assert_string_equal(fold_case("Straße").c_str(), fold_case("STRASSE").c_str());
}

}  // namespace

int main() {
  init_html_parser();
  const CMUnitTest tests[] = {
      cmocka_unit_test(paragraphs_breaks_and_lists),
      cmocka_unit_test(entities_links_and_scripts),
      cmocka_unit_test(text_survives_a_round_trip),
      cmocka_unit_test(folding_is_unicode_aware),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
