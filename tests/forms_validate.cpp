// Server-side validation: every rule, conditions, files by content, all
// errors at once in the page's language.
#include <cstring>
#include <string>

#include "forms/file_type.hpp"
#include "forms/validate.hpp"
#include "tests/support/form_lines.hpp"
#include "tests/support/cmocka.hpp"  // last

using namespace civic::forms;

namespace {

const std::string kPng("\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90\x77\x53\xde\x00\x00\x00\x0c\x49\x44\x41\x54\x78\x9c\x63\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00\x49\x45\x4e\x44\xae\x42\x60\x82", 69);
const std::string kJpeg("\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00", 20);

Form make(std::vector<std::string> lines) {
  lines.insert(lines.begin(), "languages fi sv da en");
  auto r = civic::test::build_form("t", lines);
  if (auto* e = std::get_if<std::string>(&r)) fail_msg("%s", e->c_str());
  return std::move(std::get<Form>(r));
}

FormInput input(std::vector<std::pair<std::string, std::string>> values) {
  FormInput in;
  in.values = std::move(values);
  return in;
}

std::string error_of(const Form& form, std::vector<std::pair<std::string, std::string>> values,
                     const char* field, const char* lang = "en") {
  FormInput in = input(std::move(values));
  Validated v = validate(form, in, lang);
  const FieldError* e = v.error_for(field);
  return e ? e->message : std::string();
}

bool accepted(const Form& form, std::vector<std::pair<std::string, std::string>> values) {
  FormInput in = input(std::move(values));
  return validate(form, in, "en").ok();
}

void text_rules(void**) {
  Form f = make({"field a text", "  required", "  min_length 2", "  max_length 5", "end",
                 "field b textarea", "end", "field p text", "  pattern \"^[0-9]{5}$\"",
                 "  pattern_message en \"Five digits\"", "  pattern_message fi \"Viisi numeroa\"", "end"});
  assert_string_equal(error_of(f, {}, "a").c_str(), "This field is required.");
  assert_string_equal(error_of(f, {{"a", "   "}}, "a").c_str(), "This field is required.");  // trimmed away
  assert_string_equal(error_of(f, {{"a", "x"}}, "a").c_str(), "Enter at least 2 characters.");
  assert_string_equal(error_of(f, {{"a", "abcdef"}}, "a").c_str(), "Enter at most 5 characters.");
  assert_true(accepted(f, {{"a", "  äöå  "}}));  // characters, not bytes; trimmed
  assert_string_equal(error_of(f, {{"a", "ab\x01"}}, "a").c_str(), "Remove the control characters from the text.");
  assert_string_equal(error_of(f, {{"a", "a\tb"}}, "a").c_str(), "Remove the control characters from the text.");
  assert_string_equal(error_of(f, {{"a", "ab\xc2\x85"}}, "a").c_str(), "Remove the control characters from the text.");
  assert_true(accepted(f, {{"a", "ok"}, {"b", "line\r\nline\ttab"}}));  // a textarea takes newlines and tabs
  assert_string_equal(error_of(f, {{"a", "ok"}, {"b", "x\x7f"}}, "b").c_str(), "Remove the control characters from the text.");
  assert_string_equal(error_of(f, {{"a", "ok"}, {"p", "123"}}, "p").c_str(), "Five digits");
  assert_string_equal(error_of(f, {{"a", "ok"}, {"p", "123"}}, "p", "fi").c_str(), "Viisi numeroa");
  assert_string_equal(error_of(f, {{"a", "ok"}, {"p", "123"}}, "p", "sv").c_str(), "Viisi numeroa");  // the chain
  assert_true(accepted(f, {{"a", "ok"}, {"p", "20100"}}));
  assert_string_equal(error_of(f, {{"a", "ok"}, {"a", "ok"}}, "a").c_str(), "Give only one value.");
}

void typed_values(void**) {
  Form f = make({"field e email", "end", "field t tel", "end", "field u url", "end",
                 "field n number", "  min -5", "  max 10.5", "end", "field d date", "  min 2020-01-01",
                 "  max 2030-12-31", "end"});
  assert_true(accepted(f, {{"e", "matti.meikalainen+x@turku.fi"}, {"t", "+358 40 123 4567"},
                           {"u", "https://www.turku.fi/a?b=c"}, {"n", "3,5"}, {"d", "2024-02-29"}}));
  for (const char* bad : {"matti", "matti@", "@turku.fi", "a b@turku.fi", "matti@turku"})
    assert_string_equal(error_of(f, {{"e", bad}}, "e").c_str(), "Enter an email address like name@example.fi.");
  for (const char* bad : {"12", "phone", "+358 40 abc"})
    assert_string_equal(error_of(f, {{"t", bad}}, "t").c_str(), "Enter a telephone number, like +358 40 123 4567.");
  for (const char* bad : {"turku.fi", "ftp://x.fi", "javascript:alert(1)", "https://"})
    assert_string_equal(error_of(f, {{"u", bad}}, "u").c_str(), "Enter a web address starting with https://.");
  assert_string_equal(error_of(f, {{"n", "1e3"}}, "n").c_str(), "Enter a number.");
  assert_string_equal(error_of(f, {{"n", "-6"}}, "n").c_str(), "Enter a number that is -5 or more.");
  assert_string_equal(error_of(f, {{"n", "10.6"}}, "n").c_str(), "Enter a number that is 10.5 or less.");
  assert_string_equal(error_of(f, {{"d", "2023-02-29"}}, "d").c_str(), "Enter a date as YYYY-MM-DD.");
  assert_string_equal(error_of(f, {{"d", "2019-12-31"}}, "d").c_str(), "The date must be 2020-01-01 or later.");
  assert_string_equal(error_of(f, {{"d", "2031-01-01"}}, "d").c_str(), "The date must be 2030-12-31 or earlier.");
  // The examples follow the form's country in every language (issue 12).
  assert_string_equal(error_of(f, {{"t", "12"}}, "t", "sv").c_str(), "Ange ett telefonnummer, till exempel +358 40 123 4567.");
  assert_string_equal(error_of(f, {{"e", "x"}}, "e", "sv").c_str(), "Ange e-postadressen i formen namn@exempel.fi.");
  auto danish = civic::test::build_form("d", {"languages da en", "field e email", "end", "field t tel", "end"});
  const Form& dk = std::get<Form>(danish);
  assert_string_equal(error_of(dk, {{"t", "12"}}, "t", "en").c_str(), "Enter a telephone number, like +45 12 34 56 78.");
  assert_string_equal(error_of(dk, {{"e", "x"}}, "e", "en").c_str(), "Enter an email address like name@example.dk.");
  auto swedish = civic::test::build_form("s", {"languages sv en", "country SE", "field t tel", "end"});
  assert_string_equal(error_of(std::get<Form>(swedish), {{"t", "12"}}, "t", "en").c_str(),
                      "Enter a telephone number, like +46 70 123 45 67.");
}

void choices_and_checkboxes(void**) {
  Form f = make({"field s select", "  option a en \"A\"", "  option b en \"B\"", "end",
                 "field m select", "  multiple", "  option a en \"A\"", "  option b en \"B\"", "end",
                 "field r radios", "  option a en \"A\"", "end",
                 "field c checkboxes", "  option a en \"A\"", "  option b en \"B\"", "end",
                 "field k checkbox", "end", "field ok consent", "  required", "end"});
  assert_true(accepted(f, {{"s", "a"}, {"m", "a"}, {"m", "b"}, {"r", "a"}, {"c", "a"}, {"c", "b"}, {"ok", "yes"}}));
  assert_string_equal(error_of(f, {{"s", "z"}, {"ok", "yes"}}, "s").c_str(), "Choose one of the options.");
  assert_string_equal(error_of(f, {{"s", "a"}, {"s", "b"}, {"ok", "yes"}}, "s").c_str(), "Give only one value.");
  assert_string_equal(error_of(f, {{"c", "z"}, {"ok", "yes"}}, "c").c_str(), "Choose one of the options.");
  assert_string_equal(error_of(f, {}, "ok").c_str(), "You must agree to this to send the form.");
  assert_string_equal(error_of(f, {{"ok", "maybe"}}, "ok").c_str(), "Give only one value.");
  // Not agreeing, however it is said, is told as such (issue 11).
  for (const char* no : {"false", "no", "0", "off"})
    assert_string_equal(error_of(f, {{"ok", no}}, "ok").c_str(), "You must agree to this to send the form.");
  assert_string_equal(error_of(f, {{"ok", "false"}}, "ok", "fi").c_str(), "Hyväksy tämä lähettääksesi lomakkeen.");
  // The same option twice counts once.
  FormInput in = input({{"m", "b"}, {"m", "a"}, {"m", "b"}, {"c", "a"}, {"c", "a"}, {"ok", "yes"}});
  Validated v = validate(f, in, "en");
  assert_true(v.ok());
  for (const CleanValue& cv : v.values) {
    if (cv.field->name == "m") {
      assert_int_equal(cv.values.size(), 2);
      assert_string_equal(cv.values[0].c_str(), "b");
      assert_string_equal(cv.values[1].c_str(), "a");
    }
    if (cv.field->name == "c") assert_int_equal(cv.values.size(), 1);
  }
}

// Invisible characters do not make a value (issue 11), and a hidden field
// holds what the form says.
void blank_values_and_hidden_defaults(void**) {
  Form f = make({"field a text", "  required", "end", "field h hidden", "  default kampanja-2026", "end"});
  const char* blanks[] = {"\u200b", "\u3000", " \u200b\u3000\u00a0\ufeff\u2060 ", "\u2003\u200d", "\u1680\u202f\u205f"};
  for (const char* b : blanks) assert_string_equal(error_of(f, {{"a", b}}, "a").c_str(), "This field is required.");
  FormInput in = input({{"a", "\u3000Matti\u200b"}, {"h", "evil"}});
  Validated v = validate(f, in, "en");
  assert_true(v.ok());
  assert_string_equal(v.values[0].values[0].c_str(), "Matti");
  assert_string_equal(v.values[1].field->name.c_str(), "h");
  assert_string_equal(v.values[1].values[0].c_str(), "kampanja-2026");
  // A condition on a hidden field sees its default, not what was posted.
  Form g = make({"field h hidden", "  default b", "end", "field x text", "  required_if h=a", "end"});
  assert_true(accepted(g, {{"h", "a"}}));
  // A checkbox sent as 1 is checked.
  Form c = make({"field ok consent", "  required", "end"});
  assert_true(accepted(c, {{"ok", "1"}}));
  // A zero-width joiner inside a value stays (it joins an emoji).
  in = input({{"a", "a\u200db"}});
  v = validate(f, in, "en");
  assert_string_equal(v.values[0].values[0].c_str(), "a\u200db");
}

void national_ids(void**) {
  Form f = make({"field fi national_id", "  country FI", "end", "field dk national_id", "  country DK", "end"});
  assert_true(accepted(f, {{"fi", "131052-308t"}, {"dk", "0102031235"}}));
  assert_string_equal(error_of(f, {{"fi", "131052-308A"}}, "fi", "fi").c_str(),
                      "Anna kelvollinen henkilötunnus, esimerkiksi 131052-308T.");
  assert_string_equal(error_of(f, {{"dk", "300203-1234"}}, "dk", "da").c_str(),
                      "Angiv et gyldigt CPR-nummer, for eksempel 010203-1234.");
  FormInput in = input({{"fi", "131052-308t"}, {"dk", "0102031235"}});
  Validated v = validate(f, in, "en");
  assert_string_equal(v.values[0].values[0].c_str(), "131052-308T");  // stored normalized
  assert_string_equal(v.values[1].values[0].c_str(), "010203-1235");
}

void conditions(void**) {
  Form f = make({"field topic select", "  required", "  option roads en \"Roads\"", "  option other en \"Other\"", "end",
                 "field other_topic text", "  required_if topic=other", "end",
                 "field details text", "  show_if topic=other", "  required", "end",
                 "field more text", "  show_if details=x", "  required", "end"});
  // required_if: required only when the condition holds.
  assert_true(accepted(f, {{"topic", "roads"}}));
  assert_string_equal(error_of(f, {{"topic", "other"}, {"details", "d"}}, "other_topic").c_str(), "This field is required.");
  // show_if: a hidden field is neither required nor stored.
  FormInput in = input({{"topic", "roads"}, {"details", "ignored"}, {"more", "ignored"}});
  Validated v = validate(f, in, "en");
  assert_true(v.ok());
  assert_int_equal(v.values.size(), 1);
  assert_string_equal(v.values[0].field->name.c_str(), "topic");
  // Shown: required. And a field shown by a hidden field stays hidden.
  assert_string_equal(error_of(f, {{"topic", "other"}, {"other_topic", "o"}}, "details").c_str(), "This field is required.");
  assert_true(accepted(f, {{"topic", "roads"}, {"details", "x"}}));
}

void all_errors_at_once_in_the_language(void**) {
  Form f = make({"field a text", "  required", "end", "field b email", "  required", "end", "field c consent",
                 "  required", "end"});
  FormInput in = input({{"b", "nope"}});
  Validated v = validate(f, in, "sv");
  assert_int_equal(v.errors.size(), 3);
  assert_string_equal(v.errors[0].field.c_str(), "a");
  assert_string_equal(v.errors[0].message.c_str(), "Uppgiften är obligatorisk.");
  assert_string_equal(v.errors[1].field.c_str(), "b");
  assert_string_equal(v.errors[2].field.c_str(), "c");
  in = input({});
  v = validate(f, in, "da");
  assert_string_equal(v.errors[0].message.c_str(), "Feltet skal udfyldes.");
  in = input({});
  v = validate(f, in, "fi");
  assert_string_equal(v.errors[0].message.c_str(), "Tämä tieto on pakollinen.");
}

void files_by_content(void**) {
  assert_string_equal(detect_media_type(kPng).c_str(), "image/png");
  assert_string_equal(detect_media_type(kJpeg).c_str(), "image/jpeg");
  Form f = make({"field photo file", "  required", "  max_size 100", "  accept image/png image/jpeg", "end",
                 "field docs file", "  multiple", "  accept image/*", "end"});
  auto with_files = [&](std::vector<UploadedFile> files) {
    FormInput in;
    in.files = std::move(files);
    return validate(f, in, "en");
  };
  Validated v = with_files({{"photo", "a.png", "image/png", kPng}});
  assert_true(v.ok());
  assert_string_equal(v.files[0].media_type.c_str(), "image/png");
  // Declared as a PNG, named .png, but it is text: refused by its content.
  v = with_files({{"photo", "a.png", "image/png", "<script>alert(1)</script>"}});
  assert_string_equal(v.error_for("photo")->message.c_str(),
                      "This type of file is not allowed. Allowed: PNG, JPEG.");
  // Declared as text, but it is a JPEG: accepted as what it is.
  v = with_files({{"photo", "a.txt", "text/plain", kJpeg}});
  assert_true(v.ok());
  assert_string_equal(v.files[0].media_type.c_str(), "image/jpeg");
  v = with_files({{"photo", "big.png", "image/png", kPng + std::string(100, 'x')}});
  assert_string_equal(v.error_for("photo")->message.c_str(), "The file is too large: at most 100 bytes.");
  v = with_files({{"photo", "a.png", "image/png", kPng}, {"photo", "b.png", "image/png", kPng}});
  assert_string_equal(v.error_for("photo")->message.c_str(), "Choose only one file.");
  v = with_files({});
  assert_string_equal(v.error_for("photo")->message.c_str(), "This field is required.");
  v = with_files({{"photo", "a.png", "", kPng}, {"docs", "1.png", "", kPng}, {"docs", "2.jpg", "", kJpeg}});
  assert_true(v.ok());
  assert_int_equal(v.files.size(), 3);
}

// File types as people know them (issue 12).
void readable_file_types(void**) {
  std::vector<std::string> accept = {"image/jpeg", "image/pjpeg", "image/png", "application/pdf", "image/*",
                                     "application/x-unknown"};
  assert_string_equal(readable_types(accept, "kuvat").c_str(), "JPEG, PNG, PDF, kuvat, application/x-unknown");
  std::vector<std::string> heic = {"image/heic"};
  assert_string_equal(readable_types(heic, "images").c_str(), "HEIC");
}

void decimals_and_dates(void**) {
  assert_true(parse_decimal("-12").has_value());
  assert_float_equal(*parse_decimal("3,25"), 3.25, 1e-9);
  assert_false(parse_decimal("1.").has_value());
  assert_false(parse_decimal(".5").has_value());
  assert_false(parse_decimal("1.2.3").has_value());
  assert_false(parse_decimal("0x10").has_value());
  assert_true(is_valid_date("2000-02-29"));
  assert_false(is_valid_date("1900-02-29"));
  assert_false(is_valid_date("2024-13-01"));
  assert_false(is_valid_date("2024-1-01"));
}

}  // namespace

int main() {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(text_rules),
      cmocka_unit_test(typed_values),
      cmocka_unit_test(choices_and_checkboxes),
      cmocka_unit_test(blank_values_and_hidden_defaults),
      cmocka_unit_test(national_ids),
      cmocka_unit_test(conditions),
      cmocka_unit_test(all_errors_at_once_in_the_language),
      cmocka_unit_test(files_by_content),
      cmocka_unit_test(readable_file_types),
      cmocka_unit_test(decimals_and_dates),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
