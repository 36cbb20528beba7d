// civic_forms: the public form pages and the submission endpoint below the
// location. The core decides (forms/service/public_request.hpp, and
// public_answers.hpp for what a post gets); this file copies the request out,
// reads the body, hands an accepted submission to the group commit
// (module/commit_queue.hpp) and sends the replies.
#include "module/ngx.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "forms/service/journey.hpp"
#include "forms/service/public_answers.hpp"
#include "forms/service/public_request.hpp"
#include "forms/service/submission_record.hpp"
#include "forms/service/token_signer.hpp"
#include "sealing/sodium_text.hpp"
#include "module/commit_queue.hpp"
#include "module/form_conf.hpp"
#include "module/guard.hpp"
#include "module/metrics_zone.hpp"
#include "module/module.hpp"
#include "module/offload.hpp"
#include "module/request_body.hpp"
#include "module/request_ctx.hpp"
#include "module/request_info.hpp"
#include "module/response.hpp"
#include "storage/submission_store.hpp"

namespace civic::module {

namespace {

// Per request, in its pool (module/request_ctx.hpp): a post, from its body
// to its answer.
bool sealed(const forms::Submission& s) { return s.visit.form != nullptr && s.visit.form->seal.has_value(); }

// What was read of a sealed form's body, once it is decoded.
void wipe_body(const forms::Submission& s, std::string& bytes) {
  if (sealed(s)) sealing::wipe(bytes);
}

struct FormRequest {
  forms::Submission submission;
  // What the citizen sent, while it waits for its commit: if it is not
  // stored after all, the form is shown again with it.
  std::optional<forms::FormInput> submitted;
  std::string receipt;  // $civic_receipt

  ~FormRequest() {
    if (submitted && sealed(submission)) submitted->wipe();
  }
};

std::int64_t now() { return static_cast<std::int64_t>(ngx_time()); }

// The worker's token signer, keyed with the store's secret.
const forms::TokenSigner* token_signer(ngx_log_t* log) {
  static std::optional<forms::TokenSigner> signer;
  if (!signer && worker_store()) {
    auto made = forms::store_token_signer(*worker_store());
    if (made) {
      signer.emplace(std::move(made.value()));
    } else {
      ngx_log_error(NGX_LOG_ERR, log, 0, "civic: %s", made.error().message().c_str());
    }
  }
  return signer ? &*signer : nullptr;
}

ngx_int_t send_answer(ngx_http_request_t* r, forms::PublicAnswer answer) {
  // Counted: a submission stored (a receipt) or refused, and a commit that failed.
  FormRequest* counted = request_ctx<FormRequest>(r);
  std::string_view form = answer.form;
  if (form.empty() && counted && counted->submission.visit.form) form = counted->submission.visit.form->name;
  forms::Counted how = forms::counted_as(answer, counted && counted->submitted);
  if (!form.empty() && how != forms::Counted::neither)
    server::count_submission(shared_metrics(), form, how == forms::Counted::accepted, answer.reply.status);
  if (!answer.refused.empty())
    ngx_log_error(NGX_LOG_INFO, r->connection->log, 0, "civic: %s", answer.refused.c_str());
  if (!answer.receipt.empty()) {
    if (FormRequest* ctx = request_ctx<FormRequest>(r)) ctx->receipt = std::move(answer.receipt);
  }
  return send_reply(r, std::move(answer.reply));
}

ngx_int_t answer_commit(ngx_http_request_t* r, const forms::CommitResult& result) {
  FormRequest* ctx = request_ctx<FormRequest>(r);
  if (ctx == nullptr) return NGX_HTTP_INTERNAL_SERVER_ERROR;
  const forms::FormInput* submitted = ctx->submitted ? &*ctx->submitted : nullptr;
  return send_answer(r, forms::commit_answer(ctx->submission.visit, result, submitted, now()));
}

ngx_int_t answer_journey_commit(ngx_http_request_t* r, const forms::CommitResult& result) {
  FormRequest* ctx = request_ctx<FormRequest>(r);
  if (ctx == nullptr) return NGX_HTTP_INTERNAL_SERVER_ERROR;
  const forms::FormInput* answers = ctx->submitted ? &*ctx->submitted : nullptr;
  return send_answer(r, forms::journey_commit_answer(ctx->submission.visit, result, answers, ctx->submission.https, now()));
}

// A step of a multi-step form: always in a pool thread, which writes the
// draft; the final Submit then goes to the group commit.
class JourneyJob final : public Job {
 public:
  JourneyJob(RequestBody body, forms::Submission submission)
      : body_(std::move(body)), submission_(std::move(submission)), now_(now()) {}

