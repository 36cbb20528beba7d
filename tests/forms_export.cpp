// The CSV and XML exports: RFC 4180 quoting, formula neutralising, the
// delimiter option, and XML that libxml2 reads back with the values intact,
// also when written a piece at a time.
#include <cstring>
#include <string>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>

#include "forms/submission_export.hpp"
#include "sealing/envelope.hpp"
#include "sealing/sealed_record.hpp"
#include "sealing/sodium_text.hpp"
#include "tests/support/form_lines.hpp"
#include "tests/support/cmocka.hpp"  // last

using namespace civic::forms;

namespace {

const char* kRecord1 =
    R"({"receipt":"PAL-2026-000001","form":"f","seq":1,"created_time":"2026-11-23T10:00:00Z","language":"fi",)"
    R"("data":{"name":"=cmd|' /C calc'!A0","topics":["a","b"],"note":"rivi\n\"x\";y","age":"-5",)"
    R"("photo":[{"filename":"k.png","content_type":"image/png","size":69}],"ok":true}})";
const char* kRecord2 =
    R"({"receipt":"PAL-2026-000002","form":"f","seq":2,"created_time":"2026-11-23T10:00:01Z","language":"en",)"
    R"("data":{"name":"<b>&amp;</b>","bad name":"v"}})";

void cells_are_neutralised_and_quoted(void**) {
  assert_string_equal(csv_cell("plain", ',').c_str(), "plain");
  assert_string_equal(csv_cell("=1+1", ',').c_str(), "'=1+1");
  assert_string_equal(csv_cell("+cmd", ',').c_str(), "'+cmd");
  assert_string_equal(csv_cell("-x", ',').c_str(), "'-x");
  assert_string_equal(csv_cell("@SUM(A1)", ',').c_str(), "'@SUM(A1)");
  assert_string_equal(csv_cell("\tx", ',').c_str(), "'\tx");
  assert_string_equal(csv_cell("\rx", ',').c_str(), "\"'\rx\"");
  assert_string_equal(csv_cell("-5", ',').c_str(), "-5");            // a number stays a number
  // A telephone number is text whether or not it has spaces (issue 12).
  assert_string_equal(csv_cell("+358401234567", ',').c_str(), "'+358401234567");
  assert_string_equal(csv_cell("+358 40 123 4567", ',').c_str(), "'+358 40 123 4567");
  assert_string_equal(csv_cell("a,b", ',').c_str(), "\"a,b\"");
  assert_string_equal(csv_cell("a,b", ';').c_str(), "a,b");
  assert_string_equal(csv_cell("a;b", ';').c_str(), "\"a;b\"");
  assert_string_equal(csv_cell("say \"hi\"", ',').c_str(), "\"say \"\"hi\"\"\"");
  assert_string_equal(csv_cell("two\nlines", ',').c_str(), "\"two\nlines\"");
  assert_string_equal(csv_cell("=\"x\"", ',').c_str(), "\"'=\"\"x\"\"\"");
}

void csv_rows_follow_the_form(void**) {
  std::vector<CsvColumn> columns;
  for (const char* f : {"name", "topics", "note", "age", "photo", "ok"}) columns.push_back({f, f, false, {}});
  auto csv = make_csv_export(columns, CsvOptions{});
  std::string out;
  csv->begin(out);
  assert_true(csv->row(kRecord1, out));
  assert_false(csv->row("not json", out));
  csv->end(1, out);
  assert_string_equal(out.c_str(),
                      "receipt,seq,created_time,language,name,topics,note,age,photo,ok\r\n"
                      "PAL-2026-000001,1,2026-11-23T10:00:00Z,fi,'=cmd|' /C calc'!A0,\"a, b\",\"rivi\n\"\"x\"\";y\","
                      "-5,k.png,true\r\n");
  CsvOptions semi;
  semi.delimiter = ';';
  auto csv2 = make_csv_export({{"note", "note", false, {}}}, semi);
  std::string out2;
  csv2->begin(out2);
  csv2->row(kRecord1, out2);
  assert_non_null(strstr(out2.c_str(), "receipt;seq;created_time;language;note\r\n"));
  assert_non_null(strstr(out2.c_str(), ";\"rivi\n\"\"x\"\";y\"\r\n"));
}

