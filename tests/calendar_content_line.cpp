// RFC 5545 §3.1 folding and §3.3.11 TEXT escaping.
#include <string>
#include <vector>

#include "calendar/formats/content_line.hpp"
#include "tests/support/cmocka.hpp"  // last

using namespace civic;
using namespace civic::calendar;

namespace {

std::vector<std::string> physical_lines(const std::string& s) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < s.size()) {
    std::size_t end = s.find("\r\n", pos);
    if (end == std::string::npos) {
      out.push_back(s.substr(pos));
      break;
    }
    out.push_back(s.substr(pos, end - pos));
    pos = end + 2;
  }
  return out;
}

std::string unfold(const std::string& s) {
  std::string out;
  for (const auto& l : physical_lines(s)) {
    if (!l.empty() && l[0] == ' ') out += l.substr(1);
    else {
      if (!out.empty()) out += "\n";
      out += l;
    }
  }
  return out;
}

bool utf8_start(unsigned char c) { return (c & 0xC0) != 0x80; }

void escapes_the_four_specials(void**) {
  assert_string_equal(escape_text("a\\b;c,d\ne").c_str(), "a\\\\b\\;c\\,d\\ne");
  assert_string_equal(escape_text("x\r\ny\rz").c_str(), "x\\ny\\nz");
  // Control characters cannot be in TEXT; colons and quotes need no escape.
  assert_string_equal(escape_text(std::string("a\x01" "b\x7f" ":\"c", 7)).c_str(), "ab:\"c");
  assert_string_equal(escape_text("tab\there").c_str(), "tab here");
}

void short_lines_are_not_folded(void**) {
  std::string out;
  append_line(out, "SUMMARY", "Joulukonsertti");
  assert_string_equal(out.c_str(), "SUMMARY:Joulukonsertti\r\n");
  out.clear();
  std::string exactly75(75 - 8, 'x');  // "SUMMARY:" is 8 octets
  append_line(out, "SUMMARY", exactly75);
  assert_int_equal(physical_lines(out).size(), 1);
}

void long_ascii_lines_fold_at_75_octets(void**) {
  std::string value(300, 'a');
  std::string out;
  append_line(out, "DESCRIPTION", value);
  auto lines = physical_lines(out);
  assert_true(lines.size() >= 4);
  assert_int_equal(lines[0].size(), 75);
  for (std::size_t i = 1; i < lines.size(); ++i) {
    assert_true(lines[i].size() <= 75);
    assert_int_equal(lines[i][0], ' ');
  }
  assert_int_equal(lines[1].size(), 75);  // a space and 74 octets
  assert_string_equal(unfold(out).c_str(), ("DESCRIPTION:" + value).c_str());
  assert_true(out.ends_with("\r\n"));
}

void folds_never_split_a_utf8_character(void**) {
  // Finnish, Swedish, and four-byte characters, at every alignment.
  const std::string pieces[] = {"ä", "ö", "å", "€", "😀"};
  for (int shift = 0; shift < 8; ++shift) {
    std::string value(static_cast<std::size_t>(shift), 'x');
    for (int i = 0; i < 60; ++i) value += pieces[i % 5];
    std::string out;
    append_line(out, "SUMMARY;LANGUAGE=fi", value);
    for (const auto& l : physical_lines(out)) {
      assert_true(l.size() <= 75);
      std::string body = l[0] == ' ' ? l.substr(1) : l;
      if (!body.empty()) {
        assert_true(utf8_start(static_cast<unsigned char>(body[0])));
      }
    }
    assert_string_equal(unfold(out).c_str(), ("SUMMARY;LANGUAGE=fi:" + value).c_str());
  }
}

void parameter_values_are_quoted_when_needed(void**) {
  assert_string_equal(param_value("Europe/Helsinki").c_str(), "Europe/Helsinki");
  assert_string_equal(param_value("a:b").c_str(), "\"a:b\"");
  assert_string_equal(param_value("x\"y;z").c_str(), "\"xy;z\"");
}

void empty_text_writes_no_line(void**) {
  std::string out;
  append_text_line(out, "LOCATION", "");
  assert_true(out.empty());
}

}  // namespace

int main() {
  const CMUnitTest tests[] = {
      cmocka_unit_test(escapes_the_four_specials),
      cmocka_unit_test(short_lines_are_not_folded),
      cmocka_unit_test(long_ascii_lines_fold_at_75_octets),
      cmocka_unit_test(folds_never_split_a_utf8_character),
      cmocka_unit_test(parameter_values_are_quoted_when_needed),
      cmocka_unit_test(empty_text_writes_no_line),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
