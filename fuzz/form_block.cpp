// The civic_form block: lines as nginx hands them to the builder; a form
// that builds is also validated against an empty submission.
#include <string>
#include <variant>
#include <vector>

#include "forms/form_builder.hpp"
#include "forms/validate.hpp"
#include "fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace civic::forms;
  std::vector<std::string> storage;
  auto lines = civic::fuzz::split_block(std::string_view(reinterpret_cast<const char*>(data), size), storage);
  FormBuilder builder("fuzzed");
  bool in_field = false;
  int number = 0;
  for (const auto& line : lines) {
    ++number;
    std::string error;
    if (line.closes) {
      if (!in_field) break;
      error = builder.end_field();
      in_field = false;
    } else if (line.opens) {
      if (in_field || line.words.empty() || line.words[0] != "field") return 0;  // nginx refuses it
      error = builder.begin_field(FormBuilder::Words(line.words.data() + 1, line.words.size() - 1), number);
      in_field = error.empty();
    } else {
      error = in_field ? builder.field_setting(line.words, number) : builder.form_setting(line.words, number);
    }
    if (!error.empty()) return 0;  // nginx -t stops at the first error
  }
  if (in_field) return 0;
  auto built = builder.finish();
  if (auto* form = std::get_if<Form>(&built)) {
    FormInput input;
    (void)validate(*form, input, "fi");
  }
  return 0;
}
