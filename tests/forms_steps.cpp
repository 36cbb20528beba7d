// Multi-step forms: conditions over every answer, which steps are shown,
// where Continue and Back lead, and the checks of one step (forms/steps.hpp).
#include <string>

#include "forms/schema_json.hpp"
#include "forms/setting_words.hpp"
#include "forms/steps.hpp"
#include "tests/support/form_lines.hpp"
#include "tests/support/cmocka.hpp"  // last

using namespace civic::forms;

namespace {

using Answers = std::vector<std::pair<std::string, std::string>>;

const std::string kPng("\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90\x77\x53\xde\x00\x00\x00\x0c\x49\x44\x41\x54\x78\x9c\x63\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00\x49\x45\x4e\x44\xae\x42\x60\x82", 69);

// Built once and never destroyed in a test body (cmocka longjmps).
const Form& journey() {
  static const Form form = [] {
    auto r = civic::test::build_form("event", {
        "languages fi en",
        "field kind radios", "  required", "  option festival en \"Festival\"", "  option market en \"Market\"",
        "  option other en \"Other\"", "end",
        "field other_kind text", "  show_if kind=other", "  required", "end",
        "field detail text", "  show_if other_kind", "end",  // a chain through other_kind
        "field tickets checkbox", "end",
        "field photo file", "end",
        "field price number", "  required", "end",
        "field venue text", "  required", "end",
        "field stalls text", "  show_if kind=festival,market", "end",
        "field note text", "  show_if source=web", "end",
        "field source hidden", "  default web", "end",
        "step about", "  title en \"About\"", "  fields kind other_kind detail tickets photo", "end",
        "step tickets", "  show_if tickets", "  fields price", "end",
        "step place", "  show_if kind!=other,market", "  fields venue stalls note", "end",
    });
    if (auto* e = std::get_if<std::string>(&r)) fail_msg("%s", e->c_str());
    return std::move(std::get<Form>(r));
  }();
  return form;
}

const Step& step(const char* name) { return *journey().step(name); }

FormInput input(Answers values) {
  FormInput in;
  in.values = std::move(values);
  return in;
}

bool shown(const char* field, Answers values) {
  return field_visible(journey(), *journey().field(field), input(std::move(values)));
}

bool step_shown(const char* name, Answers values) { return step_visible(journey(), step(name), input(std::move(values))); }

bool holds(const char* text, Answers values) {
  auto c = civic::forms::setting_words::parse_condition(text);
  if (!c) fail_msg("%s does not parse", text);
  return condition_holds(journey(), *c, input(std::move(values)));
}

// The name of the step, or "" for none.
std::string next_of(const char* from, Answers values) {
  const Step* s = next_step(journey(), input(std::move(values)), step(from));
  return s ? s->name : "";
}
std::string previous_of(const char* from, Answers values) {
  const Step* s = previous_step(journey(), input(std::move(values)), step(from));
  return s ? s->name : "";
}
std::string progress_of(const char* at, Answers values) {
  StepProgress p = step_progress(journey(), input(std::move(values)), step(at));
  return std::to_string(p.number) + "/" + std::to_string(p.count);
}
std::string first_failing(Answers values) {
  const Step* s = first_step_with_errors(journey(), input(std::move(values)), "en");
  return s ? s->name : "";
}
// The fields in error, space-separated.
std::string step_errors(const char* at, Answers values) {
  Validated v = validate_step(journey(), step(at), input(std::move(values)), "en");
  std::string out;
  for (const auto& e : v.errors) out += (out.empty() ? "" : " ") + e.field;
  return out;
}
// The fields validate() would store, space-separated ("!" if refused).
std::string stored(Answers values) {
  FormInput in = input(std::move(values));
  Validated v = validate(journey(), in, "en");
  if (!v.ok()) return "!" + v.errors.front().field;
  std::string out;
  for (const auto& c : v.values) out += (out.empty() ? "" : " ") + c.field->name;
  return out;
}

void conditions_of_every_kind(void**) {
  // F=V,V: one of the values.
  assert_true(shown("stalls", {{"kind", "festival"}}));
  assert_true(shown("stalls", {{"kind", " festival "}}));  // trimmed, as stored
  assert_false(shown("stalls", {{"kind", "other"}}));
  assert_false(shown("stalls", {}));
  // F!=V,V: shown and answered, and none of the values.
  assert_true(step_shown("place", {{"kind", "festival"}}));
  assert_false(step_shown("place", {{"kind", "market"}}));
  assert_false(step_shown("place", {{"kind", "other"}}));
  assert_false(step_shown("place", {}));  // not answered
  assert_false(step_shown("place", {{"kind", ""}}));
  // F on a flag: checked, whichever way a browser says it.
  for (const char* yes : {"yes", "on", "true", "1"}) assert_true(step_shown("tickets", {{"tickets", yes}}));
  assert_false(step_shown("tickets", {{"tickets", "no"}}));
  assert_false(step_shown("tickets", {}));
  assert_true(holds("tickets=yes", {{"tickets", "on"}}));
  assert_true(holds("tickets!=yes", {{"tickets", "off"}}) == false);  // unchecked has no value
  // A hidden-type field's value is its default, whatever is posted.
  assert_true(shown("note", {{"kind", "festival"}, {"source", "mail"}}));
  assert_true(holds("source=web", {}));
  assert_false(holds("source!=web", {}));
  // A chain: detail needs other_kind, which is shown only for kind=other;
  // a value posted for a question not shown does not count.
  assert_false(shown("detail", {{"kind", "festival"}, {"other_kind", "parade"}}));
  assert_true(shown("detail", {{"kind", "other"}, {"other_kind", "parade"}}));
  assert_false(shown("detail", {{"kind", "other"}}));
  // A field in a step that is not shown is not shown either.
  assert_false(shown("venue", {{"kind", "other"}}));
  assert_true(shown("venue", {{"kind", "festival"}}));
  assert_false(holds("venue", {{"kind", "other"}, {"venue", "Hall"}}));
}

void navigation_skips_hidden_steps(void**) {
  assert_string_equal(next_of("about", {{"kind", "festival"}}).c_str(), "place");
  assert_string_equal(next_of("about", {{"kind", "festival"}, {"tickets", "on"}}).c_str(), "tickets");
  assert_string_equal(next_of("about", {{"kind", "other"}}).c_str(), "");
  assert_string_equal(next_of("place", {{"kind", "festival"}}).c_str(), "");
  assert_string_equal(previous_of("place", {{"kind", "festival"}}).c_str(), "about");
  assert_string_equal(previous_of("place", {{"kind", "festival"}, {"tickets", "1"}}).c_str(), "tickets");
  assert_string_equal(previous_of("about", {}).c_str(), "");
  assert_int_equal(visible_steps(journey(), input({{"kind", "other"}, {"tickets", "yes"}})).size(), 2);
}

void progress_counts_the_steps_shown(void**) {
  assert_string_equal(progress_of("about", {{"kind", "festival"}}).c_str(), "1/2");
  assert_string_equal(progress_of("place", {{"kind", "festival"}}).c_str(), "2/2");
  assert_string_equal(progress_of("place", {{"kind", "festival"}, {"tickets", "on"}}).c_str(), "3/3");
  assert_string_equal(progress_of("about", {{"kind", "other"}}).c_str(), "1/1");
  // A step not shown gets the place it would have.
  assert_string_equal(progress_of("tickets", {{"kind", "festival"}}).c_str(), "2/3");
}

void a_step_checks_its_shown_fields(void**) {
  assert_string_equal(step_errors("about", {}).c_str(), "kind");
  assert_string_equal(step_errors("about", {{"kind", "other"}}).c_str(), "other_kind");
  assert_string_equal(step_errors("about", {{"kind", "festival"}}).c_str(), "");
  assert_string_equal(step_errors("place", {{"kind", "festival"}}).c_str(), "venue");
  assert_string_equal(step_errors("tickets", {{"tickets", "on"}, {"price", "x"}}).c_str(), "price");
  assert_string_equal(first_failing({}).c_str(), "about");
  assert_string_equal(first_failing({{"kind", "festival"}, {"tickets", "on"}}).c_str(), "tickets");
  assert_string_equal(first_failing({{"kind", "festival"}, {"tickets", "on"}, {"price", "5"}}).c_str(), "place");
  assert_string_equal(first_failing({{"kind", "festival"}, {"venue", "Hall"}}).c_str(), "");
  assert_string_equal(first_failing({{"kind", "other"}, {"other_kind", "parade"}}).c_str(), "");
}

// validate_step leaves the files where they are: the final validate() needs them.
bool step_copies_files() {
  FormInput in = input({{"kind", "festival"}});
  in.files.push_back(UploadedFile{"photo", "a.png", "image/png", kPng});
  Validated v = validate_step(journey(), step("about"), in, "en");
  return v.ok() && v.files.size() == 1 && v.files[0].content == kPng && in.files.size() == 1 && in.files[0].content == kPng;
}

void validate_step_copies_files(void**) { assert_true(step_copies_files()); }

void questions_not_shown_are_not_stored(void**) {
  // A whole submission (a JSON client): the steps not shown are left out,
  // their required fields are not required, and what is posted for them is
  // dropped.
  assert_string_equal(stored({{"kind", "other"}, {"other_kind", "parade"}, {"venue", "Hall"}, {"price", "5"}}).c_str(),
                      "kind other_kind tickets source");
  assert_string_equal(stored({{"kind", "festival"}, {"venue", "Hall"}, {"note", "n"}}).c_str(),
                      "kind tickets venue note source");
  assert_string_equal(stored({{"kind", "festival"}, {"tickets", "on"}, {"venue", "Hall"}}).c_str(), "!price");
}

bool schema_has(const char* text) {
  return civic::forms::render_schema_json(journey(), "/forms/event", "T").find(text) != std::string::npos;
}

void the_schema_states_steps_and_conditions(void**) {
  assert_true(schema_has("\"show_if\":{\"field\":\"kind\",\"op\":\"equals\",\"values\":[\"other\"],\"value\":\"other\"}"));
  assert_true(schema_has("\"show_if\":{\"field\":\"kind\",\"op\":\"equals\",\"values\":[\"festival\",\"market\"]}"));
  assert_true(schema_has("{\"name\":\"place\",\"title\":{},\"fields\":[\"venue\",\"stalls\",\"note\"],"
                         "\"show_if\":{\"field\":\"kind\",\"op\":\"not_equals\",\"values\":[\"other\",\"market\"]}}"));
  assert_true(schema_has("{\"name\":\"about\",\"title\":{\"en\":\"About\"},\"fields\":[\"kind\",\"other_kind\",\"detail\",\"tickets\",\"photo\"]}"));
  assert_true(schema_has("\"show_if\":{\"field\":\"tickets\",\"op\":\"answered\",\"values\":[]}"));
  assert_true(schema_has("\"check_answers\":false,\"save_and_return\":false"));
}

}  // namespace

int main() {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(conditions_of_every_kind),
      cmocka_unit_test(navigation_skips_hidden_steps),
      cmocka_unit_test(progress_counts_the_steps_shown),
      cmocka_unit_test(a_step_checks_its_shown_fields),
      cmocka_unit_test(validate_step_copies_files),
      cmocka_unit_test(questions_not_shown_are_not_stored),
      cmocka_unit_test(the_schema_states_steps_and_conditions),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
