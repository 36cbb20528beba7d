// Sending through an SMTP relay: t/tools/smtp_sink.py on a free loopback
// port gets every message of a batch byte for byte; 451 is retried, 550 is
// failed for good, and a relay that is not there is retried.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include <rapidjson/document.h>

#include "delivery/curl_global.hpp"
#include "delivery/mail_message.hpp"
#include "delivery/smtp_sender.hpp"
#include "tests/support/mail_check.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/verdict.hpp"
#include "tests/support/cmocka.hpp"  // last

extern char** environ;

using namespace civic;
using namespace civic::delivery;
using civic::test::verdict;

namespace {

struct Sink {
  std::string dir;
  pid_t pid = -1;
  int port = 0;
};

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void control(const Sink& sink, const char* word) {
  std::ofstream(sink.dir + "/control") << word << "\n";
}

// Starts t/tools/smtp_sink.py with `options` (and --control DIR/control);
// false if it does not tell its port within ten seconds.
bool launch(Sink& sink, std::vector<std::string> options) {
  control(sink, "ok");
  std::vector<std::string> args = {"/usr/bin/python3", std::string(CIVIC_SOURCE_DIR) + "/t/tools/smtp_sink.py",
                                   "--dir", sink.dir + "/mail", "--port-file", sink.dir + "/port",
                                   "--control", sink.dir + "/control"};
  args.insert(args.end(), options.begin(), options.end());
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  if (posix_spawn(&sink.pid, argv[0], nullptr, nullptr, argv.data(), environ) != 0) return false;
  for (int i = 0; i < 200 && sink.port == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    std::string text = read_file(sink.dir + "/port");
    if (!text.empty()) sink.port = std::stoi(text);
  }
  return sink.port > 0;
}

void stop(Sink& sink) {
  if (sink.pid > 0) {
    kill(sink.pid, SIGTERM);
    int status = 0;
    waitpid(sink.pid, &status, 0);
  }
  test::remove_dir(sink.dir);
}

int start_sink(void** state) {
  if (!delivery::global_init().ok()) return -1;
  auto* sink = new Sink{test::make_temp_dir()};
  *state = sink;
  return launch(*sink, {}) ? 0 : -1;
}

int stop_sink(void** state) {
  auto* sink = static_cast<Sink*>(*state);
  stop(*sink);
  delete sink;
  return 0;
}

SmtpConfig loopback(int port) {
  SmtpConfig config;
  config.url = "smtp://127.0.0.1:" + std::to_string(port);
  config.from = "noreply@example.fi";
  config.starttls = false;
  return config;
}

SubmissionFacts facts(const char* lang) {
  SubmissionFacts f;
  f.form = "feedback";
  f.form_title = "Palaute – ääkköset ja 😀\r\nBcc: victim@example.com";
  f.receipt = "K7M2-9QX4";
  f.created_time = 1795843865;
  f.local_time = "2026-11-28 07:31:05";
  f.time_zone = "Europe/Helsinki";
  f.language = lang;
  return f;
}

// The messages of one batch: each kind in each language, and one whose lines
// begin with dots (SMTP's end of data, which curl must stuff).
std::vector<OutgoingMail> batch() {
  std::vector<OutgoingMail> mails;
  std::vector<std::pair<std::string, std::string>> answers = {
      {"Viesti", "rivi\r\n.\r\n..kaksi\r\n" + std::string(3000, 'y')}, {"Nimi", "Åsa Ørsted"}};
  for (const char* lang : {"fi", "sv", "da", "en"}) {
    MailContent contents[] = {case_worker_summary(facts(lang), "noreply@example.fi", "kirjaamo@example.fi"),
                              case_worker_full(facts(lang), answers, "noreply@example.fi", "kirjaamo@example.fi"),
                              citizen_confirmation(facts(lang), "noreply@example.fi", "maija@example.com")};
    for (const MailContent& content : contents) {
      civic::Result<std::string> raw = build_message(content);
      if (!raw) return {};
      mails.push_back(OutgoingMail{content.to, std::move(raw.value()), 10000});
    }
  }
  mails.push_back(OutgoingMail{"dots@example.fi", "Subject: dots\r\n\r\n.\r\n..two\r\n.end\r\nlast\r\n", 10000});
  return mails;
}

// Python's email package (an independent reader) on one .eml: a JSON object
// with its defects, the decoded subject and body.
std::string python_reading(const std::string& path) {
  std::string command =
      "/usr/bin/python3 -c 'import email, email.policy, json, sys\n"
      "m = email.message_from_bytes(open(sys.argv[1], \"rb\").read(), policy=email.policy.default)\n"
      "defects = [str(d) for d in m.defects] + [str(d) for v in m.values() for d in getattr(v, \"defects\", ())]\n"
      "print(json.dumps({\"defects\": defects, \"subject\": str(m[\"subject\"]), \"to\": str(m[\"to\"]),"
      " \"body\": m.get_content()}))' " + path;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return {};
  std::string out;
  char buffer[4096];
  std::size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
  pclose(pipe);
  return out;
}

// "" if Python reads `path` as GMime did: no defects, the same subject,
// recipient and body.
std::string python_agrees(const std::string& path, const test::ParsedMail& mail) {
  std::string json = python_reading(path);
  rapidjson::Document doc;
  doc.Parse(json.c_str());
  if (doc.HasParseError() || !doc.IsObject()) return path + ": Python could not read it: " + json;
  if (!doc["defects"].IsArray() || doc["defects"].Size() != 0) return path + ": Python finds defects: " + json;
  if (mail.subject != doc["subject"].GetString()) return path + ": Python reads the subject as " + doc["subject"].GetString();
  if (mail.to != doc["to"].GetString()) return path + ": Python reads To: as " + doc["to"].GetString();
  std::string body;  // as mail.body: compared on LF line ends
  for (const char* c = doc["body"].GetString(); *c != '\0'; ++c)
    if (*c != '\r') body += *c;
  if (mail.body != body) return path + ": Python reads another body";
  return "";
}

// "" if the sink holds exactly the messages sent, each once, byte for byte,
// with its envelope, and GMime and Python read each alike; else what differs.
std::string sink_holds(const Sink& sink, const std::vector<OutgoingMail>& sent) {
  std::vector<bool> found(sent.size(), false);
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(sink.dir + "/mail")) {
    if (entry.path().extension() != ".eml") continue;
    ++files;
    std::string eml = read_file(entry.path().string());
    std::string json_text = read_file(std::filesystem::path(entry.path()).replace_extension(".json").string());
    rapidjson::Document envelope;
    envelope.Parse(json_text.c_str());
    if (envelope.HasParseError() || !envelope.IsObject() || !envelope.HasMember("rcpt_tos"))
      return entry.path().string() + ": no envelope";
    std::size_t i = 0;
    while (i < sent.size() && (found[i] || sent[i].message != eml)) ++i;
    if (i == sent.size()) return entry.path().string() + " is not any message sent, byte for byte";
    found[i] = true;
    const auto& rcpt = envelope["rcpt_tos"];
    if (std::string(envelope["mail_from"].GetString()) != "noreply@example.fi" || !rcpt.IsArray() || rcpt.Size() != 1 ||
        std::string(rcpt[0].GetString()) != sent[i].to)
      return entry.path().string() + ": wrong envelope " + json_text;
    if (sent[i].to != "dots@example.fi") {
      test::ParsedMail mail = test::parse_mail(eml);
      if (!mail.problem.empty()) return entry.path().string() + ": " + mail.problem;
      if (mail.to != sent[i].to || mail.subject.find("Bcc") == std::string::npos || mail.subject.find('\n') != std::string::npos)
        return entry.path().string() + ": read back wrong: " + mail.to + " / " + mail.subject;
      if (std::string problem = python_agrees(entry.path().string(), mail); !problem.empty()) return problem;
    }
  }
  if (files != sent.size()) return std::to_string(files) + " messages in the sink, " + std::to_string(sent.size()) + " sent";
  return "";
}

