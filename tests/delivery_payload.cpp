// The webhook body: the stored submission as it is, with its files listed in
// the data's order, their SHA-256 and, with files=inline, their contents.
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>
#include <vector>

#include "delivery/webhook_payload.hpp"
#include "tests/support/cmocka.hpp"  // last

using namespace civic::delivery;

namespace {

// As storage/submission_store.cpp stores it, data as forms/record.cpp writes
// it: a text, two files, checkboxes, a flag, a second file field.
const std::string kStoredData =
    "{\"name\":\"Matti \\\"M\\\" Meik\xc3\xa4l\xc3\xa4inen\","
    "\"photo\":[{\"filename\":\"one.png\",\"content_type\":\"image/png\",\"size\":3},"
    "{\"filename\":\"two.pdf\",\"content_type\":\"application/pdf\",\"size\":0}],"
    "\"topics\":[\"b\",\"a\"],\"agree\":true,"
    "\"scan\":[{\"filename\":\"scan.txt\",\"content_type\":\"text/plain\",\"size\":5}]}";
const std::string kStored =
    "{\"receipt\":\"PAL-2026-K7QD-000042\",\"form\":\"feedback\",\"seq\":42,"
    "\"created_time\":\"2026-11-28T12:00:00Z\",\"language\":\"fi\",\"data\":" + kStoredData + "}";

// The files in another order than the data's, as a store scan might give them.
std::vector<FileContent> stored_files() {
  return {{"scan", 0, "hello"}, {"photo", 1, ""}, {"photo", 0, "abc"}};
}

// The body for these inputs, or "error:<message>".
std::string body_of(const std::string& stored, const std::vector<FileContent>& files, bool files_inline) {
  auto body = webhook_body(stored, files, files_inline);
  if (!body) return "error:" + body.error().message();
  return *body;
}

std::string json_text(const rapidjson::Value& v) {
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> w(out);
  v.Accept(w);
  return std::string(out.GetString(), out.GetSize());
}

// What is wrong with the body; empty when nothing is.
std::string check_body(const std::string& body, bool files_inline) {
  rapidjson::Document doc;
  doc.Parse(body.data(), body.size());
  if (doc.HasParseError() || !doc.IsObject()) return "not a JSON object: " + body;
  const char* order[] = {"type", "form", "receipt", "seq", "created_time", "language", "data", "files"};
  unsigned i = 0;
  for (const auto& m : doc.GetObject()) {
    if (i >= 8 || std::string(m.name.GetString()) != order[i]) return "members out of order: " + body;
    ++i;
  }
  if (i != 8) return "members missing: " + body;
  if (std::string(doc["type"].GetString()) != "submission.created") return "type";
  if (std::string(doc["form"].GetString()) != "feedback") return "form";
  if (std::string(doc["receipt"].GetString()) != "PAL-2026-K7QD-000042") return "receipt";
  if (!doc["seq"].IsUint64() || doc["seq"].GetUint64() != 42) return "seq";
  if (std::string(doc["created_time"].GetString()) != "2026-11-28T12:00:00Z") return "created_time";
  if (std::string(doc["language"].GetString()) != "fi") return "language";
  if (json_text(doc["data"]) != kStoredData) return "data not as stored: " + json_text(doc["data"]);
  // Exactly as stored, byte for byte, in the body itself too.
  if (body.find("\"data\":" + kStoredData + ",\"files\":") == std::string::npos) return "data bytes differ";

  struct Expected {
    const char *field, *name, *type;
    unsigned index, size;
    const char *sha256, *base64;
  };
  const Expected expected[] = {
      {"photo", "one.png", "image/png", 0, 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "YWJj"},
      {"photo", "two.pdf", "application/pdf", 1, 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
       ""},
      {"scan", "scan.txt", "text/plain", 0, 5, "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
       "aGVsbG8="},
  };
  const rapidjson::Value& files = doc["files"];
  if (!files.IsArray() || files.Size() != 3) return "files: " + json_text(files);
  for (unsigned k = 0; k < 3; ++k) {
    const rapidjson::Value& f = files[k];
    const Expected& e = expected[k];
    if (std::string(f["field"].GetString()) != e.field || f["index"].GetUint() != e.index ||
        std::string(f["name"].GetString()) != e.name || std::string(f["type"].GetString()) != e.type ||
        f["size"].GetUint64() != e.size || std::string(f["sha256"].GetString()) != e.sha256) {
      return "file " + std::to_string(k) + ": " + json_text(f);
    }
    if (files_inline != f.HasMember("content_base64")) return "content_base64 presence: " + json_text(f);
    if (files_inline && std::string(f["content_base64"].GetString()) != e.base64) return "content: " + json_text(f);
  }
  return "";
}

void lists_files_in_the_datas_order(void**) {
  std::string problem = check_body(body_of(kStored, stored_files(), false), false);
  if (!problem.empty()) fail_msg("%s", problem.c_str());
}

void inline_files_carry_their_content(void**) {
  std::string problem = check_body(body_of(kStored, stored_files(), true), true);
  if (!problem.empty()) fail_msg("%s", problem.c_str());
}

void no_files_gives_an_empty_list(void**) {
  std::string stored = "{\"receipt\":\"R-1\",\"form\":\"f\",\"seq\":1,\"created_time\":\"2026-01-01T00:00:00Z\","
                       "\"language\":\"en\",\"data\":{\"topics\":[\"a\"],\"msg\":\"x\\ny\"}}";
  std::string body = body_of(stored, {}, true);
  assert_string_equal(body.c_str(),
                      "{\"type\":\"submission.created\",\"form\":\"f\",\"receipt\":\"R-1\",\"seq\":1,"
                      "\"created_time\":\"2026-01-01T00:00:00Z\",\"language\":\"en\","
                      "\"data\":{\"topics\":[\"a\"],\"msg\":\"x\\ny\"},\"files\":[]}");
}

void a_missing_or_different_file_is_an_error(void**) {
  std::vector<FileContent> missing = {{"scan", 0, "hello"}, {"photo", 0, "abc"}};
  std::string gone = body_of(kStored, missing, false);
  assert_true(gone.find("file 1 of field 'photo' is missing from the store") != std::string::npos);

  std::vector<FileContent> wrong = {{"scan", 0, "hello!"}, {"photo", 1, ""}, {"photo", 0, "abc"}};
  std::string differs = body_of(kStored, wrong, false);
  assert_true(differs.find("file 0 of field 'scan' has 6 bytes in the store, the submission says 5") !=
              std::string::npos);
}

void a_broken_record_is_an_error(void**) {
  assert_true(body_of("{\"receipt\":", {}, false).find("is not JSON") != std::string::npos);
  assert_true(body_of("[]", {}, false).find("is not a JSON object") != std::string::npos);
  assert_true(body_of("{\"receipt\":\"R\",\"form\":\"f\",\"seq\":1,\"created_time\":\"t\",\"language\":\"en\"}", {},
                      false)
                  .find("has no \"data\"") != std::string::npos);
}

}  // namespace

int main() {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(lists_files_in_the_datas_order),
      cmocka_unit_test(inline_files_carry_their_content),
      cmocka_unit_test(no_files_gives_an_empty_list),
      cmocka_unit_test(a_missing_or_different_file_is_an_error),
      cmocka_unit_test(a_broken_record_is_an_error),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