// For spreadsheets (issue 12): labels in a language, option labels, the
// local time in the form's zone, links to files, a BOM with ";".
void csv_for_spreadsheets(void**) {
  auto built = civic::test::build_form("f", {"languages fi en", "field name text", "  label fi \"Nimi\"", "  label en \"Name\"", "end",
                                             "field topics checkboxes", "  label fi \"Aiheet\"",
                                             "  option a fi \"Kadut\" en \"Streets\"", "  option b fi \"Puistot\"", "end",
                                             "field photo file", "  multiple", "  label fi \"Kuva\"", "end"});
  const Form& form = std::get<Form>(built);
  std::vector<civic::QueryParameter> params = {{"delimiter", ";"}, {"labels", "1"}};
  std::vector<CsvColumn> columns;
  CsvOptions options;
  assert_false(csv_export_request(form, params, columns, options).has_value());
  assert_true(options.bom);  // with ";"
  assert_string_equal(options.time_zone.c_str(), "Europe/Helsinki");
  options.file_url_base = "https://h/admin/forms/f/submissions/";
  auto csv = make_csv_export(columns, options);
  std::string out;
  csv->begin(out);
  assert_true(csv->row(R"({"receipt":"PAL-2026-K7QD-000001","seq":1,"created_time":"2026-11-23T10:00:00Z","language":"fi",)"
                       R"("data":{"name":"Maija","topics":["b","a","old"],"photo":[{"filename":"x.png"},{"filename":"y.png"}]}})",
                       out));
  assert_string_equal(out.c_str(),
                      "\xEF\xBB\xBFreceipt;seq;created_time;created_local;language;Nimi;Aiheet;Kuva;Kuva (link)\r\n"
                      "PAL-2026-K7QD-000001;1;2026-11-23T10:00:00Z;2026-11-23 12:00:00;fi;Maija;Puistot, Kadut, old;x.png, y.png;"
                      "https://h/admin/forms/f/submissions/PAL-2026-K7QD-000001/files/photo?index=0, "
                      "https://h/admin/forms/f/submissions/PAL-2026-K7QD-000001/files/photo?index=1\r\n");
  params = {{"labels", "1"}, {"lang", "en"}, {"bom", "0"}};
  assert_false(csv_export_request(form, params, columns, options).has_value());
  assert_false(options.bom);
  assert_string_equal(columns[0].header.c_str(), "Name");
  assert_string_equal(columns[1].option_labels[0].second.c_str(), "Streets");
  params = {{"lang", "de"}};
  auto e = csv_export_request(form, params, columns, options);
  assert_true(e.has_value());
  assert_string_equal(e->parameter.c_str(), "lang");
  params = {{"bom", "yes"}};
  assert_true(csv_export_request(form, params, columns, options).has_value());
}

void xml_is_well_formed_in_pieces(void**) {
  init_xml_export();
  auto xml = make_xml_export("f");
  std::string out, piece;
  xml->begin(piece);
  out += piece;
  piece.clear();
  assert_true(xml->row(kRecord1, piece));
  assert_false(piece.empty());  // each row comes out as it is written
  out += piece;
  piece.clear();
  assert_true(xml->row(kRecord2, piece));
  out += piece;
  piece.clear();
  xml->end(2, piece);
  out += piece;

  xmlDocPtr doc = xmlReadMemory(out.data(), static_cast<int>(out.size()), "export.xml", nullptr, XML_PARSE_NONET);
  assert_non_null(doc);
  xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
  auto text = [&](const char* path) {
    xmlXPathObjectPtr r = xmlXPathEvalExpression(reinterpret_cast<const xmlChar*>(path), ctx);
    std::string s;
    if (r != nullptr) {
      xmlChar* v = xmlXPathCastToString(r);
      s = reinterpret_cast<const char*>(v);
      xmlFree(v);
      xmlXPathFreeObject(r);
    }
    return s;
  };
  assert_string_equal(text("/submissions/@form").c_str(), "f");
  assert_string_equal(text("count(/submissions/submission)").c_str(), "2");
  assert_string_equal(text("/submissions/submission[1]/@receipt").c_str(), "PAL-2026-000001");
  assert_string_equal(text("/submissions/submission[1]/data/name").c_str(), "=cmd|' /C calc'!A0");
  assert_string_equal(text("/submissions/submission[1]/data/topics/value[2]").c_str(), "b");
  assert_string_equal(text("/submissions/submission[1]/data/note").c_str(), "rivi\n\"x\";y");
  assert_string_equal(text("/submissions/submission[1]/data/photo/file/@filename").c_str(), "k.png");
  assert_string_equal(text("/submissions/submission[2]/data/name").c_str(), "<b>&amp;</b>");
  assert_string_equal(text("/submissions/submission[2]/data/field[@name='bad name']").c_str(), "v");
  assert_string_equal(text("/submissions/next_since").c_str(), "2");
  xmlXPathFreeContext(ctx);
  xmlFreeDoc(doc);
}

}  // namespace