  void run() override {
    std::string bytes;
    auto& store = worker_store();
    if (store && body_.read_into(bytes)) outcome_ = forms::take_journey_step(submission_, bytes, *store, now_);
  }

  ngx_int_t answer(ngx_http_request_t* r) override {
    FormRequest* ctx = request_ctx<FormRequest>(r);
    if (!outcome_ || ctx == nullptr) {
      ngx_log_error(NGX_LOG_ERR, r->connection->log, 0, "civic: could not read a step's body or the store");
      return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }
    if (!outcome_->record) return send_answer(r, std::move(outcome_->answer));
    ctx->submitted = std::move(outcome_->answers);
    return enqueue_submission(r, std::move(*outcome_->record), answer_journey_commit);
  }

 private:
  RequestBody body_;
  forms::Submission submission_;
  std::int64_t now_;
  std::optional<forms::JourneyOutcome> outcome_;
};

// After decoding and validation: to the commit queue, or refused now.
// `record`: the accepted intake's record if it was made already (sealed in
// a pool thread).
ngx_int_t respond(ngx_http_request_t* r, forms::Intake intake,
                  std::optional<Result<storage::NewSubmission>> record = std::nullopt) {
  FormRequest* ctx = request_ctx<FormRequest>(r);
  if (ctx == nullptr) return NGX_HTTP_INTERNAL_SERVER_ERROR;
  const forms::FormVisit& visit = ctx->submission.visit;
  if (intake.result != forms::IntakeResult::accepted) return send_answer(r, forms::intake_answer(visit, intake, now()));
  if (!record) record = forms::submission_record(*visit.form, visit.lang, intake);
  ctx->submitted = std::move(intake.input);
  if (!*record) {
    forms::CommitResult failed;
    failed.error = record->error().message();
    return answer_commit(r, failed);
  }
  return enqueue_submission(r, std::move(record->value()), answer_commit);
}

// A body in nginx's temp files: read, decoded, validated and, for a sealed
// form, sealed in a pool thread. (A sealed form's body in memory is sealed
// inline: 60 us per envelope, measured by bench/submit, against 0.37 of the
// throughput when each went through the pool.)
class IntakeJob final : public Job {
 public:
  IntakeJob(RequestBody body, forms::Submission submission, std::vector<std::string> idempotency_keys)
      : body_(std::move(body)), submission_(std::move(submission)), keys_(std::move(idempotency_keys)), now_(now()) {}

  void run() override {
    std::string bytes;
    if (!body_.read_into(bytes)) return;
    intake_ = forms::take_in_submission(submission_, bytes, keys_, now_);
    wipe_body(submission_, bytes);
    const forms::FormVisit& visit = submission_.visit;
    if (intake_->result == forms::IntakeResult::accepted && visit.form->seal)
      record_ = forms::submission_record(*visit.form, visit.lang, *intake_);
  }

  ngx_int_t answer(ngx_http_request_t* r) override {
    if (!intake_) {
      ngx_log_error(NGX_LOG_ERR, r->connection->log, 0, "civic: could not read the request body's temp file");
      return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }
    return respond(r, std::move(*intake_), std::move(record_));
  }

