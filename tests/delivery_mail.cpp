// E-mail of submissions: the civic_smtp directive's words, the texts in four
// languages, and messages that a mail reader (GMime's parser) reads back as
// they were meant, whatever a form's title, labels or answers hold.
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/placeholders.hpp"
#include "delivery/mail_message.hpp"
#include "delivery/mail_texts.hpp"
#include "delivery/smtp_config.hpp"
#include "tests/support/mail_check.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/verdict.hpp"
#include "tests/support/cmocka.hpp"  // last

using namespace civic;
using namespace civic::delivery;
using civic::test::verdict;

namespace {

// ---- civic_smtp ----

std::vector<std::string_view> split_words(std::string_view line) {
  std::vector<std::string_view> words;
  std::size_t i = 0;
  while (i < line.size()) {
    std::size_t end = line.find(' ', i);
    if (end == std::string_view::npos) end = line.size();
    if (end > i) words.push_back(line.substr(i, end - i));
    i = end + 1;
  }
  return words;
}

// "" if `line` parses; otherwise nginx -t's text.
const char* smtp_error(std::string_view line) {
  std::vector<std::string_view> words = split_words(line);
  auto parsed = parse_smtp_config(words);
  return verdict(parsed.index() == 1 ? std::get<1>(parsed) : std::string());
}

// "url|from|starttls|user|password" of a line that parses, or its error.
const char* smtp_fields(std::string_view line) {
  std::vector<std::string_view> words = split_words(line);
  auto parsed = parse_smtp_config(words);
  if (parsed.index() == 1) return verdict("refused: " + std::get<1>(parsed));
  const SmtpConfig& c = std::get<0>(parsed);
  return verdict(c.url + "|" + c.from + "|" + (c.starttls ? "on" : "off") + "|" + c.user + "|" + c.password);
}

bool contains(const char* text, const char* part) { return std::string_view(text).find(part) != std::string_view::npos; }

void smtp_directive_accepted(void**) {
  assert_string_equal(smtp_fields("smtp://relay.example.fi:587 from=noreply@example.fi"),
                      "smtp://relay.example.fi:587|noreply@example.fi|on||");
  assert_string_equal(smtp_fields("smtp://relay.example.fi from=noreply@example.fi starttls=on"),
                      "smtp://relay.example.fi|noreply@example.fi|on||");
  // Plain SMTP only to this machine.
  assert_string_equal(smtp_fields("smtp://127.0.0.1:2525 from=a@b.fi starttls=off"), "smtp://127.0.0.1:2525|a@b.fi|off||");
  assert_string_equal(smtp_fields("smtp://localhost from=a@b.fi starttls=off"), "smtp://localhost|a@b.fi|off||");
  assert_string_equal(smtp_fields("smtp://[::1]:25 from=a@b.fi starttls=off"), "smtp://[::1]:25|a@b.fi|off||");
  // smtps: TLS from the start; starttls=on says nothing more.
  assert_string_equal(smtp_fields("smtps://relay.example.fi:465 from=a@b.fi"), "smtps://relay.example.fi:465|a@b.fi|on||");
}

struct PasswordFiles {
  std::string dir;
};

int password_setup(void** state) {
  auto* f = new PasswordFiles{test::make_temp_dir()};
  *state = f;
  FILE* one = std::fopen((f->dir + "/one").c_str(), "w");
  FILE* empty = std::fopen((f->dir + "/empty").c_str(), "w");
  FILE* two = std::fopen((f->dir + "/two").c_str(), "w");
  if (one == nullptr || empty == nullptr || two == nullptr) return -1;
  std::fputs("s3cret pass\n", one);
  std::fputs("line one\nline two\n", two);
  FILE* large = std::fopen((f->dir + "/large").c_str(), "w");
  if (large == nullptr) return -1;
  for (int i = 0; i < 5000; ++i) std::fputc('p', large);
  std::fclose(large);
  std::fclose(one);
  std::fclose(empty);
  std::fclose(two);
  return 0;
}

int password_teardown(void** state) {
  auto* f = static_cast<PasswordFiles*>(*state);
  test::remove_dir(f->dir);
  delete f;
  return 0;
}

// The directive line with DIR replaced by the fixture's directory (its own
// buffer: smtp_error's words point into it while verdict() is rewritten).
const char* with_dir(const PasswordFiles* f, const char* pattern) {
  static std::string line;
  line = pattern;
  std::size_t at = line.find("DIR");
  if (at != std::string::npos) line.replace(at, 3, f->dir);
  return line.c_str();
}

void smtp_password_file(void** state) {
  auto* f = static_cast<PasswordFiles*>(*state);
  // The file's final newline is not part of the password; spaces are.
  assert_string_equal(smtp_fields(with_dir(f, "smtp://relay.example.fi from=a@b.fi user=civic password_file=DIR/one")),
                      "smtp://relay.example.fi|a@b.fi|on|civic|s3cret pass");
  assert_true(contains(smtp_error(with_dir(f, "smtp://relay.example.fi from=a@b.fi user=civic password_file=DIR/missing")),
                       "/missing\" cannot be read: No such file or directory"));
  assert_true(contains(smtp_error(with_dir(f, "smtp://relay.example.fi from=a@b.fi user=civic password_file=DIR/empty")),
                       "is empty"));
  assert_true(contains(smtp_error(with_dir(f, "smtp://relay.example.fi from=a@b.fi user=civic password_file=DIR/two")),
                       "more than one line"));
  assert_true(contains(smtp_error(with_dir(f, "smtp://relay.example.fi from=a@b.fi password_file=DIR/one")),
                       "password_file= needs user="));
  assert_true(contains(
      smtp_error(with_dir(f, "smtp://relay.example.fi from=a@b.fi user=x password_file=DIR/one password_file=DIR/one")),
      "password_file= is given twice"));
  // A directory, and a file far too large to be a password.
  assert_true(contains(smtp_error(with_dir(f, "smtp://relay.example.fi from=a@b.fi user=civic password_file=DIR")),
                       "cannot be read: Is a directory"));
  assert_true(contains(smtp_error(with_dir(f, "smtp://relay.example.fi from=a@b.fi user=civic password_file=DIR/large")),
                       "is larger than 4096 bytes"));
}

void smtp_directive_refused(void**) {
  assert_true(contains(smtp_error(""), "needs the relay's URL"));
  // The URL: an SMTP scheme and a host, nothing after the port.
  assert_true(contains(smtp_error("https://relay.example.fi from=a@b.fi"), "\"https://relay.example.fi\" is not an SMTP relay"));
  assert_true(contains(smtp_error("relay.example.fi from=a@b.fi"), "is not an SMTP relay"));
  assert_true(contains(smtp_error("smtp:// from=a@b.fi"), "is not an SMTP relay"));
  assert_true(contains(smtp_error("smtp://relay.example.fi/ehlo from=a@b.fi"), "nothing after the port"));
  assert_true(contains(smtp_error("smtp://user:pw@relay.example.fi from=a@b.fi"), "the user goes in user="));
  assert_true(contains(smtp_error("smtp://relay.example.fi?x=1 from=a@b.fi"), "nothing after the port"));
  // from=: required, one plain address.
  assert_true(contains(smtp_error("smtp://relay.example.fi"), "needs from=ADDRESS"));
  assert_true(contains(smtp_error("smtp://relay.example.fi starttls=on"), "needs from=ADDRESS"));
  assert_true(contains(smtp_error("smtp://relay.example.fi from=<a@b.fi>"), "\"from=<a@b.fi>\": from= must be one plain address"));
  assert_true(contains(smtp_error("smtp://relay.example.fi from=a@@b.fi"), "from= must be one plain address"));
  assert_true(contains(smtp_error("smtp://relay.example.fi from=a@b.fi,c@d.fi"), "from= must be one plain address"));
  assert_true(contains(smtp_error("smtp://relay.example.fi from=noreply"), "from= must be one plain address"));
  // A control byte is shown escaped, so that nginx -t prints one line.
  assert_true(contains(smtp_error("smtp://relay.example.fi from=a@b.fi\r\nBcc:x@y.fi"),
                       "\"from=a@b.fi\\x0d\\x0aBcc:x@y.fi\": from= must be one plain address"));
  assert_true(contains(smtp_error("smtp://relay.example.fi from="), "from= must be one plain address"));
  // starttls=: on or off, and off only on this machine, saying why.
  assert_true(contains(smtp_error("smtp://relay.example.fi from=a@b.fi starttls=yes"), "expected starttls=on or starttls=off"));
  const char* clear = smtp_error("smtp://relay.example.fi from=a@b.fi starttls=off");
  assert_true(contains(clear, "only for a relay on this machine"));
  assert_true(contains(clear, "password and the citizens' personal data would cross the network in clear"));
  assert_true(contains(smtp_error("smtp://10.0.0.1 from=a@b.fi starttls=off"), "in clear"));
  assert_true(contains(smtp_error("smtps://127.0.0.1 from=a@b.fi starttls=off"), "always uses TLS"));
  // user= needs password_file=; a name without spaces.
  assert_true(contains(smtp_error("smtp://relay.example.fi from=a@b.fi user=civic"), "user= needs password_file= too"));
  assert_true(contains(smtp_error("smtp://relay.example.fi from=a@b.fi user="), "user= needs the SMTP user name"));
  assert_true(contains(smtp_error("smtp://relay.example.fi from=a@b.fi password_file="), "needs the path of a file"));
  // Unknown and repeated words.
  assert_true(contains(smtp_error("smtp://relay.example.fi from=a@b.fi port=25"), "\"port=25\" is not understood"));
  assert_true(contains(smtp_error("smtp://relay.example.fi from=a@b.fi tls"), "\"tls\" is not understood"));
  assert_true(contains(smtp_error("smtp://relay.example.fi from=a@b.fi from=c@b.fi"), "\"from=c@b.fi\": from= is given twice"));
  assert_true(contains(smtp_error("smtp://relay.example.fi from=a@b.fi starttls=on starttls=on"), "starttls= is given twice"));
  assert_true(contains(smtp_error("smtp://relay.example.fi from=a@b.fi user=a user=b"), "user= is given twice"));
}

void mail_addresses(void**) {
  assert_true(valid_mail_address("kirjaamo@example.fi"));
  assert_true(valid_mail_address("first.last+tag@sub.example.fi"));
  assert_true(valid_mail_address("o'brien@example.ie"));
  assert_false(valid_mail_address(""));
  assert_false(valid_mail_address("@example.fi"));
  assert_false(valid_mail_address("name@"));
  assert_false(valid_mail_address("name"));
  assert_false(valid_mail_address("a@b@c.fi"));
  assert_false(valid_mail_address("a b@c.fi"));
  assert_false(valid_mail_address("Name <a@b.fi>"));
  assert_false(valid_mail_address("<a@b.fi>"));
  assert_false(valid_mail_address("a@b.fi\r\nBcc: c@d.fi"));
  assert_false(valid_mail_address("a@b.fi\n"));
  assert_false(valid_mail_address(std::string_view("a@b.fi\0x", 8)));
  assert_false(valid_mail_address("a@b.fi,c@d.fi"));
  assert_false(valid_mail_address("a@b.fi;c@d.fi"));
  assert_false(valid_mail_address("\"a\"@b.fi"));
  assert_false(valid_mail_address("a..b@c.fi"));
  assert_false(valid_mail_address(".a@c.fi"));
  assert_false(valid_mail_address("a@c..fi"));
  assert_false(valid_mail_address("a@c_d.fi"));
  assert_false(valid_mail_address("äiti@example.fi"));
  assert_false(valid_mail_address(std::string(65, 'a') + "@example.fi"));
  assert_true(valid_mail_address(std::string(64, 'a') + "@example.fi"));
  assert_false(valid_mail_address("a@" + std::string(250, 'b') + ".fi"));
}

// ---- the texts ----

void texts_and_fallback(void**) {
  assert_string_equal(verdict(std::string(mail_text(MailText::case_worker_subject, "de"))), "New submission to {title}");
  assert_string_equal(verdict(std::string(mail_text(MailText::case_worker_subject, ""))), "New submission to {title}");
  assert_string_equal(verdict(std::string(mail_text(MailText::case_worker_subject, "fi"))), "Uusi lomakevastaus: {title}");
  assert_string_equal(verdict(civic::fill("{a} and {b} and {c}", {{"a", "1"}, {"b", "{a}"}})), "1 and {a} and {c}");
  assert_string_equal(verdict(civic::fill("open { only", {{"only", "x"}})), "open { only");
  assert_string_equal(verdict(file_answer("plan.pdf", "application/pdf", 120'500)), "plan.pdf (application/pdf, 121 kB)");
  assert_string_equal(verdict(file_answer("a.txt", "text/plain", 812)), "a.txt (text/plain, 812 B)");
  assert_string_equal(verdict(file_answer("big.jpg", "image/jpeg", 12'000'001)), "big.jpg (image/jpeg, 13 MB)");
  assert_string_equal(verdict(file_answer("x", "", 0)), "x (application/octet-stream, 0 B)");
}

// ---- messages ----

const std::vector<std::string> kHeaders = {"Auto-Submitted", "Content-Language", "Content-Transfer-Encoding",
                                           "Content-Type", "Date", "From", "Message-Id", "MIME-Version",
                                           "Subject", "To"};

enum class Kind { summary, full, confirmation };

SubmissionFacts facts(std::string lang, std::string title) {
  SubmissionFacts f;
  f.form = "feedback";
  f.form_title = std::move(title);
  f.receipt = "K7M2-9QX4";
  f.created_time = 1795843865;  // 2026-11-28T05:31:05Z
  f.local_time = "2026-11-28 07:31:05";
  f.time_zone = "Europe/Helsinki";
  f.language = std::move(lang);
  return f;
}

MailContent make(Kind kind, const SubmissionFacts& f, const std::vector<std::pair<std::string, std::string>>& answers) {
  switch (kind) {
    case Kind::summary: return case_worker_summary(f, "noreply@example.fi", "kirjaamo@example.fi");
    case Kind::full: return case_worker_full(f, answers, "noreply@example.fi", "kirjaamo@example.fi");
    case Kind::confirmation: return citizen_confirmation(f, "noreply@example.fi", "citizen@example.com");
  }
  return {};
}

// What is wrong with the message built for `lang`, read back by GMime; "".
std::string check_message(Kind kind, const std::string& lang, const std::string& title,
                          const std::vector<std::pair<std::string, std::string>>& answers,
                          const std::vector<std::string>& body_has, const std::vector<std::string>& body_lacks) {
  MailContent content = make(kind, facts(lang, title), answers);
  civic::Result<std::string> raw = build_message(content);
  if (!raw) return "not built: " + raw.error().message();
  test::ParsedMail mail = test::parse_mail(*raw);
  if (!mail.problem.empty()) return mail.problem;
  std::vector<std::string> names = mail.header_names;
  // 7bit is the default (RFC 2045 §6.1): GMime then writes no header for it.
  if (mail.encoding.empty()) {
    mail.encoding = "7bit";
    names.push_back("Content-Transfer-Encoding");
  }
  std::sort(names.begin(), names.end(), [](const std::string& a, const std::string& b) {
    return g_ascii_strcasecmp(a.c_str(), b.c_str()) < 0;
  });
  if (names.size() != kHeaders.size()) return "headers: " + std::to_string(names.size()) + " instead of " + std::to_string(kHeaders.size());
  for (std::size_t i = 0; i < names.size(); ++i)
    if (g_ascii_strcasecmp(names[i].c_str(), kHeaders[i].c_str()) != 0) return "unexpected header " + names[i];
  bool cut = g_utf8_strlen(content.subject.c_str(), -1) > 200;  // build_message cuts it, marked with "…"
  if (cut ? !(mail.subject.ends_with("…") && content.subject.starts_with(mail.subject.substr(0, mail.subject.size() - 3)))
          : mail.subject != content.subject)
    return "subject read back as \"" + mail.subject + "\", built from \"" + content.subject + "\"";
  bool to_citizen = kind == Kind::confirmation;
  if (mail.from != "noreply@example.fi" || mail.to_count != 1 ||
      mail.to != (to_citizen ? "citizen@example.com" : "kirjaamo@example.fi"))
    return "addresses read back as " + mail.from + " -> " + mail.to;
  std::string want_lang = lang == "fi" || lang == "sv" || lang == "da" ? lang : "en";
  if (mail.language != want_lang) return "Content-Language: " + mail.language;
  if (mail.content_type != "text/plain" || g_ascii_strcasecmp(mail.charset.c_str(), "utf-8") != 0)
    return "Content-Type: " + mail.content_type + "; charset=" + mail.charset;
  if (mail.encoding != "quoted-printable" && mail.encoding != "base64" && mail.encoding != "7bit")
    return "Content-Transfer-Encoding: " + mail.encoding;
  std::string framed = "\r\n" + *raw;  // the first header too starts a line
  if (framed.find("\r\nMessage-Id: <") == std::string::npos || framed.find("@example.fi>\r\n") == std::string::npos)
    return "no Message-Id <...@example.fi>";
  if (framed.find("\r\nDate: Sat, 28 Nov 2026 05:31:05 +0000\r\n") == std::string::npos) return "no Date of the submission";
  if (framed.find("\r\nMIME-Version: 1.0\r\n") == std::string::npos) return "no MIME-Version";
  for (const std::string& part : body_has)
    if (mail.body.find(part) == std::string::npos) return "the body lacks \"" + part.substr(0, 60) + "\":\n" + mail.body.substr(0, 2000);
  for (const std::string& part : body_lacks)
    if (mail.body.find(part) != std::string::npos) return "the body has \"" + part.substr(0, 60) + "\"";
  return "";
}

const std::vector<std::pair<std::string, std::string>> kAnswers = {
    {"Nimi", "Maija Meikäläinen"}, {"Viesti", "Katuvalo on rikki.\nKorjatkaa pian."}, {"Liite", "kuva.jpg (image/jpeg, 48 kB)"}};

const char* const kWhen = "2026-11-28 07:31:05 (Europe/Helsinki)";

const char* summary_in(const char* lang, const char* receipt_line) {
  return verdict(check_message(Kind::summary, lang, "Palaute", {},
                               {receipt_line, kWhen, "GET /admin/forms/feedback/submissions/K7M2-9QX4"},
                               {"Maija", "http"}));
}

const char* full_in(const char* lang, const char* receipt_line) {
  return verdict(check_message(Kind::full, lang, "Palaute", kAnswers,
                               {receipt_line, kWhen, "\nNimi: Maija Meikäläinen\n",
                                "\nViesti: Katuvalo on rikki.\n  Korjatkaa pian.\n",
                                "\nLiite: kuva.jpg (image/jpeg, 48 kB)\n"},
                               {"GET /admin"}));
}

const char* confirmation_in(const char* lang, const char* receipt_line) {
  return verdict(check_message(Kind::confirmation, lang, "Palaute", kAnswers, {receipt_line, kWhen, "Palaute"},
                               {"Maija", "Katuvalo", "GET /admin"}));
}

const char* summary_subject(const char* lang) {
  return verdict(case_worker_summary(facts(lang, "Palaute"), "noreply@example.fi", "kirjaamo@example.fi").subject);
}

void messages_in_four_languages(void**) {
  const char* langs[] = {"fi", "sv", "da", "en", "de"};
  const char* subjects[] = {"Uusi lomakevastaus: Palaute", "Nytt formulärsvar: Palaute", "Ny formularbesvarelse: Palaute",
                            "New submission to Palaute", "New submission to Palaute"};
  const char* receipt_lines[] = {"Tunniste: K7M2-9QX4", "Kvittonummer: K7M2-9QX4", "Kvitteringsnummer: K7M2-9QX4",
                                 "Receipt number: K7M2-9QX4", "Receipt number: K7M2-9QX4"};
  for (int i = 0; i < 5; ++i) {
    assert_string_equal(summary_in(langs[i], receipt_lines[i]), "");
    assert_string_equal(full_in(langs[i], receipt_lines[i]), "");
    assert_string_equal(confirmation_in(langs[i], receipt_lines[i]), "");
    assert_string_equal(summary_subject(langs[i]), subjects[i]);
  }
}

const char* confirmation_subject(const char* lang) {
  return verdict(citizen_confirmation(facts(lang, "Respons"), "a@b.fi", "c@d.fi").subject);
}

// Without the form's wall-clock time: UTC, and it says so.
const char* confirmation_body_in_utc() {
  SubmissionFacts f = facts("en", "Respons");
  f.local_time.clear();
  return verdict(citizen_confirmation(f, "a@b.fi", "c@d.fi").body_text);
}

void confirmation_subjects(void**) {
  assert_string_equal(confirmation_subject("sv"), "Vi har tagit emot ditt formulär: Respons");
  assert_string_equal(confirmation_subject("fi"), "Lomakkeesi on vastaanotettu: Respons");
  assert_string_equal(confirmation_subject("da"), "Vi har modtaget din formular: Respons");
  assert_string_equal(confirmation_subject("en"), "We have received your form: Respons");
  assert_true(contains(confirmation_body_in_utc(), "Received: 2026-11-28T05:31:05Z (UTC)"));
}

// Hostile titles, labels and answers: no header of their own, no broken line.
const std::string kLong(10'000, 'x');
const std::string kNonAscii = "ä å æ ø Ä Å Æ Ø 😀 €";

const char* hostile_in(const char* lang) {
  const std::string injected = "Palaute\r\nBcc: victim@example.com\r\nX-Evil: 1\r\n\r\nfake body";
  const std::string with_nul("Pala\0ute\x01\x7f", 10);
  std::vector<std::pair<std::string, std::string>> answers = {
      {"Name\r\nBcc: victim@example.com", "line\rnext\r\nthird\n.\nlast"},
      {std::string("La\0bel", 6), std::string("va\0lue", 6)},
      {"Long", kLong},
      {"Pitkä ääkkösrivi", std::string(3000, '\xc3') + ""},  // invalid UTF-8: stays one line of '?'
      {kNonAscii, kNonAscii},
      {"Spaces", std::string(5000, ' ') + "end"},
  };
  for (Kind kind : {Kind::summary, Kind::full, Kind::confirmation}) {
    std::string problem = check_message(kind, lang, injected, answers,
                                        {"Palaute Bcc: victim@example.com X-Evil: 1  fake body"}, {"\r"});
    if (problem.empty()) problem = check_message(kind, lang, with_nul, answers, {"Palaute"}, {std::string(1, '\0'), "\x01"});
    if (problem.empty()) problem = check_message(kind, lang, kLong, answers, {}, {});
    if (problem.empty()) problem = check_message(kind, lang, kNonAscii, answers, {kNonAscii}, {});
    if (!problem.empty()) return verdict(problem);
  }
  return verdict(check_message(Kind::full, lang, "T", answers,
                               {"\nName Bcc: victim@example.com: line\n  next\n  third\n  .\n  last\n",
                                "\nLabel: value\n", "\nLong: " + kLong + "\n", "\n" + kNonAscii + ": " + kNonAscii + "\n",
                                "\nPitkä ääkkösrivi: " + std::string(3000, '?') + "\n", std::string(5000, ' ') + "end\n"},
                               {}));
}

void hostile_fields(void**) {
  for (const char* lang : {"fi", "sv", "da", "en"}) assert_string_equal(hostile_in(lang), "");
}

// A long subject is cut, marked, and still one decoded line.
const char* long_subject_read_back() {
  civic::Result<std::string> raw = build_message(case_worker_summary(facts("en", kLong), "noreply@example.fi", "kirjaamo@example.fi"));
  if (!raw) return verdict(raw.error().message());
  test::ParsedMail mail = test::parse_mail(raw.value());
  return verdict(mail.problem.empty() ? mail.subject : mail.problem);
}

void long_subject(void**) {
  const char* subject = long_subject_read_back();
  assert_int_equal(std::string_view(subject).size(), 200 + 3);  // 200 characters and "…" (3 octets)
  assert_true(std::string_view(subject).starts_with("New submission to xxxx"));
  assert_true(std::string_view(subject).ends_with("xxx…"));
}

// build_message refuses what is not one plain address; never writes it.
const char* refusal(std::string from, std::string to, std::string domain, std::string lang) {
  MailContent content = case_worker_summary(facts("en", "T"), "noreply@example.fi", "kirjaamo@example.fi");
  content.from = std::move(from);
  content.to = std::move(to);
  content.message_id_domain = std::move(domain);
  content.language = std::move(lang);
  civic::Result<std::string> raw = build_message(content);
  return verdict(raw ? "built" : raw.error().message());
}

void addresses_refused(void**) {
  assert_string_equal(refusal("a@b.fi", "c@d.fi", "b.fi", "en"), "built");
  assert_true(contains(refusal("a@b.fi", "c@d.fi\r\nBcc: e@f.fi", "b.fi", "en"), "the recipient is not one plain address"));
  assert_true(contains(refusal("a@b.fi", "Name <c@d.fi>", "b.fi", "en"), "the recipient is not one plain address"));
  assert_true(contains(refusal("a@b.fi", "c@d.fi, e@f.fi", "b.fi", "en"), "the recipient is not one plain address"));
  assert_true(contains(refusal("a@b.fi", "", "b.fi", "en"), "the recipient is not one plain address"));
  assert_true(contains(refusal("a@b.fi\n", "c@d.fi", "b.fi", "en"), "the sender is not one plain address"));
  assert_true(contains(refusal("a@b.fi", "c@d.fi", "b.fi>\r\nX: y", "en"), "Message-ID domain"));
  assert_true(contains(refusal("a@b.fi", "c@d.fi", "", "en"), "Message-ID domain"));
  assert_true(contains(refusal("a@b.fi", "c@d.fi", "b.fi", "en\r\nX: y"), "not a language tag"));
}

// Two messages never share a Message-ID.
const char* message_id_line(const std::string& raw) {
  std::size_t at = raw.find("\r\nMessage-Id: <");
  if (at == std::string::npos) return verdict("none");
  return verdict(raw.substr(at + 2, raw.find("\r\n", at + 2) - at - 2));
}

bool two_message_ids_differ() {
  MailContent content = case_worker_summary(facts("en", "T"), "noreply@example.fi", "kirjaamo@example.fi");
  civic::Result<std::string> one = build_message(content);
  civic::Result<std::string> two = build_message(content);
  if (!one || !two) return false;
  std::string first = message_id_line(*one);
  return first != "none" && first != message_id_line(*two);
}

void message_ids_differ(void**) { assert_true(two_message_ids_differ()); }

// Messages built at once in several threads, as the thread pool would:
// every one built, and no two with the same Message-ID.
bool built_in_threads() {
  constexpr int kThreads = 4, kEach = 50;
  std::vector<std::string> ids[kThreads];
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([t, &ids] {
      for (int i = 0; i < kEach; ++i) {
        civic::Result<std::string> raw =
            build_message(case_worker_full(facts("fi", "Palaute ä 😀"), kAnswers, "noreply@example.fi", "k@example.fi"));
        std::size_t at = raw ? raw->find("\r\nMessage-Id: <") : std::string::npos;
        ids[t].push_back(at == std::string::npos ? "failed" : raw->substr(at, raw->find("\r\n", at + 2) - at));
      }
    });
  for (std::thread& thread : threads) thread.join();
  std::set<std::string> unique;
  for (const auto& list : ids)
    for (const std::string& id : list)
      if (id == "failed" || !unique.insert(id).second) return false;
  return unique.size() == kThreads * kEach;
}

void thread_safe(void**) { assert_true(built_in_threads()); }

}  // namespace

int main() {
  const CMUnitTest tests[] = {
      cmocka_unit_test(smtp_directive_accepted),
      cmocka_unit_test(smtp_directive_refused),
      cmocka_unit_test_setup_teardown(smtp_password_file, password_setup, password_teardown),
      cmocka_unit_test(mail_addresses),
      cmocka_unit_test(texts_and_fallback),
      cmocka_unit_test(messages_in_four_languages),
      cmocka_unit_test(confirmation_subjects),
      cmocka_unit_test(hostile_fields),
      cmocka_unit_test(long_subject),
      cmocka_unit_test(addresses_refused),
      cmocka_unit_test(message_ids_differ),
      cmocka_unit_test(thread_safe),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
