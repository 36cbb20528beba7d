#include "tools/sealed_commands.hpp"

#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <iterator>
#include <string_view>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "forms/submission_export.hpp"
#include "sealing/envelope.hpp"
#include "sealing/seal_keys.hpp"
#include "sealing/sealed_record.hpp"

namespace civic::tools {

namespace {

bool write_all(std::string_view bytes) {
  return std::fwrite(bytes.data(), 1, bytes.size(), stdout) == bytes.size();
}

// One JSON text: a record (it has "receipt") or a page ({"data":[...]}),
// opened. False with `error` set if it is neither or does not open.
bool open_json(std::string_view text, const sealing::KeyRing& keys, std::string& out, std::string& error) {
  rapidjson::Document doc;
  doc.Parse(text.data(), text.size());
  if (doc.HasParseError() || !doc.IsObject()) {
    error = "not JSON: open reads a sealed file, a submission, a page of the admin API or civicctl's JSON lines";
    return false;
  }
  if (doc.HasMember("receipt")) {
    auto opened = sealing::open_record(text, keys);
    if (!opened) {
      error = opened.error().message();
      return false;
    }
    out += *opened;
    return true;
  }
  auto data = doc.FindMember("data");
  if (data == doc.MemberEnd() || !data->value.IsArray()) {
    error = "a JSON object that is neither a submission nor a page of submissions";
    return false;
  }
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  for (const auto& m : doc.GetObject()) {
    w.Key(m.name.GetString(), m.name.GetStringLength());
    if (&m.value != &data->value) {
      m.value.Accept(w);
      continue;
    }
    w.StartArray();
    for (const auto& record : m.value.GetArray()) {
      rapidjson::StringBuffer one;
      rapidjson::Writer<rapidjson::StringBuffer> ow(one);
      record.Accept(ow);
      auto opened = sealing::open_record(std::string_view(one.GetString(), one.GetSize()), keys);
      if (!opened) {
        error = opened.error().message();
        return false;
      }
      w.RawValue(opened->data(), opened->size(), rapidjson::kObjectType);
    }
    w.EndArray();
  }
  w.EndObject();
  out.append(buffer.GetString(), buffer.GetSize());
  return true;
}

int fail(const std::string& message) {
  std::fprintf(stderr, "civicctl: %s\n", message.c_str());
  return 1;
}

}  // namespace

int keygen(const std::string& dir) {
  auto files = sealing::write_key_pair(dir);
  if (!files) return fail(files.error().message());
  std::printf("%s\n", files->id.c_str());
  std::fprintf(stderr,
               "civicctl: key %s: public key %s (for nginx.conf: seal %s;), secret key %s (mode 0600: keep it on "
               "the machines that open submissions, never on the web server, and keep a copy: without it nothing "
               "sealed for this key can be read)\n",
               files->id.c_str(), files->public_path.c_str(), files->public_path.c_str(), files->secret_path.c_str());
  return 0;
}

int open(const std::string& key_path) {
  if (key_path.empty()) return fail("open needs --key FILE|DIR: a .secret file or a directory of them");
  sealing::KeyRing keys;
  if (Status loaded = keys.load(key_path); !loaded) return fail(loaded.error().message());
  std::string input((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  if (std::cin.bad()) return fail("cannot read stdin");
  if (sealing::envelope_key_id(input)) {
    auto plain = sealing::open(input, keys);
    if (!plain) return fail(plain.error().message());
    if (!write_all(*plain) || std::fflush(stdout) != 0) return fail("cannot write to stdout");
    return 0;
  }
  std::string_view text = input;
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  if (text.starts_with("receipt")) {  // the admin API's CSV export
    auto csv = forms::open_csv_export(input, keys);
    if (!csv) return fail(csv.error().message());
    if (!write_all(*csv) || std::fflush(stdout) != 0) return fail("cannot write to stdout");
    return 0;
  }
  // JSON: one text, or one a line (civicctl submissions).
  std::string_view rest = input;
  std::size_t line_number = 0;
  std::string out;
  auto trimmed = [](std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) s.remove_suffix(1);
    return s;
  };
  if (trimmed(input).empty()) return fail("nothing on stdin to open");
  // One JSON text (a page, a record, pretty-printed or not), or JSON lines.
  rapidjson::Document whole;
  whole.Parse(input.data(), input.size());
  bool one_text = !whole.HasParseError();
  while (!rest.empty()) {
    std::size_t end = one_text ? std::string_view::npos : rest.find('\n');
    std::string_view line = trimmed(rest.substr(0, end));
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    ++line_number;
    if (line.empty()) continue;
    std::string error;
    if (!open_json(line, keys, out, error)) {
      return fail(one_text ? error : "line " + std::to_string(line_number) + ": " + error);
    }
    out += '\n';
    if (!write_all(out)) return fail("cannot write to stdout");
    out.clear();
  }
  if (std::fflush(stdout) != 0) return fail("cannot write to stdout");
  return 0;
}

}  // namespace civic::tools
