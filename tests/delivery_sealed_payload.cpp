// The webhook body of a sealed form's submission: the "sealed" member as
// stored, each file's envelope with its hash (and bytes, inline), nothing in
// plain text; and t/tools/sealed_receiver.py, the receiver docs/delivery.md
// shows, opens it with the secret key.
#include <sodium.h>

#include <rapidjson/document.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "common/hex.hpp"
#include "delivery/webhook_payload.hpp"
#include "sealing/sodium_text.hpp"
#include "tests/support/sealed_sample.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/cmocka.hpp"  // last

using namespace civic;
using namespace civic::delivery;

namespace {

// What the citizen sent: every string marked SECRET must stay out of the body.
const std::string kAnswers =
    "{\"name\":\"Matti SECRET-NAME\","
    "\"photo\":[{\"filename\":\"SECRET-one.png\",\"content_type\":\"image/png\",\"size\":17},"
    "{\"filename\":\"SECRET-two.pdf\",\"content_type\":\"application/pdf\",\"size\":0}],"
    "\"scan\":[{\"filename\":\"SECRET-scan.txt\",\"content_type\":\"text/plain\",\"size\":11}]}";
const std::vector<storage::NewSubmission::File> kFiles = {
    {"photo", 0, "\x89PNG-SECRET-PHOTO"}, {"photo", 1, ""}, {"scan", 0, "SECRET-SCAN"}};

struct Fixture {
  std::string dir = test::make_temp_dir();
  test::SealKeys keys;
  std::string record;                  // as the store holds it
  std::string stored_data;             // its "sealed"."data" (base64)
  std::vector<std::string> envelopes;  // of kFiles, in their order
  std::string text;                    // what a helper returns a view of
  ~Fixture() { test::remove_dir(dir); }
};

int setup(void** state) {
  auto* f = new Fixture;
  *state = f;
  if (!test::make_seal_keys(f->dir + "/keys", f->keys)) return -1;
  auto s = test::sealed_submission(f->keys.public_key, "feedback", kAnswers, kFiles);
  if (!s) return -1;
  f->record = "{\"receipt\":\"PAL-2026-K7QD-000042\",\"form\":\"feedback\",\"seq\":42,"
              "\"created_time\":\"2026-11-28T12:00:00Z\",\"language\":\"fi\",\"sealed\":" +
              s->data_json + "}";
  rapidjson::Document doc;
  doc.Parse(s->data_json.data(), s->data_json.size());
  if (doc.HasParseError()) return -1;
  f->stored_data = doc["data"].GetString();
  for (const auto& file : s->files) f->envelopes.push_back(file.content);
  return 0;
}

int teardown(void** state) {
  delete static_cast<Fixture*>(*state);
  return 0;
}

// The stored files, in another order than the record lists them; `drop`:
// one left out; `plain`: the scan's plaintext in place of its envelope.
std::vector<FileContent> files_of(const Fixture& f, int drop = -1, bool plain = false) {
  std::vector<FileContent> files;
  for (int i : {2, 0, 1}) {
    if (i == drop) continue;
    std::string_view bytes = f.envelopes[static_cast<std::size_t>(i)];
    if (plain && i == 2) bytes = kFiles[2].content;
    files.push_back({kFiles[static_cast<std::size_t>(i)].field, kFiles[static_cast<std::size_t>(i)].index, bytes});
  }
  return files;
}

// The body, or "error:<message>".
const char* body_of(Fixture& f, const std::string& record, std::vector<FileContent> files, bool files_inline) {
  auto body = webhook_body(record, files, files_inline);
  f.text = body ? *body : "error:" + body.error().message();
  return f.text.c_str();
}

std::string sha256_hex(std::string_view bytes) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  return to_hex(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

std::string opened(const Fixture& f, std::string_view envelope) {
  auto plain = sealing::open(envelope, f.keys.ring);
  return plain ? *plain : "does not open: " + plain.error().message();
}

// What is wrong with a sealed body; empty when nothing is.
std::string check_sealed_body(const Fixture& f, const std::string& body, bool files_inline) {
  if (body.find("SECRET") != std::string::npos) return "plain text in the body: " + body;
  rapidjson::Document doc;
  doc.Parse(body.data(), body.size());
  if (doc.HasParseError() || !doc.IsObject()) return "not a JSON object: " + body;
  const char* order[] = {"type", "form", "receipt", "seq", "created_time", "language", "sealed"};
  unsigned i = 0;
  for (const auto& m : doc.GetObject()) {
    if (i >= 7 || std::string(m.name.GetString()) != order[i]) return "members (no data, no files): " + body;
    ++i;
  }
  if (i != 7) return "members missing: " + body;
  if (std::string(doc["type"].GetString()) != "submission.created" ||
      std::string(doc["receipt"].GetString()) != "PAL-2026-K7QD-000042" || doc["seq"].GetUint64() != 42)
    return "metadata: " + body;
  const rapidjson::Value& sealed = doc["sealed"];
  const char* sealed_order[] = {"key_id", "size", "data", "files"};
  i = 0;
  for (const auto& m : sealed.GetObject()) {
    if (i >= 4 || std::string(m.name.GetString()) != sealed_order[i]) return "sealed members: " + body;
    ++i;
  }
  if (std::string(sealed["key_id"].GetString()) != f.keys.public_key.id) return "key_id: " + body;
  if (std::string(sealed["data"].GetString()) != f.stored_data) return "data not as stored";
  auto data = sealing::from_base64(f.stored_data);
  if (!data || sealed["size"].GetUint64() != data->size()) return "size: " + body;
  if (opened(f, *data) != kAnswers) return "the answers do not open: " + opened(f, *data);
  const rapidjson::Value& files = sealed["files"];
  if (!files.IsArray() || files.Size() != 3) return "files: " + body;
  for (unsigned k = 0; k < 3; ++k) {
    const rapidjson::Value& file = files[k];
    const std::string& envelope = f.envelopes[k];
    if (std::string(file["field"].GetString()) != kFiles[k].field || file["index"].GetUint() != kFiles[k].index ||
        file["size"].GetUint64() != envelope.size() || file["sha256"].GetString() != sha256_hex(envelope))
      return "file " + std::to_string(k) + ": " + body;
    if (file.HasMember("name") || file.HasMember("type")) return "a file's name or type: " + body;
    if (files_inline != file.HasMember("content_base64")) return "content_base64 presence: " + body;
    if (!files_inline) continue;
    auto content = sealing::from_base64(file["content_base64"].GetString());
    if (!content || *content != envelope) return "content is not the envelope: " + body;
    if (opened(f, *content) != kFiles[k].content) return "file " + std::to_string(k) + " does not open";
  }
  return "";
}

// The problem check_sealed_body finds in the body (empty: none).
const char* sealed_body_problem(Fixture& f, bool files_inline) {
  std::string body = body_of(f, f.record, files_of(f), files_inline);
  f.text = check_sealed_body(f, body, files_inline);
  return f.text.c_str();
}

void a_sealed_body_carries_envelopes_only(void** state) {
  assert_string_equal(sealed_body_problem(*static_cast<Fixture*>(*state), false), "");
}

void inline_files_are_their_envelopes(void** state) {
  assert_string_equal(sealed_body_problem(*static_cast<Fixture*>(*state), true), "");
}

// The body when the scan's stored bytes are its plaintext, with the size
// its envelope has replaced by "N".
const char* body_with_a_plain_scan(Fixture& f) {
  std::string body = body_of(f, f.record, files_of(f, -1, true), false);
  std::string size = std::to_string(f.envelopes[2].size());
  if (body.ends_with(size)) body.replace(body.size() - size.size(), size.size(), "N");
  f.text = body;
  return f.text.c_str();
}

void a_missing_or_different_envelope_is_an_error(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  assert_string_equal(body_of(f, f.record, files_of(f, 1), true),
                      "error:build webhook body: file 1 of field 'photo' is missing from the store");
  assert_string_equal(body_with_a_plain_scan(f),
                      "error:build webhook body: file 0 of field 'scan' has 11 bytes in the store, the "
                      "submission says N");
}

// The body of the record with its "sealed" key id replaced by `id`.
const char* body_with_key_id(Fixture& f, const char* id) {
  std::string record = f.record;
  record.replace(record.find(f.keys.public_key.id), f.keys.public_key.id.size(), id);
  return body_of(f, record, files_of(f), false);
}

void a_damaged_sealed_member_is_an_error(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  // Another key id than its envelope names.
  const char* body = body_with_key_id(f, "0123456789abcdef");
  assert_non_null(strstr(body, "error:build webhook body: the stored submission is damaged: "));
  assert_non_null(strstr(body, "the record 0123456789abcdef"));
  // No data and no sealed.
  assert_string_equal(body_of(f, "{\"receipt\":\"R\",\"form\":\"f\",\"seq\":1,\"created_time\":\"t\",\"language\":\"en\"}", {}, false),
                      "error:build webhook body: the stored submission has no \"data\"");
}

std::string file_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// What t/tools/sealed_receiver.py prints for the inline body, opened with
// `secret`; "exit N: stderr" when it fails.
const char* receiver_output(Fixture& f, const std::string& secret) {
  auto body = webhook_body(f.record, files_of(f), true);
  if (!body) return "no body";
  std::ofstream(f.dir + "/body.json", std::ios::binary) << *body;
  std::string command = "/usr/bin/python3 " + std::string(CIVIC_SOURCE_DIR) + "/t/tools/sealed_receiver.py " +
                        secret + " < " + f.dir + "/body.json > " + f.dir + "/out 2> " + f.dir + "/err";
  int rc = std::system(command.c_str());
  f.text = rc == 0 ? file_text(f.dir + "/out") : "exit " + std::to_string(rc) + ": " + file_text(f.dir + "/err");
  return f.text.c_str();
}

// What the receiver should print: the answers, then each file opened.
std::string expected_output() {
  std::string expected = kAnswers + "\n";
  for (const auto& file : kFiles)
    expected += "{\"field\": \"" + file.field + "\", \"index\": " + std::to_string(file.index) +
                ", \"content_base64\": \"" + sealing::to_base64(file.content) + "\"}\n";
  return expected;
}

bool receiver_opens_it(Fixture& f) {
  std::string expected = expected_output();
  const char* out = receiver_output(f, f.keys.secret_path);
  if (expected == out) return true;
  print_message("receiver printed: %s\nexpected: %s\n", out, expected.c_str());
  return false;
}

void the_documented_receiver_opens_it(void** state) {
  assert_true(receiver_opens_it(*static_cast<Fixture*>(*state)));
}

// The receiver's output with a secret key that is not the record's.
const char* receiver_with_another_key(Fixture& f) {
  test::SealKeys other;
  if (!test::make_seal_keys(f.dir + "/other", other)) return "no other key";
  return receiver_output(f, other.secret_path);
}

void the_receiver_refuses_another_key(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  const char* out = receiver_with_another_key(f);
  assert_non_null(strstr(out, "exit "));
  assert_non_null(strstr(out, "sealed_receiver.py: "));
  assert_null(strstr(out, "SECRET"));
}

// The receiver's two functions as docs/delivery.md shows them, and whether
// t/tools/sealed_receiver.py has the same text ("" if it has).
const char* docs_and_script_differ(Fixture& f) {
  const std::string docs = file_text(std::string(CIVIC_SOURCE_DIR) + "/docs/delivery.md");
  const std::string script = file_text(std::string(CIVIC_SOURCE_DIR) + "/t/tools/sealed_receiver.py");
  const std::string first = "def read_secret_key(path):", last = "return box.decrypt(envelope[13:])\n";
  std::size_t from = docs.find(first), to = docs.find(last);
  if (from == std::string::npos || to == std::string::npos) return "the docs have no receiver";
  f.text = docs.substr(from, to + last.size() - from);
  return script.find(f.text) == std::string::npos ? f.text.c_str() : "";
}

void the_script_is_what_the_docs_show(void** state) {
  assert_string_equal(docs_and_script_differ(*static_cast<Fixture*>(*state)), "");
}

}  // namespace

int main() {
  const CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(a_sealed_body_carries_envelopes_only, setup, teardown),
      cmocka_unit_test_setup_teardown(inline_files_are_their_envelopes, setup, teardown),
      cmocka_unit_test_setup_teardown(a_missing_or_different_envelope_is_an_error, setup, teardown),
      cmocka_unit_test_setup_teardown(a_damaged_sealed_member_is_an_error, setup, teardown),
      cmocka_unit_test_setup_teardown(the_documented_receiver_opens_it, setup, teardown),
      cmocka_unit_test_setup_teardown(the_receiver_refuses_another_key, setup, teardown),
      cmocka_unit_test_setup_teardown(the_script_is_what_the_docs_show, setup, teardown),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
