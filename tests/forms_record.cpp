// The stored data of an accepted submission: every field in the form's
// order, files at their field's place (docs/forms.md: "in the form's order").
#include <string>

#include "forms/record.hpp"
#include "forms/validate.hpp"
#include "tests/support/form_lines.hpp"
#include "tests/support/cmocka.hpp"  // last

using namespace civic::forms;

namespace {

const std::string kPng("\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90\x77\x53\xde\x00\x00\x00\x0c\x49\x44\x41\x54\x78\x9c\x63\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00\x49\x45\x4e\x44\xae\x42\x60\x82", 69);

void data_keeps_the_forms_order(void**) {
  auto built = civic::test::build_form("t", {"languages en", "field name text", "end", "field photo file", "  multiple",
                                             "end", "field topics checkboxes", "  option a en \"A\"",
                                             "  option b en \"B\"", "end", "field agree checkbox", "end",
                                             "field message textarea", "end"});
  if (auto* e = std::get_if<std::string>(&built)) fail_msg("%s", e->c_str());
  const Form& form = std::get<Form>(built);
  FormInput in;
  // Sent in another order than the form's, the files first.
  in.files = {{"photo", "one.png", "image/png", kPng}, {"photo", "two.png", "image/png", kPng}};
  in.values = {{"message", "Hei"}, {"agree", "yes"}, {"topics", "b"}, {"topics", "a"}, {"name", "Matti"}};
  Validated v = validate(form, in, "en");
  assert_true(v.ok());
  std::string json = encode_submission_data(form, v);
  assert_string_equal(json.c_str(),
                      "{\"name\":\"Matti\","
                      "\"photo\":[{\"filename\":\"one.png\",\"content_type\":\"image/png\",\"size\":69},"
                      "{\"filename\":\"two.png\",\"content_type\":\"image/png\",\"size\":69}],"
                      "\"topics\":[\"b\",\"a\"],\"agree\":true,\"message\":\"Hei\"}");
}

}  // namespace

int main() {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(data_keeps_the_forms_order),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