const char* send_batch(const Sink& sink) {
  std::vector<OutgoingMail> mails = batch();
  if (mails.size() != 13) return verdict("the batch could not be built");
  SmtpSender sender(loopback(sink.port));
  std::vector<MailResult> results = sender.send_all(mails);
  if (results.size() != mails.size()) return verdict("one result per message expected");
  for (const MailResult& r : results)
    if (!r.delivered || r.retry || !r.error.empty()) return verdict("not delivered: " + r.error);
  return verdict(sink_holds(sink, mails));
}

void batch_delivered(void** state) { assert_string_equal(send_batch(*static_cast<Sink*>(*state)), ""); }

// "delivered|retry|error" of each of three messages sent while the sink
// answers `word`.
const char* outcomes_when(const Sink& sink, const char* word, int port) {
  control(sink, word);
  std::vector<OutgoingMail> mails(3, OutgoingMail{"kirjaamo@example.fi", "Subject: x\r\n\r\nbody\r\n", 10000});
  mails[1].to = "not an address";
  std::vector<MailResult> results = SmtpSender(loopback(port)).send_all(mails);
  control(sink, "ok");
  std::string out;
  for (const MailResult& r : results) out += std::string(r.delivered ? "delivered" : r.retry ? "retry" : "failed") + "|" + r.error + "\n";
  return verdict(out);
}

bool has(const char* text, const char* part) { return std::string_view(text).find(part) != std::string_view::npos; }

void temporary_refusal_is_retried(void** state) {
  auto* sink = static_cast<Sink*>(*state);
  const char* out = outcomes_when(*sink, "451", sink->port);
  assert_true(std::string_view(out).starts_with("retry|SMTP relay smtp://127.0.0.1:"));
  assert_true(has(out, "reply 451\n"));
  // A recipient that is not an address is never tried, and never will be.
  assert_true(has(out, "\nfailed|the recipient is not one plain address\n"));
}

void permanent_refusal_fails(void** state) {
  auto* sink = static_cast<Sink*>(*state);
  const char* out = outcomes_when(*sink, "550", sink->port);
  assert_true(std::string_view(out).starts_with("failed|SMTP relay smtp://127.0.0.1:"));
  assert_true(has(out, "reply 550\n"));
  assert_false(has(out, "delivered"));
}

