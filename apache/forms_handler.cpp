// SetHandler civic-forms: the public form pages and the submission endpoint
// below the location. The core decides (forms/service/public_request.hpp,
// and public_answers.hpp for what a post gets); this file copies the
// request out, reads the body, hands an accepted submission to the group
// commit (server/group_commit.hpp) and sends the replies. The request's
// thread waits for its commit; the commit carries every submission that
// arrived meanwhile.
#include "apache/httpd.hpp"

#include <optional>
#include <string>
#include <vector>

#include "apache/child.hpp"
#include "apache/conf.hpp"
#include "apache/handlers.hpp"
#include "apache/periodic.hpp"
#include "apache/request.hpp"
#include "forms/service/journey.hpp"
#include "forms/service/public_answers.hpp"
#include "forms/service/public_request.hpp"
#include "forms/service/submission_record.hpp"
#include "sealing/sodium_text.hpp"

namespace civic::apache {

namespace {

bool sealed(const forms::Submission& s) { return s.visit.form != nullptr && s.visit.form->seal.has_value(); }

// What a post leaves until it is answered: what the citizen sent, shown
// again if it could not be stored (wiped after, for a sealed form).
struct Post {
  const forms::Submission* submission = nullptr;
  std::optional<forms::FormInput> submitted;
  ~Post() {
    if (submitted && submission && sealed(*submission)) submitted->wipe();
  }
};

int send_answer(request_rec* r, forms::PublicAnswer answer, const Post* post = nullptr) {
  std::string_view form = answer.form;
  if (form.empty() && post && post->submission && post->submission->visit.form) form = post->submission->visit.form->name;
  forms::Counted how = forms::counted_as(answer, post && post->submitted);
  if (!form.empty() && how != forms::Counted::neither)
    server::count_submission(shared_metrics(), form, how == forms::Counted::accepted, answer.reply.status);
  if (!answer.refused.empty()) ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, "civic: %s", answer.refused.c_str());
  // As nginx's $civic_receipt: for the access log (%{civic_receipt}n).
  if (!answer.receipt.empty()) apr_table_set(r->notes, "civic_receipt", answer.receipt.c_str());
  return send_reply(r, std::move(answer.reply));
}

// The group commit, then the answer `answer_of` makes of its result.
template <class AnswerOf>
int commit(request_rec* r, storage::NewSubmission record, const Post& post, AnswerOf&& answer_of) {
  Child& c = child();
  if (!c.store || !c.commits) return send_reply(r, store_not_open());
  auto outcome = c.commits->commit(*c.store, std::move(record), shared_metrics());
  if (outcome.delivers && c.delivery != nullptr) c.delivery->poke(0);  // sent at once, not at the next round
  return send_answer(r, answer_of(outcome.result), &post);
}

// "https://lomakkeet.example.fi": where links that leave the browser (a
// resume link by e-mail) point. The server's own name when it is a domain
// (what the sysadmin wrote, not what a client sent), else the Host header.
std::string link_site(request_rec* r, bool https) {
  std::string_view name = view(r->server->server_hostname);
  bool domain = name.find('.') != std::string_view::npos && name.find_first_not_of("0123456789.") != std::string_view::npos;
  std::string_view host = domain ? name : request_header(r, "Host");
  return (https ? "https://" : "http://") + std::string(host);
}

forms::PublicMethod method_of(request_rec* r) {
  if (r->method_number == M_GET) return r->header_only ? forms::PublicMethod::head : forms::PublicMethod::get;
  if (r->method_number == M_POST) return forms::PublicMethod::post;
  return forms::PublicMethod::other;
}

int take_post(request_rec* r, const forms::Submission& submission, std::string& body) {
  Child& c = child();
  std::int64_t now = now_seconds();
  Post post;
  post.submission = &submission;
  if (submission.journey) {
    forms::JourneyOutcome outcome = forms::take_journey_step(submission, body, *c.store, now);
    if (!outcome.record) return send_answer(r, std::move(outcome.answer), &post);
    post.submitted = std::move(outcome.answers);
    return commit(r, std::move(*outcome.record), post, [&](const forms::CommitResult& result) {
      return forms::journey_commit_answer(submission.visit, result, &*post.submitted, submission.https, now_seconds());
    });
  }
  // httpd joins a header sent twice into one value with ", ": each part
  // counts as one sending (the core refuses a key sent more than once).
  std::vector<std::string> keys;
  for (std::string_view value : request_headers(r, "Idempotency-Key")) {
    for (std::size_t at = 0; at <= value.size();) {
      std::size_t comma = value.find(", ", at);
      if (comma == std::string_view::npos) comma = value.size();
      keys.emplace_back(value.substr(at, comma - at));
      at = comma + 2;
    }
  }
  forms::Intake intake = forms::take_in_submission(submission, body, keys, now);
  if (sealed(submission)) sealing::wipe(body);
  const forms::FormVisit& visit = submission.visit;
  if (intake.result != forms::IntakeResult::accepted) return send_answer(r, forms::intake_answer(visit, intake, now), &post);
  auto record = forms::submission_record(*visit.form, visit.lang, intake);
  post.submitted = std::move(intake.input);
  auto answer_of = [&](const forms::CommitResult& result) {
    return forms::commit_answer(visit, result, &*post.submitted, now_seconds());
  };
  if (!record) {
    forms::CommitResult failed;
    failed.error = record.error().message();
    return send_answer(r, answer_of(failed), &post);
  }
  return commit(r, std::move(record.value()), post, answer_of);
}

}  // namespace

