// HttpSender against a real receiver: t/tools/webhook_receiver.py, started
// per test on a free port, checks each signature on its own (Python's hmac)
// and records what it got; its control file changes its answers mid-test.
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rapidjson/document.h>

#include <chrono>
#include <ctime>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "delivery/curl_global.hpp"
#include "delivery/http_sender.hpp"
#include "delivery/webhook_secret.hpp"
#include "delivery/webhook_signature.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/cmocka.hpp"  // last

using namespace civic::delivery;

namespace {

struct Receiver {
  std::string dir;
  pid_t pid = -1;
  int port = 0;
  std::string key;
  HttpSender sender;
};

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

int stop_receiver(void** state);

// Starts the receiver with `extra` options; -1 (and nothing left running)
// when it does not come up.
int start(void** state, const std::vector<std::string>& extra) {
  if (!global_init().ok()) return -1;
  auto* r = new Receiver;
  *state = r;
  auto give_up = [state] {
    stop_receiver(state);  // cmocka runs no teardown after a failed setup
    return -1;
  };
  r->dir = civic::test::make_temp_dir();
  auto secret = make_webhook_secret();
  if (!secret) return give_up();
  write_text(r->dir + "/secret", *secret + "\n");
  auto key = read_webhook_secret(r->dir + "/secret");
  if (!key) return give_up();
  r->key = *key;
  const std::string port_file = r->dir + "/port";
  std::vector<std::string> args = {"python3",       std::string(CIVIC_SOURCE_DIR) + "/t/tools/webhook_receiver.py",
                                   "--port",        "0",
                                   "--port-file",   port_file,
                                   "--log",         r->dir + "/log",
                                   "--secret-file", r->dir + "/secret",
                                   "--control",     r->dir + "/control"};
  for (const std::string& a : extra) args.push_back(a == "DIR" ? r->dir : a);
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  r->pid = fork();
  if (r->pid < 0) return give_up();
  if (r->pid == 0) {
    execv("/usr/bin/python3", argv.data());
    _exit(127);
  }
  for (int i = 0; i < 500; ++i) {  // up to 10 s for python to start
    int status = 0;
    if (waitpid(r->pid, &status, WNOHANG) == r->pid) {
      r->pid = -1;
      return give_up();
    }
    std::string port = read_text(port_file);
    if (!port.empty()) {
      r->port = std::stoi(port);
      return 0;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return give_up();
}

int start_receiver(void** state) { return start(state, {}); }

int start_receiver_failing_first(void** state) { return start(state, {"--fail-first", "1"}); }

// Over TLS with a certificate of its own making, which no CA vouches for.
int start_tls_receiver(void** state) {
  std::string dir = civic::test::make_temp_dir();
  std::string command = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 "
                        "-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -keyout " +
                        dir + "/key.pem -out " + dir + "/cert.pem 2>/dev/null";
  if (std::system(command.c_str()) != 0) return -1;
  int rc = start(state, {"--tls-cert", dir + "/cert.pem", "--tls-key", dir + "/key.pem"});
  civic::test::remove_dir(dir);  // python has read them once it listens
  return rc;
}

int stop_receiver(void** state) {
  auto* r = static_cast<Receiver*>(*state);
  if (r == nullptr) return 0;
  if (r->pid > 0) {
    kill(r->pid, SIGTERM);
    int status = 0;
    waitpid(r->pid, &status, 0);
  }
  civic::test::remove_dir(r->dir);
  delete r;
  return 0;
}

std::string url(const Receiver& r) { return "http://127.0.0.1:" + std::to_string(r.port) + "/hook"; }

HttpPost signed_post(const Receiver& r, const std::string& id, const std::string& body) {
  HttpPost post;
  post.url = url(r);
  post.body = body;
  post.headers = standard_webhook_headers(r.key, id, std::time(nullptr), body);
  post.timeout_ms = 10000;
  return post;
}

// The receiver's log, one parsed document per request.
std::vector<rapidjson::Document> received(const Receiver& r) {
  std::vector<rapidjson::Document> lines;
  std::istringstream in(read_text(r.dir + "/log"));
  for (std::string line; std::getline(in, line);) {
    lines.emplace_back();
    lines.back().Parse(line.data(), line.size());
  }
  return lines;
}

// Posts `n` signed deliveries at once, twice (the second batch on the
// connections the first left open); what went wrong, or empty.
std::string send_batches(Receiver& r, int n) {
  std::set<std::string> sent;
  for (int round = 0; round < 2; ++round) {
    std::vector<HttpPost> posts;
    for (int i = 0; i < n; ++i) {
      std::string id = "msg_" + std::to_string(round) + "_" + std::to_string(i);
      std::string body = "{\"n\":" + std::to_string(i) + ",\"text\":\"p\xc3\xa4iv\xc3\xa4\",\"id\":\"" + id + "\"}";
      sent.insert(body);
      posts.push_back(signed_post(r, id, body));
    }
    std::vector<HttpResult> results = r.sender.post_all(posts);
    if (results.size() != posts.size()) return "results: " + std::to_string(results.size());
    for (const HttpResult& res : results) {
      if (res.status != 200 || res.transport_error || !res.error.empty()) {
        return "a post got " + std::to_string(res.status) + " " + res.error;
      }
    }
  }
  std::vector<rapidjson::Document> got = received(r);
  if (got.size() != sent.size()) return "the receiver got " + std::to_string(got.size()) + " requests";
  std::set<std::string> bodies;
  std::set<int> connections;
  for (const rapidjson::Document& d : got) {
    if (d.HasParseError() || !d.IsObject()) return "a log line is not JSON";
    if (!d["verified"].IsTrue()) return "a signature did not verify";
    if (std::string(d["headers"]["content-type"].GetString()) != "application/json") return "content-type";
    if (std::string(d["path"].GetString()) != "/hook") return "path";
    bodies.insert(d["body"].GetString());
    connections.insert(d["peer"].GetInt());
  }
  if (bodies != sent) return "the receiver got other bodies than were sent";
  // At most 32 connections to one receiver, kept open from batch to batch.
  if (connections.size() > 32) return "the batches used " + std::to_string(connections.size()) + " connections";
  return "";
}

void a_batch_arrives_signed(void** state) {
  std::string problem = send_batches(*static_cast<Receiver*>(*state), 50);
  if (!problem.empty()) fail_msg("%s", problem.c_str());
}

// `n` posts with `timeout_ms` each to a receiver that takes `delay` to
// answer; how many came back 200.
int delivered_slowly(Receiver& r, int n, const char* delay, long timeout_ms) {
  write_text(r.dir + "/control", std::string("delay=") + delay);
  std::vector<HttpPost> posts;
  for (int i = 0; i < n; ++i) {
    posts.push_back(signed_post(r, "msg_slow_" + std::to_string(i), "{}"));
    posts.back().timeout_ms = timeout_ms;
  }
  int ok = 0;
  for (const HttpResult& res : r.sender.post_all(posts)) ok += res.status == 200 ? 1 : 0;
  return ok;
}

// More posts than go at once: those that wait their turn do not time out
// for the wait (each timeout runs from when its post is under way).
void a_slow_receiver_gets_every_post_in_turn(void** state) {
  auto* r = static_cast<Receiver*>(*state);
  assert_int_equal(delivered_slowly(*r, 40, "0.5", 900), 40);
  assert_int_equal(received(*r).size(), 40);
}

struct Answer {
  long status;
  bool transport_error;
  char error[256];
};

Answer post_one(Receiver& r, const std::string& to, long timeout_ms) {
  HttpPost post = signed_post(r, "msg_one", "{}");
  post.url = to;
  post.timeout_ms = timeout_ms;
  std::vector<HttpResult> results = r.sender.post_all(std::span<const HttpPost>(&post, 1));
  Answer a{results.at(0).status, results.at(0).transport_error, {}};
  snprintf(a.error, sizeof a.error, "%s", results.at(0).error.c_str());
  return a;
}

// A retry carries the same webhook-id; the receiver counts by it.
void the_same_id_is_one_delivery_to_the_receiver(void** state) {
  auto* r = static_cast<Receiver*>(*state);
  Answer first = post_one(*r, url(*r), 5000);
  Answer again = post_one(*r, url(*r), 5000);
  assert_int_equal(first.status, 503);
  assert_int_equal(again.status, 200);
}

void an_unknown_certificate_is_refused(void** state) {
  auto* r = static_cast<Receiver*>(*state);
  Answer a = post_one(*r, "https://127.0.0.1:" + std::to_string(r->port) + "/hook", 5000);
  assert_true(a.transport_error);
  assert_int_equal(a.status, 0);
  assert_true(std::string_view(a.error).find("certificate") != std::string_view::npos);
  assert_int_equal(received(*r).size(), 0);
}

void statuses_come_back_as_they_are(void** state) {
  auto* r = static_cast<Receiver*>(*state);
  write_text(r->dir + "/control", "status=503");
  Answer a = post_one(*r, url(*r), 5000);
  assert_int_equal(a.status, 503);
  assert_false(a.transport_error);
  assert_string_equal(a.error, "HTTP 503: refused by the test receiver");

  write_text(r->dir + "/control", "status=400");
  a = post_one(*r, url(*r), 5000);
  assert_int_equal(a.status, 400);
  assert_false(a.transport_error);
  assert_true(std::string_view(a.error).starts_with("HTTP 400"));

  // A redirect is an answer, not followed.
  write_text(r->dir + "/control", "status=302");
  a = post_one(*r, url(*r), 5000);
  assert_int_equal(a.status, 302);
  assert_false(a.transport_error);

  write_text(r->dir + "/control", "status=204");
  a = post_one(*r, url(*r), 5000);
  assert_int_equal(a.status, 204);
  assert_string_equal(a.error, "");
  assert_int_equal(received(*r).size(), 4);
}

// A loopback port nobody listens on: bound, then closed.
int closed_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    std::abort();
  }
  close(fd);
  return ntohs(addr.sin_port);
}

void no_answer_is_a_transport_error(void** state) {
  auto* r = static_cast<Receiver*>(*state);
  Answer refused = post_one(*r, "http://127.0.0.1:" + std::to_string(closed_port()) + "/hook", 5000);
  assert_true(refused.transport_error);
  assert_int_equal(refused.status, 0);
  assert_true(std::string_view(refused.error).find("127.0.0.1") != std::string_view::npos);

  write_text(r->dir + "/control", "delay=3");
  const auto start = std::chrono::steady_clock::now();
  Answer slow = post_one(*r, url(*r), 300);
  const auto took = std::chrono::steady_clock::now() - start;
  assert_true(slow.transport_error);
  assert_true(std::string_view(slow.error).find("timed out") != std::string_view::npos);
  assert_true(took < std::chrono::seconds(2));

  // Only http and https: no file:// or other scheme from a configuration.
  Answer file = post_one(*r, "file:///etc/passwd", 5000);
  assert_true(file.transport_error);
}

void a_header_with_a_line_break_is_not_sent(void** state) {
  auto* r = static_cast<Receiver*>(*state);
  HttpPost post = signed_post(*r, "msg_crlf", "{}");
  post.headers.push_back({"x-extra", "a\r\nx-injected: 1"});
  std::vector<HttpResult> results = r->sender.post_all(std::span<const HttpPost>(&post, 1));
  bool refused = results.at(0).transport_error && results.at(0).error.find("line break") != std::string::npos;
  results.clear();
  assert_true(refused);
  assert_int_equal(received(*r).size(), 0);
}

}  // namespace

int main() {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(a_batch_arrives_signed, start_receiver, stop_receiver),
      cmocka_unit_test_setup_teardown(a_slow_receiver_gets_every_post_in_turn, start_receiver, stop_receiver),
      cmocka_unit_test_setup_teardown(statuses_come_back_as_they_are, start_receiver, stop_receiver),
      cmocka_unit_test_setup_teardown(no_answer_is_a_transport_error, start_receiver, stop_receiver),
      cmocka_unit_test_setup_teardown(a_header_with_a_line_break_is_not_sent, start_receiver, stop_receiver),
      cmocka_unit_test_setup_teardown(the_same_id_is_one_delivery_to_the_receiver, start_receiver_failing_first,
                                      stop_receiver),
      cmocka_unit_test_setup_teardown(an_unknown_certificate_is_refused, start_tls_receiver, stop_receiver),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
