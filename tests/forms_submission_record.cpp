// The record an accepted intake becomes (its fields and its files' indexes,
// as the admin API names them), and what a committed batch says of each of
// its submissions.
#include <string>

#include "forms/service/submission_record.hpp"
#include "sealing/envelope.hpp"
#include "sealing/sealed_record.hpp"
#include "tests/support/public_forms.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/cmocka.hpp"  // last

using namespace civic;
using namespace civic::forms;

namespace {

// An accepted intake with files of `fields`, in that order, named after their place.
Intake accepted(std::initializer_list<const char*> fields) {
  Intake intake;
  intake.result = IntakeResult::accepted;
  intake.data_json = R"({"name":"Maija"})";
  intake.replay_keys = {"nonce:abc", "key:k1"};
  intake.replay_expires = test::kNow + 3600;
  intake.input.values = {{"name", "Maija"}};
  int n = 0;
  for (const char* field : fields)
    intake.validated.files.push_back(CleanFile{field, "f.png", "image/png", "content " + std::to_string(n++)});
  return intake;
}

struct Record {
  std::string form, prefix, language, data, keys, files;  // files: "field index content; ..."
  std::int64_t expires = 0;
  std::uint64_t max_per_day = 0;
  std::size_t input_values = 0;  // what stays in the intake
};

Record record_of(const Form& form, std::string_view lang, std::initializer_list<const char*> fields) {
  Intake intake = accepted(fields);
  storage::NewSubmission s = std::move(submission_record(form, lang, intake).value());
  Record r{s.form, s.receipt_prefix, s.language, s.data_json, {}, {}, s.replay_expires, s.max_per_day,
           intake.input.values.size()};
  for (const auto& k : s.replay_keys) r.keys += k + ";";
  for (const auto& f : s.files) r.files += f.field + " " + std::to_string(f.index) + " " + f.content + "; ";
  return r;
}

void records_the_submission(void**) {
  Record r = record_of(test::public_form({"max_submissions_per_day 50"}), "sv", {});
  assert_string_equal(r.form.c_str(), "feedback");
  assert_string_equal(r.prefix.c_str(), "PAL");
  assert_string_equal(r.language.c_str(), "sv");
  assert_string_equal(r.data.c_str(), R"({"name":"Maija"})");
  assert_string_equal(r.keys.c_str(), "nonce:abc;key:k1;");
  assert_int_equal(r.expires, test::kNow + 3600);
  assert_int_equal(r.max_per_day, 50);
  assert_string_equal(r.files.c_str(), "");
  assert_int_equal(r.input_values, 1);  // kept, to show the form again
}

// The outbox targets of a submission, as "id id ".
std::string deliveries_of(const Form& form, const char* address) {
  Intake intake = accepted({});
  if (address) intake.validated.values.push_back(CleanValue{form.field("mail"), {address}});
  storage::NewSubmission s = std::move(submission_record(form, "fi", intake).value());
  std::string out;
  for (std::uint32_t t : s.deliveries) out += std::to_string(t) + " ";
  return out;
}

void goes_to_every_delivery(void**) {
  Form form = test::public_form({"deliver webhook https://cases.example.fi/in secret_file=/k",
                                 "deliver email to=kirjaamo@example.fi", "confirm_email field=mail",
                                 "field mail email", "end"});
  std::string hook = std::to_string(form.deliveries[0].target_id()), mail = std::to_string(form.deliveries[1].target_id()),
              confirm = std::to_string(form.deliveries[2].target_id());
  assert_string_equal(deliveries_of(form, "maija@example.fi").c_str(), (hook + " " + mail + " " + confirm + " ").c_str());
  // No address given: no confirmation to send.
  assert_string_equal(deliveries_of(form, nullptr).c_str(), (hook + " " + mail + " ").c_str());
  assert_string_equal(deliveries_of(test::public_form(), nullptr).c_str(), "");
}

void numbers_files_per_field(void**) {
  Record r = record_of(test::public_form(), "fi", {"photo", "photo", "photo", "doc", "doc", "other"});
  assert_string_equal(r.files.c_str(),
                      "photo 0 content 0; photo 1 content 1; photo 2 content 2; doc 0 content 3; doc 1 content 4; "
                      "other 0 content 5; ");
}

struct Result {
  CommitResult::Kind kind;
  std::string receipt, error;
};

Result result_of(const civic::Result<std::vector<storage::CommitOutcome>>& batch, std::size_t i) {
  CommitResult r = commit_result(batch, i);
  return {r.kind, r.receipt, r.error};
}

void reads_each_outcome_of_a_batch(void**) {
  std::vector<storage::CommitOutcome> outcomes(3);
  outcomes[0].receipt = "PAL-1";
  outcomes[1].receipt = "PAL-0";
  outcomes[1].replayed = true;
  outcomes[2].over_limit = true;
  civic::Result<std::vector<storage::CommitOutcome>> batch(outcomes);
  Result r = result_of(batch, 0);
  assert_int_equal(int(r.kind), int(CommitResult::Kind::stored));
  assert_string_equal(r.receipt.c_str(), "PAL-1");
  r = result_of(batch, 1);
  assert_int_equal(int(r.kind), int(CommitResult::Kind::replayed));
  assert_string_equal(r.receipt.c_str(), "PAL-0");  // the first one's
  r = result_of(batch, 2);
  assert_int_equal(int(r.kind), int(CommitResult::Kind::over_limit));
  assert_string_equal(r.receipt.c_str(), "");
  r = result_of(batch, 3);  // no outcome: never a receipt
  assert_int_equal(int(r.kind), int(CommitResult::Kind::failed));
}

void reads_a_failed_batch(void**) {
  civic::Result<std::vector<storage::CommitOutcome>> full(Error(Error::kStoreFull, "put into 'submissions'"));
  Result r = result_of(full, 0);
  assert_int_equal(int(r.kind), int(CommitResult::Kind::store_full));
  if (r.error.find("put into 'submissions'") == std::string::npos) fail_msg("%s", r.error.c_str());
  civic::Result<std::vector<storage::CommitOutcome>> failed(Error(Error::kInvalid, "commit submissions", "the store is not open"));
  r = result_of(failed, 5);
  assert_int_equal(int(r.kind), int(CommitResult::Kind::failed));
  if (r.error.find("the store is not open") == std::string::npos) fail_msg("%s", r.error.c_str());
}

}  // namespace