void accepted_when_ok(void** state) {
  auto* sink = static_cast<Sink*>(*state);
  const char* out = outcomes_when(*sink, "ok", sink->port);
  assert_string_equal(out, "delivered|\nfailed|the recipient is not one plain address\ndelivered|\n");
}

// A loopback TCP socket on a free port, listening (but never accepting) or
// only bound; -1 on failure.
int loopback_socket(bool listening, int& port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || (listening && listen(fd, 8) != 0) ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    if (fd >= 0) close(fd);
    return -1;
  }
  port = ntohs(addr.sin_port);
  return fd;
}

// A port nobody listens on: bound, then closed.
int closed_port() {
  int port = 0;
  int fd = loopback_socket(false, port);
  if (fd < 0) return -1;
  close(fd);
  return port;
}

void relay_down_is_retried(void** state) {
  auto* sink = static_cast<Sink*>(*state);
  int port = closed_port();
  assert_true(port > 0);
  const char* out = outcomes_when(*sink, "ok", port);
  assert_true(std::string_view(out).starts_with("retry|SMTP relay smtp://127.0.0.1:"));
  assert_true(has(out, "Couldn't connect to server"));
  assert_false(has(out, "reply"));
}

// How many of five messages a sink started with `options` accepts, refuses
// for now and refuses for good: "delivered retry failed", and the files kept.
const char* sink_with(std::vector<std::string> options) {
  Sink sink{test::make_temp_dir()};
  if (!launch(sink, std::move(options))) {
    stop(sink);
    return verdict("the sink did not start");
  }
  std::vector<OutgoingMail> mails(5, OutgoingMail{"kirjaamo@example.fi", "Subject: x\r\n\r\nbody\r\n", 10000});
  std::vector<MailResult> results = SmtpSender(loopback(sink.port)).send_all(mails);
  int delivered = 0, retry = 0, failed = 0;
  for (const MailResult& r : results) (r.delivered ? delivered : r.retry ? retry : failed) += 1;
  std::size_t kept = 0;
  for (const auto& entry : std::filesystem::directory_iterator(sink.dir + "/mail"))
    kept += entry.path().extension() == ".eml";
  stop(sink);
  return verdict(std::to_string(delivered) + " " + std::to_string(retry) + " " + std::to_string(failed) + ", kept " +
                 std::to_string(kept));
}

// The sink's own switches, which the t/ tests use.
void sink_switches(void**) {
  assert_string_equal(sink_with({"--fail-first", "2"}), "3 2 0, kept 3");
  assert_string_equal(sink_with({"--reject"}), "0 0 5, kept 0");
}

// A relay that takes the connection and never says a word: the timeout.
const char* silent_relay_outcome() {
  int port = 0;
  int fd = loopback_socket(true, port);
  if (fd < 0) return verdict("no socket");
  std::vector<OutgoingMail> mails(2, OutgoingMail{"kirjaamo@example.fi", "Subject: x\r\n\r\nbody\r\n", 300});
  auto started = std::chrono::steady_clock::now();
  std::vector<MailResult> results = SmtpSender(loopback(port)).send_all(mails);
  auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  close(fd);
  std::string out = took < 2000 ? "in time" : "took " + std::to_string(took) + " ms";
  for (const MailResult& r : results) out += std::string("; ") + (r.retry ? "retry " : "no retry ") + r.error;
  return verdict(out);
}

void silent_relay_times_out(void**) {
  const char* out = silent_relay_outcome();
  assert_true(std::string_view(out).starts_with("in time; retry SMTP relay smtp://127.0.0.1:"));
  assert_true(has(out, "Timeout was reached"));
}

// The classification itself, for codes the sink cannot make.
void outcome_table(void**) {
  assert_true(smtp_outcome(0, 250, "", "smtp://r").delivered);
  assert_true(smtp_outcome(56, 421, "", "smtp://r").retry);          // 421: closing, try later
  assert_false(smtp_outcome(67, 535, "", "smtp://r").retry);         // 535: authentication failed
  assert_true(smtp_outcome(28, 0, "", "smtp://r").retry);            // timeout, no reply
  assert_false(smtp_outcome(1, 0, "", "smtp://r").retry);            // unsupported protocol
  assert_false(smtp_outcome(1, 0, "", "smtp://r").delivered);
  assert_true(smtp_outcome(64, 0, "", "smtp://r").retry);            // STARTTLS refused: the relay may be mended
}

}  // namespace

int main() {
  const CMUnitTest tests[] = {
      cmocka_unit_test(batch_delivered),
      cmocka_unit_test(temporary_refusal_is_retried),
      cmocka_unit_test(permanent_refusal_fails),
      cmocka_unit_test(accepted_when_ok),
      cmocka_unit_test(relay_down_is_retried),
      cmocka_unit_test(silent_relay_times_out),
      cmocka_unit_test(sink_switches),
      cmocka_unit_test(outcome_table),
  };
  return cmocka_run_group_tests(tests, start_sink, stop_sink);
}
