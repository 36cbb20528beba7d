// The civic_form block: lines as nginx hands them to the builder; a form
// that builds is also validated against an empty submission.
#include <string>
#include <variant>
#include <vector>

#include "forms/form_builder.hpp"
#include "forms/steps.hpp"
#include "forms/validate.hpp"
#include "fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace civic::forms;
  std::vector<std::string> storage;
  auto lines = civic::fuzz::split_block(std::string_view(reinterpret_cast<const char*>(data), size), storage);
  FormBuilder builder("fuzzed");
  enum class Block { form, field, step } in = Block::form;
  int number = 0;
  for (const auto& line : lines) {
    ++number;
    std::string error;
    if (line.closes) {
      if (in == Block::form) break;
      error = in == Block::field ? builder.end_field() : builder.end_step();
      in = Block::form;
    } else if (line.opens) {
      if (in != Block::form || line.words.empty()) return 0;  // nginx refuses it
      // The whole line, as nginx hands it over ("field NAME TYPE").
      if (line.words[0] == "field") {
        error = builder.begin_field(line.words, number);
        if (error.empty()) in = Block::field;
      } else if (line.words[0] == "step") {
        error = builder.begin_step(line.words, number);
        if (error.empty()) in = Block::step;
      } else {
        return 0;
      }
    } else {
      error = in == Block::field  ? builder.field_setting(line.words, number)
              : in == Block::step ? builder.step_setting(line.words, number)
                                  : builder.form_setting(line.words, number);
    }
    if (!error.empty()) return 0;  // nginx -t stops at the first error
  }
  if (in != Block::form) return 0;
  auto built = builder.finish();
  if (auto* form = std::get_if<Form>(&built)) {
    // An empty submission, and one that answers every field with its first
    // option (or "x"): the conditions and steps are walked both ways.
    FormInput empty, some;
    for (const Field& f : form->fields) some.values.emplace_back(f.name, f.options.empty() ? "x" : f.options[0].value);
    for (FormInput* input : {&empty, &some}) {
      (void)validate(*form, *input, "fi");
      for (const Step& s : form->steps) {
        (void)validate_step(*form, s, *input, "fi");
        (void)next_step(*form, *input, s);
        (void)previous_step(*form, *input, s);
        (void)step_progress(*form, *input, s);
      }
      (void)first_step_with_errors(*form, *input, "fi");
    }
  }
  return 0;
}
