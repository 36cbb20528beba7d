// A multi-step form's draft through the journey (forms/service/journey*.cpp)
// on a real store: what is stored is encrypted (no answer in it), the
// reference the citizen gets opens it again, and a reference signed for the
// draft's id with another key opens nothing: the draft is gone to it (410 on
// a post, 404 on a resume link), logged with the draft's id and never a key.
#include <string>

#include "forms/decode.hpp"
#include "forms/service/journey.hpp"
#include "forms/service/public_request.hpp"
#include "storage/drafts.hpp"
#include "tests/support/public_forms.hpp"
#include "tests/support/temp_store.hpp"
#include "tests/support/cmocka.hpp"  // last

using namespace civic;
using namespace civic::forms;

namespace {

constexpr const char* kAnswer = "Secret-Answer-77";

forms::Form steps_form() {
  auto built = test::build_form("permit", {"languages en", "min_fill_time 0", "step one", "  fields a", "end",
                                           "step two", "  fields b", "end", "field a text", "  required", "end",
                                           "field b text", "end"});
  if (auto* form = std::get_if<forms::Form>(&built)) return std::move(*form);
  std::abort();  // the lines above are valid
}

struct Fixture : test::TempStore {
  Forms forms;
  const Form* form = nullptr;
  std::string ref;     // the reference the first step's post gave
  std::string forged;  // the same id with another key
  std::string text;  // what a helper returns a view of
};

int setup(void** state) {
  auto* f = new Fixture;
  if (!f->open()) return -1;
  f->forms.add(steps_form());
  f->form = f->forms.find("permit");
  *state = f;
  return 0;
}

FormVisit visit_of(const Fixture& f) {
  FormVisit v;
  v.form = f.form;
  v.signer = &test::test_signer();
  v.lang = "en";
  v.url = "/forms/permit";
  return v;
}

// Posts step `step` with `fields` (urlencoded) and the draft `ref`:
// "STATUS" and the outcome's log line in f.text after a newline.
int post(Fixture& f, const char* step, const std::string& fields, const std::string& ref) {
  Submission s;
  s.visit = visit_of(f);
  s.content_type = parse_content_type("application/x-www-form-urlencoded");
  s.journey = true;
  s.site = "http://127.0.0.1";
  std::string token = test::test_signer().issue("permit", test::kNow - 10);
  std::string body = std::string("_step=") + step + "&_action=continue&_token=" + token + "&_draft=" + ref + "&" + fields;
  JourneyOutcome out = take_journey_step(s, body, *f.store, test::kNow);
  f.text = out.answer.refused;
  for (const auto& [name, value] : out.answer.reply.headers)
    if (name == "Set-Cookie" && value.starts_with("civic_draft=") && ref.empty())
      f.ref = value.substr(12, value.find(';') - 12);
  return out.answer.reply.status;
}

// The page a resume link to `ref` shows at step one: its status; its
// body and log line in f.text.
int resume(Fixture& f, const std::string& ref) {
  PublicSite site{f.forms, nullptr, true, &test::test_signer(), test::kNow, &*f.store, nullptr};
  std::string args = "lang=en&step=one&draft=" + ref;
  PublicRequest request;
  request.args = args;
  PublicAnswer answer = journey_page(site, request, visit_of(f));
  f.text = answer.reply.body.str() + "\nLOG:" + answer.refused;
  return answer.reply.status;
}

// The stored draft the reference names: its box, or "none".
std::string stored_box(Fixture& f, const std::string& ref) {
  auto named = test::test_signer().draft_id(ref, "permit");
  if (!named) return "no reference";
  auto txn = storage::Txn::begin_read(f.store->env());
  if (!txn) return "failed";
  auto d = storage::drafts::read(*txn, f.store->db(), "permit", named->id, test::kNow);
  if (!d || !d->has_value()) return "none";
  return (*d)->box;
}

// The draft's reference with the same id and another key, signed as the
// server would (what a damaged box looks like to the journey, too).
std::string with_other_key(const std::string& ref) {
  auto named = test::test_signer().draft_id(ref, "permit");
  if (!named) return {};
  return test::test_signer().draft_ref("permit", named->id, std::string(32, 'z'));
}

std::string id_hex_of(const std::string& ref) {
  auto named = test::test_signer().draft_id(ref, "permit");
  return named ? storage::drafts::id_hex(named->id) : "?";
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

void the_stored_draft_is_encrypted_and_resumes(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  assert_int_equal(post(f, "one", std::string("a=") + kAnswer, ""), 303);
  assert_int_equal(f.ref.size(), 86);
  assert_true(stored_box(f, f.ref).size() > 40);
  assert_false(has(stored_box(f, f.ref), kAnswer));
  assert_int_equal(resume(f, f.ref), 200);
  assert_true(has(f.text, std::string("value=\"") + kAnswer + "\""));
  assert_int_equal(post(f, "one", "a=changed", f.ref), 303);  // read, changed, sealed again
  assert_int_equal(resume(f, f.ref), 200);
  assert_true(has(f.text, "value=\"changed\""));
  assert_false(has(f.text, kAnswer));
}

void another_key_opens_nothing(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  assert_int_equal(post(f, "one", std::string("a=") + kAnswer, ""), 303);
  f.forged = with_other_key(f.ref);
  assert_int_equal(f.forged.size(), 86);

  assert_int_equal(post(f, "two", "b=x", f.forged), 410);
  assert_true(has(f.text, "draft " + id_hex_of(f.ref) + " does not open"));
  assert_false(has(f.text, "zzzz"));
  assert_false(has(f.text, f.forged));
  assert_false(has(f.text, f.ref));

  assert_int_equal(resume(f, f.forged), 404);
  assert_true(has(f.text, "Start the form again"));
  assert_false(has(f.text, kAnswer));
  assert_true(has(f.text, "LOG:form \"permit\": draft " + id_hex_of(f.ref)));

  // The draft is kept for the reference that opens it.
  assert_int_equal(resume(f, f.ref), 200);
  assert_true(has(f.text, kAnswer));
}

}  // namespace

int main() {
  const CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(the_stored_draft_is_encrypted_and_resumes, setup, test::delete_fixture<Fixture>),
      cmocka_unit_test_setup_teardown(another_key_opens_nothing, setup, test::delete_fixture<Fixture>),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
