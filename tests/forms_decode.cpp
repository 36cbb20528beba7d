// Body decoders: urlencoded, multipart/form-data, JSON, and hostile inputs.
#include <cstring>
#include <string>

#include "forms/decode.hpp"
#include "tests/support/cmocka.hpp"  // last

using namespace civic::forms;

namespace {

const FormInput& ok(const DecodeResult& r) {
  if (const auto* e = std::get_if<DecodeError>(&r)) fail_msg("unexpected decode error: %s", e->message.c_str());
  return std::get<FormInput>(r);
}

std::string error_of(const DecodeResult& r) {
  const auto* e = std::get_if<DecodeError>(&r);
  if (!e) fail_msg("expected a decode error");
  return e->message;
}

void urlencoded_basics(void**) {
  auto r = decode_urlencoded("name=Matti+Meik%C3%A4l%C3%A4inen&topic=roads&topic=parks&empty=&flag&&x=a%3Db");
  const FormInput& in = ok(r);
  assert_string_equal(in.first("name")->c_str(), "Matti Meikäläinen");
  assert_int_equal(in.values_of("topic").size(), 2);
  assert_string_equal(in.first("empty")->c_str(), "");
  assert_string_equal(in.first("flag")->c_str(), "");
  assert_string_equal(in.first("x")->c_str(), "a=b");
}

void urlencoded_hostile(void**) {
  assert_non_null(strstr(error_of(decode_urlencoded("a=%ZZ")).c_str(), "%"));
  error_of(decode_urlencoded("a=%4"));                 // truncated escape
  error_of(decode_urlencoded("a=%"));
  error_of(decode_urlencoded("a=%C3%28"));             // invalid UTF-8
  error_of(decode_urlencoded("a=%ED%A0%80"));          // a UTF-16 surrogate
  error_of(decode_urlencoded("a=%C0%AF"));             // overlong "/"
  error_of(decode_urlencoded(std::string(300, 'n') + "=1"));  // huge name
  std::string many;
  for (int i = 0; i < 1001; ++i) many += "a=1&";
  error_of(decode_urlencoded(many));
}

const char* kBoundary = "----civicBoundary7MA4YWxk";

std::string part(const std::string& headers, const std::string& content) {
  return "--" + std::string(kBoundary) + "\r\n" + headers + "\r\n\r\n" + content + "\r\n";
}

std::string close_delim() { return "--" + std::string(kBoundary) + "--\r\n"; }

void multipart_values_and_files(void**) {
  std::string png("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
  std::string body = "preamble to ignore\r\n" +
                     part("Content-Disposition: form-data; name=\"name\"", "Matti") +
                     part("Content-Disposition: form-data; name=\"msg\"", "line 1\r\nline 2") +
                     part("Content-Disposition: form-data; name=\"photo\"; filename=\"C:\\\\pics\\\\kuva.png\"\r\n"
                          "Content-Type: image/png",
                          png) +
                     part("Content-Disposition: form-data; name=\"empty\"; filename=\"\"\r\n"
                          "Content-Type: application/octet-stream",
                          "") +
                     close_delim() + "epilogue";
  auto r = decode_multipart(body, kBoundary);
  const FormInput& in = ok(r);
  assert_string_equal(in.first("name")->c_str(), "Matti");
  assert_string_equal(in.first("msg")->c_str(), "line 1\r\nline 2");
  assert_int_equal(in.files.size(), 1);  // the empty file input is no file
  assert_string_equal(in.files[0].field.c_str(), "photo");
  assert_string_equal(in.files[0].filename.c_str(), "kuva.png");
  assert_string_equal(in.files[0].declared_type.c_str(), "image/png");
  assert_int_equal(in.files[0].content.size(), png.size());
  assert_memory_equal(in.files[0].content.data(), png.data(), png.size());
}

// Browsers send a Windows path with single backslashes: the name is the
// part after the last one (issue 11), and \" is still a quote.
void multipart_file_names_from_windows(void**) {
  const char* cases[][2] = {{"..\\..\\win.ini", "win.ini"},
                            {"C:\\Users\\Maija\\hakemus.pdf", "hakemus.pdf"},
                            {"a\\\"b.txt", "a\"b.txt"},
                            {"kansio/kuva.png", "kuva.png"}};
  for (const auto& c : cases) {
    std::string body = part(std::string("Content-Disposition: form-data; name=\"f\"; filename=\"") + c[0] + "\"", "x") +
                       close_delim();
    auto r = decode_multipart(body, kBoundary);
    const FormInput& in = ok(r);
    assert_int_equal(in.files.size(), 1);
    assert_string_equal(in.files[0].filename.c_str(), c[1]);
  }
}

void multipart_content_may_contain_the_boundary_text(void**) {
  // Only CRLF--boundary delimits; the text without CRLF before it is content.
  std::string content = "x --" + std::string(kBoundary) + " y";
  std::string body = part("Content-Disposition: form-data; name=\"a\"", content) + close_delim();
  assert_string_equal(ok(decode_multipart(body, kBoundary)).first("a")->c_str(), content.c_str());
}

void multipart_hostile(void**) {
  std::string whole = part("Content-Disposition: form-data; name=\"a\"", "1") + close_delim();
  assert_non_null(strstr(error_of(decode_multipart(whole, "")).c_str(), "boundary"));      // missing boundary
  error_of(decode_multipart(whole, std::string(71, 'b')));                                  // boundary too long
  error_of(decode_multipart(whole, "other"));                                               // wrong boundary
  // Truncated anywhere before the closing delimiter.
  for (std::size_t cut : {std::size_t{10}, whole.size() / 2, whole.size() - close_delim().size() - 1})
    error_of(decode_multipart(whole.substr(0, cut), kBoundary));
  // No closing delimiter at all.
  error_of(decode_multipart(part("Content-Disposition: form-data; name=\"a\"", "1"), kBoundary));
  // A part without a name, without Content-Disposition, with a malformed header.
  error_of(decode_multipart(part("Content-Disposition: form-data", "1") + close_delim(), kBoundary));
  error_of(decode_multipart(part("Content-Type: text/plain", "1") + close_delim(), kBoundary));
  error_of(decode_multipart(part("no colon here", "1") + close_delim(), kBoundary));
  // A huge field name, huge headers.
  error_of(decode_multipart(part("Content-Disposition: form-data; name=\"" + std::string(5000, 'n') + "\"", "1") +
                                close_delim(),
                            kBoundary));
  error_of(decode_multipart(part("X-Filler: " + std::string(10000, 'x') + "\r\nContent-Disposition: form-data; name=\"a\"",
                                 "1") +
                                close_delim(),
                            kBoundary));
  // Invalid UTF-8 in a value and in a file name.
  error_of(decode_multipart(part("Content-Disposition: form-data; name=\"a\"", "\xff\xfe") + close_delim(), kBoundary));
  error_of(decode_multipart(
      part("Content-Disposition: form-data; name=\"f\"; filename=\"\xc3\x28.png\"", "data") + close_delim(), kBoundary));
}

void content_type_parsing(void**) {
  auto t = parse_content_type("multipart/form-data; boundary=\"----abc def\"");
  assert_int_equal(static_cast<int>(t.kind), static_cast<int>(BodyKind::multipart));
  assert_string_equal(t.boundary.c_str(), "----abc def");
  t = parse_content_type("Multipart/Form-Data;boundary=xyz");
  assert_string_equal(t.boundary.c_str(), "xyz");
  assert_int_equal(static_cast<int>(parse_content_type("application/json; charset=utf-8").kind),
                   static_cast<int>(BodyKind::json));
  assert_false(parse_content_type("application/json; charset=latin1").charset_ok);
  assert_int_equal(static_cast<int>(parse_content_type("application/x-www-form-urlencoded").kind),
                   static_cast<int>(BodyKind::urlencoded));
  assert_int_equal(static_cast<int>(parse_content_type("text/plain").kind), static_cast<int>(BodyKind::unsupported));
  assert_int_equal(static_cast<int>(parse_content_type("").kind), static_cast<int>(BodyKind::unsupported));
}

void json_values(void**) {
  auto r = decode_json(R"({"name":"Åsa","n":12.50,"topics":["a","b"],"ok":true,"no":false,"nil":null,"_token":"t"})");
  const FormInput& in = ok(r);
  assert_string_equal(in.first("name")->c_str(), "Åsa");
  assert_string_equal(in.first("n")->c_str(), "12.50");  // numbers keep their text
  assert_int_equal(in.values_of("topics").size(), 2);
  assert_string_equal(in.first("ok")->c_str(), "yes");
  assert_null(in.first("no"));
  assert_null(in.first("nil"));
  assert_string_equal(in.first("_token")->c_str(), "t");
}

void json_hostile(void**) {
  error_of(decode_json(""));
  error_of(decode_json("[1,2]"));                       // not an object
  error_of(decode_json(R"({"a":"b")"));                  // truncated
  error_of(decode_json("{\"a\":\"\xff\"}"));             // invalid UTF-8
  error_of(decode_json(R"({"a":{"b":"c"}})"));           // nested object
  error_of(decode_json(R"({"a":[["x"]]})"));             // nested array
  // Deeply nested: parsed without recursion, refused as not flat.
  std::string deep = "{\"a\":" + std::string(100000, '[') + std::string(100000, ']') + "}";
  error_of(decode_json(deep));
  std::string deep_open = std::string(200000, '[');
  error_of(decode_json(deep_open));
  error_of(decode_json("{\"" + std::string(300, 'k') + "\":1}"));
}

}  // namespace

int main() {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(urlencoded_basics),
      cmocka_unit_test(urlencoded_hostile),
      cmocka_unit_test(multipart_values_and_files),
      cmocka_unit_test(multipart_file_names_from_windows),
      cmocka_unit_test(multipart_content_may_contain_the_boundary_text),
      cmocka_unit_test(multipart_hostile),
      cmocka_unit_test(content_type_parsing),
      cmocka_unit_test(json_values),
      cmocka_unit_test(json_hostile),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