// A form with `seal`: nothing of the answers, files or Idempotency-Key
// stays readable in the record; the secret key opens data and files; the
// confirmation's address waits beside them.
struct Sealed {
  bool ok = false;
  std::string record, data, files, keys, address;
  std::uint32_t target = 0, confirmation = 0;
};

Sealed sealed_record(const char* key_dir) {
  Sealed out;
  auto pair = sealing::write_key_pair(key_dir);
  if (!pair) return out;
  Form form = test::public_form({"confirm_email field=mail", "field mail email", "end"});
  auto pub = sealing::read_public_key(pair->public_path);
  if (!pub) return out;
  form.seal = *pub;
  Intake intake = accepted({"photo", "photo"});
  intake.replay_keys = {"T:nonce", "K:my-secret-key"};
  intake.validated.values.push_back(CleanValue{form.field("mail"), {"maija@example.fi"}});
  auto s = submission_record(form, "fi", intake);
  if (!s || !s->sealed) return out;
  out.record = s->data_json;
  for (const auto& k : s->replay_keys) out.keys += k + ";";
  out.address = s->confirmation_address;
  out.target = s->confirmation_target;
  out.confirmation = form.deliveries[0].target_id();
  sealing::KeyRing ring;
  if (!ring.load(pair->secret_path)) return out;
  auto opened = sealing::open_record("{\"receipt\":\"R\",\"sealed\":" + s->data_json + "}", ring);
  if (!opened) return out;
  out.data = *opened;
  for (const auto& f : s->files) {
    auto file = sealing::open(f.content, ring);
    if (!file) return out;
    out.files += f.field + " " + std::to_string(f.index) + " " + *file + "; ";
  }
  out.ok = true;
  return out;
}

void a_sealed_form_seals_its_record(void**) {
  std::string dir = test::make_temp_dir();
  Sealed s = sealed_record(dir.c_str());
  test::remove_dir(dir);
  assert_true(s.ok);
  assert_true(s.record.find("Maija") == std::string::npos);
  assert_true(s.record.find("\"files\":[{\"field\":\"photo\",\"index\":0,") != std::string::npos);
  assert_string_equal(s.data.c_str(), R"({"receipt":"R","data":{"name":"Maija"}})");
  assert_string_equal(s.files.c_str(), "photo 0 content 0; photo 1 content 1; ");
  assert_true(s.keys.starts_with("T:nonce;K#"));
  assert_true(s.keys.find("my-secret-key") == std::string::npos);
  assert_string_equal(s.address.c_str(), "maija@example.fi");
  assert_int_equal(s.target, s.confirmation);
}

int main() {
  const CMUnitTest tests[] = {
      cmocka_unit_test(records_the_submission),
      cmocka_unit_test(numbers_files_per_field),
      cmocka_unit_test(goes_to_every_delivery),
      cmocka_unit_test(a_sealed_form_seals_its_record),
      cmocka_unit_test(reads_each_outcome_of_a_batch),
      cmocka_unit_test(reads_a_failed_batch),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
