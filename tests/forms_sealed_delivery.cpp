// A delivery round on a sealed form's submission, against the test receiver
// (t/tools/webhook_receiver.py) and the SMTP sink (t/tools/smtp_sink.py):
// the webhook carries the envelopes, the case worker's content=full e-mail
// falls back to the summary, the citizen's confirmation goes to the address
// kept in its outbox entry, and nothing sent holds a sealed answer.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include <rapidjson/document.h>

#include "delivery/curl_global.hpp"
#include "delivery/webhook_secret.hpp"
#include "forms/service/delivery_round.hpp"
#include "sealing/sodium_text.hpp"
#include "tests/support/form_lines.hpp"
#include "tests/support/sealed_sample.hpp"
#include "tests/support/temp_store.hpp"
#include "tests/support/cmocka.hpp"  // last

extern char** environ;

using namespace civic;

namespace {

// Every string marked SECRET must stay out of what is sent.
const std::string kAnswers = "{\"name\":\"SECRET-NAME\",\"email\":\"matti@example.fi\",\"message\":\"SECRET-TEXT\"}";
constexpr const char* kCitizen = "matti@example.fi";

struct Helper {
  pid_t pid = -1;
  int port = 0;
};

struct Fixture : test::TempStore {
  test::SealKeys keys;
  Helper receiver, sink;
  forms::Forms forms;
  std::string text;  // what a helper returns a view of
  ~Fixture() override {
    for (Helper* h : {&receiver, &sink}) {
      if (h->pid <= 0) continue;
      kill(h->pid, SIGTERM);
      int status = 0;
      waitpid(h->pid, &status, 0);
    }
  }
};

std::string file_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Starts /usr/bin/python3 SCRIPT ARGS... --port-file FILE; false if it does
// not tell its port within ten seconds.
bool launch(Helper& h, const std::string& script, std::vector<std::string> args, const std::string& port_file) {
  args.insert(args.begin(), {"/usr/bin/python3", std::string(CIVIC_SOURCE_DIR) + "/t/tools/" + script});
  args.insert(args.end(), {"--port-file", port_file});
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  if (posix_spawn(&h.pid, argv[0], nullptr, nullptr, argv.data(), environ) != 0) return false;
  for (int i = 0; i < 200 && h.port == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    std::string text = file_text(port_file);
    if (!text.empty()) h.port = std::stoi(text);
  }
  return h.port > 0;
}

// The form: a webhook with files inline, content=full to the case worker,
// the citizen's confirmation.
bool add_form(Fixture& f) {
  auto built = test::build_form(
      "feedback", {"languages fi",
                   "deliver webhook http://127.0.0.1:" + std::to_string(f.receiver.port) + "/ secret_file=" + f.dir +
                       "/secret files=inline",
                   "deliver email to=kirjaamo@example.fi content=full", "confirm_email field=email",
                   "field name text", "end", "field email email", "end", "field message textarea", "end"});
  auto* form = std::get_if<forms::Form>(&built);
  if (form == nullptr) {
    print_message("%s\n", std::get<std::string>(built).c_str());
    return false;
  }
  if (!forms::load_secrets(form->deliveries).empty()) return false;
  f.forms.add(std::move(*form));
  return true;
}

// One sealed submission, delivered to every target; the confirmation keeps
// the citizen's address.
bool store_sealed(Fixture& f) {
  auto s = test::sealed_submission(f.keys.public_key, "feedback", kAnswers, {{"photo", 0, "SECRET-PHOTO"}});
  if (!s) return false;
  for (const forms::Delivery& d : f.forms.find("feedback")->deliveries) {
    s->deliveries.push_back(d.target_id());
    if (d.kind == forms::DeliveryKind::confirmation) s->confirmation_target = d.target_id();
  }
  s->confirmation_address = kCitizen;
  std::vector<storage::NewSubmission> batch{std::move(*s)};
  return storage::commit_submissions(*f.store, batch, 1795843865).ok();
}

int setup(void** state) {
  auto* f = new Fixture;
  *state = f;
  if (!delivery::global_init().ok() || !f->open() || !test::make_seal_keys(f->dir + "/keys", f->keys)) return -1;
  auto secret = delivery::make_webhook_secret();
  if (!secret) return -1;
  std::ofstream(f->dir + "/secret") << *secret << "\n";
  std::ofstream(f->dir + "/control") << "ok\n";
  std::filesystem::create_directory(f->dir + "/mail");
  if (!launch(f->receiver, "webhook_receiver.py",
              {"--port", "0", "--log", f->dir + "/log", "--secret-file", f->dir + "/secret"}, f->dir + "/wport") ||
      !launch(f->sink, "smtp_sink.py", {"--dir", f->dir + "/mail", "--control", f->dir + "/control"},
              f->dir + "/sport"))
    return -1;
  return add_form(*f) && store_sealed(*f) ? 0 : -1;
}

// One round: "delivered/retried/failed" and its log lines.
const char* run_round(Fixture& f) {
  delivery::SmtpConfig smtp;
  smtp.url = "smtp://127.0.0.1:" + std::to_string(f.sink.port);
  smtp.from = "noreply@example.fi";
  smtp.starttls = false;
  forms::DeliveryRounds rounds(f.forms, smtp);
  auto report = rounds.run(*f.store, 1795843866000, 1);
  f.text = std::to_string(report.delivered) + "/" + std::to_string(report.retried) + "/" +
           std::to_string(report.failed) + report.problem;
  for (const auto& line : report.lines) f.text += "\n" + line;
  return f.text.c_str();
}

// What is wrong with the webhook the receiver got ("" if nothing).
const char* webhook_problem(Fixture& f) {
  std::string log = file_text(f.dir + "/log");
  rapidjson::Document line;
  line.Parse(log.data(), log.find('\n'));
  if (line.HasParseError() || !line["verified"].IsTrue()) return (f.text = "not one signed request: " + log).c_str();
  std::string body = line["body"].GetString();
  rapidjson::Document doc;
  doc.Parse(body.data(), body.size());
  if (body.find("SECRET") != std::string::npos || body.find("matti") != std::string::npos || doc.HasParseError() ||
      doc.HasMember("data") || doc.HasMember("files") || !doc.HasMember("sealed"))
    return (f.text = "not a sealed body: " + body).c_str();
  auto data = sealing::from_base64(doc["sealed"]["data"].GetString());
  auto answers = data ? sealing::open(*data, f.keys.ring) : Result<std::string>(Error(Error::kInvalid, "base64"));
  if (!answers || *answers != kAnswers) return "the answers do not open";
  const auto& file = doc["sealed"]["files"][0];
  auto envelope = sealing::from_base64(file["content_base64"].GetString());
  auto photo = envelope ? sealing::open(*envelope, f.keys.ring) : Result<std::string>(Error(Error::kInvalid, "base64"));
  if (!photo || *photo != "SECRET-PHOTO") return "the file does not open";
  return "";
}

// "recipient: problem" for each message the sink kept, "" if there is none.
const char* mail_problems(Fixture& f) {
  f.text.clear();
  int messages = 0;
  for (const auto& entry : std::filesystem::directory_iterator(f.dir + "/mail")) {
    if (entry.path().extension() != ".eml") continue;
    ++messages;
    std::string raw = file_text(entry.path().string());
    std::string meta = file_text(entry.path().parent_path().string() + "/" + entry.path().stem().string() + ".json");
    bool to_citizen = meta.find(kCitizen) != std::string::npos;
    bool to_office = meta.find("kirjaamo@example.fi") != std::string::npos;
    if (raw.find("SECRET") != std::string::npos) f.text += meta + ": a sealed answer\n";
    if (to_office && raw.find(kCitizen) != std::string::npos) f.text += meta + ": the citizen's address\n";
    if (!to_citizen && !to_office) f.text += meta + ": to whom?\n";
  }
  if (messages != 2) f.text += std::to_string(messages) + " messages\n";
  return f.text.c_str();
}

void a_sealed_submission_is_delivered_sealed(void** state) {
  auto& f = *static_cast<Fixture*>(*state);
  const char* report = run_round(f);
  assert_non_null(strstr(report, "3/0/0"));
  assert_null(strstr(report, "matti"));
  assert_string_equal(webhook_problem(f), "");
  assert_string_equal(mail_problems(f), "");
}

}  // namespace

int main() {
  const CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(a_sealed_submission_is_delivered_sealed, setup, test::delete_fixture<Fixture>),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