 private:
  RequestBody body_;
  forms::Submission submission_;  // a copy: the pool thread reads only the job
  std::vector<std::string> keys_;
  std::int64_t now_;
  std::optional<forms::Intake> intake_;
  std::optional<Result<storage::NewSubmission>> record_;
};

void body_read(ngx_http_request_t* r) {
  FormRequest* ctx = request_ctx<FormRequest>(r);
  if (ctx == nullptr) return ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
  std::vector<std::string> keys;
  for (std::string_view k : request_headers(r, "Idempotency-Key")) keys.emplace_back(k);
  auto body = RequestBody::of(r);
  if (!body) return ngx_http_finalize_request(r, NGX_HTTP_BAD_REQUEST);
  if (ctx->submission.journey)
    return offload_after_body(r, std::make_unique<JourneyJob>(std::move(*body), ctx->submission));
  if (!body->in_memory())
    return offload_after_body(r, std::make_unique<IntakeJob>(std::move(*body), ctx->submission, std::move(keys)));
  std::string bytes;
  if (!body->read_into(bytes)) return ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
  forms::Intake intake = forms::take_in_submission(ctx->submission, bytes, keys, now());
  wipe_body(ctx->submission, bytes);
  ngx_http_finalize_request(r, respond(r, std::move(intake)));
}

// "https://lomakkeet.example.fi": where links that leave the browser (a
// resume link by e-mail) point. The server's own name when it is a domain
// (what the sysadmin wrote, not what a client sent), else the Host header.
std::string link_site(ngx_http_request_t* r, bool https) {
  auto* cscf = static_cast<ngx_http_core_srv_conf_t*>(ngx_http_get_module_srv_conf(r, ngx_http_core_module));
  std::string_view name = ngx::view(cscf->server_name);
  bool domain = name.find('.') != std::string_view::npos && name.find_first_of("*~ ") == std::string_view::npos;
  std::string_view host = domain ? name : r->headers_in.host ? ngx::view(r->headers_in.host->value) : std::string_view();
  return (https ? "https://" : "http://") + std::string(host);
}

forms::PublicMethod method_of(ngx_http_request_t* r) {
  if (r->method & NGX_HTTP_GET) return forms::PublicMethod::get;
  if (r->method & NGX_HTTP_HEAD) return forms::PublicMethod::head;
  if (r->method & NGX_HTTP_POST) return forms::PublicMethod::post;
  return forms::PublicMethod::other;
}

ngx_int_t dispatch(ngx_http_request_t* r) {
  auto* lc = static_cast<LocConf*>(ngx_http_get_module_loc_conf(r, ngx_http_civic_module));
  forms::PublicRequest request;
  request.method = method_of(r);
  request.path = path_after_prefix(r, lc->prefix);
  request.named_location = lc->prefix.len > 0 && lc->prefix.data[0] == '@';
  request.uri = ngx::view(r->uri);
  request.args = ngx::view(r->args);
  request.accept = request_header(r, "Accept");
  request.accept_language = request_header(r, "Accept-Language");
  if (r->headers_in.content_type) request.content_type = ngx::view(r->headers_in.content_type->value);
  request.origin = request_header(r, "Origin");
  request.sec_fetch_site = request_header(r, "Sec-Fetch-Site");
  if (r->headers_in.host) request.host = ngx::view(r->headers_in.host->value);
  request.body_too_large = r->err_status == NGX_HTTP_REQUEST_ENTITY_TOO_LARGE;
  std::string cookies;  // HTTP/2 clients may send each cookie in its own header
  for (std::string_view c : request_headers(r, "Cookie")) cookies.append(cookies.empty() ? "" : "; ").append(c);
  request.cookie = cookies;
#if (NGX_HTTP_SSL)
  request.https = r->connection->ssl != nullptr;
#endif
  std::string site = link_site(r, request.https);
  request.site = site;

  auto& store = worker_store();
  bool store_open = store.has_value();
  auto* mc = static_cast<MainConf*>(ngx_http_get_module_main_conf(r, ngx_http_civic_module));
  forms::PublicSite site_info{form_registry(r), lc->layout, store_open,
                              store_open ? token_signer(r->connection->log) : nullptr, now(),
                              store_open ? &*store : nullptr, mc->smtp};
  auto plan = forms::plan_public_request(site_info, request);
  if (auto* answer = std::get_if<forms::PublicAnswer>(&plan)) {
    if (ngx_http_discard_request_body(r) != NGX_OK) return NGX_HTTP_INTERNAL_SERVER_ERROR;
    return send_answer(r, std::move(*answer));
  }
  auto* ctx = make_request_ctx<FormRequest>(r);
  if (ctx == nullptr) return NGX_HTTP_INTERNAL_SERVER_ERROR;
  ctx->submission = std::move(std::get<forms::Submission>(plan));
  return read_request_body(r, [](ngx_http_request_t* r) noexcept {
    guard_body_handler(r, "reading a submission", [r] { body_read(r); });
  });
}

ngx_int_t receipt_variable(ngx_http_request_t* r, ngx_http_variable_value_t* v, uintptr_t) noexcept {
  FormRequest* ctx = request_ctx<FormRequest>(r);
  if (ctx == nullptr || ctx->receipt.empty()) {
    v->not_found = 1;
    return NGX_OK;
  }
  v->data = reinterpret_cast<u_char*>(ctx->receipt.data());
  v->len = static_cast<unsigned>(ctx->receipt.size());
  v->valid = 1;
  v->no_cacheable = 0;
  v->not_found = 0;
  return NGX_OK;
}

}  // namespace

ngx_int_t forms_handler(ngx_http_request_t* r) noexcept {
  return guard_handler(r, "forms request", [r] { return dispatch(r); });
}

ngx_int_t add_form_variables(ngx_conf_t* cf) noexcept {
  static ngx_str_t name = ngx_string("civic_receipt");
  ngx_http_variable_t* var = ngx_http_add_variable(cf, &name, NGX_HTTP_VAR_NOCACHEABLE);
  if (var == nullptr) return NGX_ERROR;
  var->get_handler = receipt_variable;
  return NGX_OK;
}

}  // namespace civic::module