int forms_request(request_rec* r) {
  Child& c = child();
  const ServerConf& sc = server_conf(r->server);
  const DirConf& dc = dir_conf(r);
  forms::PublicRequest request;
  request.method = method_of(r);
  request.path = path_after_prefix(r, location_path(r));
  request.uri = view(r->uri);
  request.args = view(r->args);
  request.accept = request_header(r, "Accept");
  request.accept_language = request_header(r, "Accept-Language");
  request.content_type = request_header(r, "Content-Type");
  request.origin = request_header(r, "Origin");
  request.sec_fetch_site = request_header(r, "Sec-Fetch-Site");
  request.host = request_header(r, "Host");
  std::string cookies;  // a client may send each cookie in its own header
  for (std::string_view v : request_headers(r, "Cookie")) cookies.append(cookies.empty() ? "" : "; ").append(v);
  request.cookie = cookies;
  request.https = view(ap_http_scheme(r)) == "https";
  std::string site = link_site(r, request.https);
  request.site = site;

  // A body over LimitRequestBody: the form's own page says so (nginx needs
  // an error_page for that; here the handler sees the length first).
  std::string body;
  bool too_large = false;
  if (request.method == forms::PublicMethod::post) {
    apr_off_t limit = ap_get_limit_req_body(r);
    const char* length = apr_table_get(r->headers_in, "Content-Length");
    if (limit > 0 && length != nullptr && apr_atoi64(length) > limit) too_large = true;
  }
  request.body_too_large = too_large;

  static const forms::Forms no_forms;
  bool store_open = c.store.has_value();
  forms::PublicSite site_info{sc.forms ? *sc.forms : no_forms, dc.layout, store_open,
                              store_open && c.signer ? &*c.signer : nullptr, now_seconds(),
                              store_open ? &*c.store : nullptr, sc.smtp};
  auto plan = forms::plan_public_request(site_info, request);
  if (auto* answer = std::get_if<forms::PublicAnswer>(&plan)) {
    if (!too_large && !discard_body(r)) return HTTP_BAD_REQUEST;
    if (too_large) r->connection->keepalive = AP_CONN_CLOSE;  // its body is not read
    return send_answer(r, std::move(*answer));
  }
  auto& submission = std::get<forms::Submission>(plan);
  if (!read_body(r, body, too_large)) return HTTP_BAD_REQUEST;
  if (too_large) {
    // A chunked body over the limit: answered as one with a length.
    r->connection->keepalive = AP_CONN_CLOSE;
    request.body_too_large = true;
    auto again = forms::plan_public_request(site_info, request);
    if (auto* answer = std::get_if<forms::PublicAnswer>(&again)) return send_answer(r, std::move(*answer));
    return HTTP_REQUEST_ENTITY_TOO_LARGE;
  }
  return take_post(r, submission, body);
}

}  // namespace civic::apache