// A sealed form's CSV export (key_id and sealed last, the fields empty)
// opened with the secret key is the unsealed form's CSV, byte for byte,
// with every option: delimiter, BOM, local times, file links.
std::string csv_of(const std::string& record, bool sealed) {
  std::vector<CsvColumn> columns;
  for (const char* f : {"name", "topics", "note", "age", "photo", "ok"}) {
    CsvColumn c;
    c.field = c.header = f;
    c.file = std::strcmp(f, "photo") == 0;
    columns.push_back(c);
  }
  CsvOptions options;
  options.delimiter = ';';
  options.bom = true;
  options.time_zone = "Europe/Helsinki";
  options.file_url_base = "https://x.example.fi/admin/forms/f/submissions/";
  options.sealed = sealed;
  auto csv = make_csv_export(columns, options);
  std::string out;
  csv->begin(out);
  csv->row(record, out);
  csv->end(1, out);
  return out;
}

std::string sealed_record_of(const char* record, const civic::sealing::PublicKey& key) {
  std::string r = record;
  std::size_t at = r.find("\"data\":");
  std::string data = r.substr(at + 7, r.size() - at - 8);
  civic::sealing::SealedMember m;
  m.key_id = key.id;
  m.data = civic::sealing::seal(data, key).value();
  m.files.push_back({"photo", 0, 69 + civic::sealing::envelope_overhead()});
  return r.substr(0, at) + "\"sealed\":" + civic::sealing::sealed_member_json(m) + "}";
}

void a_sealed_csv_export_opens_into_the_unsealed_one(void**) {
  auto secret = civic::sealing::parse_secret_key("civic-seal-secret-key " + civic::sealing::to_base64(std::string(32, '\7')));
  assert_true(secret.ok());
  std::string sealed_csv = csv_of(sealed_record_of(kRecord1, secret->public_key), true);
  assert_null(strstr(sealed_csv.c_str(), "calc"));
  assert_non_null(strstr(sealed_csv.c_str(), ";photo (link);key_id;sealed\r\n"));
  assert_non_null(strstr(sealed_csv.c_str(), "/PAL-2026-000001/files/photo?index=0;"));
  civic::sealing::KeyRing ring;
  ring.add(std::move(secret.value()));
  auto opened = open_csv_export(sealed_csv, ring);
  assert_true(opened.ok());
  assert_string_equal(opened->c_str(), csv_of(kRecord1, false).c_str());
  civic::sealing::KeyRing none;
  auto refused = open_csv_export(sealed_csv, none);
  assert_false(refused.ok());
  assert_non_null(strstr(refused.error().message().c_str(), "the secret keys given are none"));
  assert_false(open_csv_export(csv_of(kRecord1, false), ring).ok());  // no sealed column: not a sealed export
}

int main() {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(cells_are_neutralised_and_quoted),
      cmocka_unit_test(csv_rows_follow_the_form),
      cmocka_unit_test(csv_for_spreadsheets),
      cmocka_unit_test(xml_is_well_formed_in_pieces),
      cmocka_unit_test(a_sealed_csv_export_opens_into_the_unsealed_one),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
