// civic_forms: the public form pages and the submission endpoint below the
// location. GET {form} (the page), GET {form}.json (the schema), POST {form}
// (a submission). The decisions are the core's (forms/intake.hpp); this file
// reads the request, queues accepted submissions for the group commit and
// writes the answers.
#include "module/ngx.hpp"

#include <cstring>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "common/json_error.hpp"
#include "forms/decode.hpp"
#include "forms/intake.hpp"
#include "forms/language.hpp"
#include "forms/layout.hpp"
#include "forms/render_page.hpp"
#include "forms/schema_json.hpp"
#include "forms/texts.hpp"
#include "forms/token.hpp"
#include "module/commit_queue.hpp"
#include "module/form_conf.hpp"
#include "module/module.hpp"
#include "module/offload.hpp"
#include "module/request_body.hpp"
#include "module/request_ctx.hpp"
#include "module/request_info.hpp"
#include "module/response.hpp"
#include "module/store_full_log.hpp"
#include "storage/submission_store.hpp"

namespace civic::module {

namespace {

using forms::Text;

// Per request, in its pool (module/request_ctx.hpp).
struct FormRequest {
  const forms::Form* form;
  const forms::Layout* layout;
  ngx_str_t lang;
  ngx_str_t url;      // the form's path, e.g. /forms/feedback
  ngx_str_t receipt;  // $civic_receipt
  ngx_flag_t wants_json;
  // What the citizen sent, while it waits for its commit: if it is not
  // stored after all, the form is shown again with it.
  std::optional<forms::FormInput> submitted;
};

bool pool_copy(ngx_pool_t* pool, std::string_view from, ngx_str_t& to) {
  to.len = from.size();
  to.data = static_cast<u_char*>(ngx_pnalloc(pool, from.size() ? from.size() : 1));
  if (to.data == nullptr) return false;
  if (!from.empty()) std::memcpy(to.data, from.data(), from.size());
  return true;
}

std::string query_arg(ngx_http_request_t* r, const char* name) {
  ngx_str_t value;
  if (ngx_http_arg(r, (u_char*)name, std::strlen(name), &value) != NGX_OK) return {};
  return std::string(ngx::view(value));
}

// The worker's token signer, keyed with the store's secret.
const forms::TokenSigner* token_signer(ngx_log_t* log) {
  static std::optional<forms::TokenSigner> signer;
  if (signer) return &*signer;
  auto& store = worker_store();
  if (!store) return nullptr;
  auto txn = storage::Txn::begin_read(store->env());
  if (!txn) return nullptr;
  auto secret = storage::read_form_token_secret(*txn, store->db());
  if (!secret) {
    ngx_log_error(NGX_LOG_ERR, log, 0, "civic: %s", secret.error().message().c_str());
    return nullptr;
  }
  signer.emplace(std::move(*secret));
  return &*signer;
}

ngx_int_t send_html(ngx_http_request_t* r, ngx_uint_t status, std::string_view lang, std::string_view html) {
  if (add_header(r, "Content-Language", lang) != NGX_OK) return NGX_ERROR;
  if (add_header(r, "Cache-Control", "no-store") != NGX_OK) return NGX_ERROR;
  return send_body(r, status, "text/html; charset=utf-8", html);
}

const forms::Layout& layout_of(const FormRequest& ctx) {
  return ctx.layout ? *ctx.layout : forms::Layout::builtin();
}

ngx_int_t send_message_page(ngx_http_request_t* r, const FormRequest& ctx, ngx_uint_t status, Text title,
                            Text text) {
  std::string_view lang = ngx::view(ctx.lang);
  std::string_view t = forms::builtin_text(title, lang);
  auto fragment = forms::render_message(t, forms::builtin_text(text, lang));
  return send_html(r, status, lang, layout_of(ctx).render(lang, t, fragment));
}

ngx_int_t send_form_page(ngx_http_request_t* r, const FormRequest& ctx, ngx_uint_t status,
                         const forms::FormInput* submitted, std::span<const forms::FieldError> errors,
                         std::string_view notice) {
  const forms::TokenSigner* signer = token_signer(r->connection->log);
  if (signer == nullptr) return send_error(r, NGX_HTTP_SERVICE_UNAVAILABLE, "the store is not open; see the error log");
  std::string token = signer->issue(ctx.form->name, static_cast<std::int64_t>(ngx_time()));
  forms::FormPage page;
  page.lang = ngx::view(ctx.lang);
  page.form_url = ngx::view(ctx.url);
  page.token = token;
  page.submitted = submitted;
  page.errors = errors;
  page.notice = notice;
  auto fragment = forms::render_form(*ctx.form, page);
  std::string html = layout_of(ctx).render(page.lang, forms::form_page_title(*ctx.form, page), fragment);
  if (add_header(r, "Vary", "Accept-Language") != NGX_OK) return NGX_ERROR;
  return send_html(r, status, page.lang, html);
}

// The form again with what the citizen sent and a notice at the top: their
// answers are not lost when the server could not store them.
ngx_int_t send_form_again(ngx_http_request_t* r, const FormRequest& ctx, ngx_uint_t status, Text notice) {
  const forms::FormInput* submitted = ctx.submitted ? &*ctx.submitted : nullptr;
  return send_form_page(r, ctx, status, submitted, {}, forms::builtin_text(notice, ngx::view(ctx.lang)));
}

void log_refusal(ngx_http_request_t* r, const FormRequest& ctx, std::string_view reason) {
  std::string text(reason);
  ngx_log_error(NGX_LOG_INFO, r->connection->log, 0, "civic: form \"%s\": submission refused: %s",
                ctx.form->name.c_str(), text.c_str());
}

// ---- after the commit

ngx_int_t answer_commit(ngx_http_request_t* r, const CommitResult& result) noexcept {
  try {
    FormRequest* ctx = request_ctx<FormRequest>(r);
    if (ctx == nullptr) return NGX_HTTP_INTERNAL_SERVER_ERROR;
    if (result.kind == CommitResult::Kind::over_limit) {
      log_refusal(r, *ctx, "max_submissions_per_day reached");
      std::int64_t now = static_cast<std::int64_t>(ngx_time());
      if (add_header(r, "Retry-After", std::to_string(storage::seconds_left_in_day(now))) != NGX_OK)
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
      if (ctx->wants_json)
        return send_error(r, NGX_HTTP_TOO_MANY_REQUESTS,
                          "the form has taken its " + std::to_string(ctx->form->max_submissions_per_day) +
                              " submissions for today; nothing was stored; send it again tomorrow");
      return send_form_again(r, *ctx, NGX_HTTP_TOO_MANY_REQUESTS, Text::daily_limit_text);
    }
    if (result.kind == CommitResult::Kind::store_full || result.kind == CommitResult::Kind::failed) {
      bool full = result.kind == CommitResult::Kind::store_full;
      std::string what = "form \"" + ctx->form->name + "\": submission not stored";
      if (full) {
        log_store_full(r->connection->log, what, result.error);
      } else {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0, "civic: %s: %s", what.c_str(), result.error.c_str());
      }
      ngx_uint_t status = full ? NGX_HTTP_INSUFFICIENT_STORAGE : NGX_HTTP_INTERNAL_SERVER_ERROR;
      if (ctx->wants_json)
        return send_error(r, status, full ? "the store is full; nothing was stored" : "the submission could not be stored");
      return send_form_again(r, *ctx, status, full ? Text::store_full_text : Text::server_error_text);
    }
    if (!pool_copy(r->pool, result.receipt, ctx->receipt)) return NGX_HTTP_INTERNAL_SERVER_ERROR;
    if (result.kind == CommitResult::Kind::replayed && add_header(r, "Idempotent-Replayed", "true") != NGX_OK)
      return NGX_HTTP_INTERNAL_SERVER_ERROR;
    if (ctx->wants_json) {
      rapidjson::StringBuffer out;
      rapidjson::Writer<rapidjson::StringBuffer> w(out);
      w.StartObject();
      w.Key("receipt");
      w.String(result.receipt.data(), static_cast<rapidjson::SizeType>(result.receipt.size()));
      w.EndObject();
      return send_json(r, NGX_HTTP_CREATED, std::string_view(out.GetString(), out.GetSize()));
    }
    const forms::Form& form = *ctx->form;
    if (form.confirm == forms::ConfirmKind::redirect) {
      std::string url = form.confirm_url;
      std::size_t hash = url.find('#');
      std::string fragment = hash == std::string::npos ? "" : url.substr(hash);
      url = url.substr(0, hash);
      url += (url.find('?') == std::string::npos ? "?receipt=" : "&receipt=") + result.receipt + fragment;
      if (add_header(r, "Location", url) != NGX_OK) return NGX_HTTP_INTERNAL_SERVER_ERROR;
      return send_body(r, NGX_HTTP_SEE_OTHER, "text/plain; charset=utf-8", "");
    }
    std::string_view lang = ngx::view(ctx->lang);
    auto fragment = forms::render_confirmation(form, lang, result.receipt);
    return send_html(r, NGX_HTTP_CREATED, lang,
                     layout_of(*ctx).render(lang, forms::confirmation_title(form, lang), fragment));
  } catch (const std::exception& e) {
    ngx_log_error(NGX_LOG_ERR, r->connection->log, 0, "civic: answering a submission failed: %s", e.what());
  }
  return NGX_HTTP_INTERNAL_SERVER_ERROR;
}

// ---- after decoding and validation

ngx_int_t respond(ngx_http_request_t* r, forms::Intake intake) {
  FormRequest* ctx = request_ctx<FormRequest>(r);
  if (ctx == nullptr) return NGX_HTTP_INTERNAL_SERVER_ERROR;
  const forms::Form& form = *ctx->form;
  std::string_view lang = ngx::view(ctx->lang);
  using forms::IntakeResult;
  if (intake.result != IntakeResult::accepted) log_refusal(r, *ctx, intake.refusal_reason());

  switch (intake.result) {
    case IntakeResult::accepted: {
      storage::NewSubmission s;
      s.form = form.name;
      s.receipt_prefix = form.receipt_prefix;
      s.language = lang;
      s.data_json = std::move(intake.data_json);
      s.replay_keys = std::move(intake.replay_keys);
      s.replay_expires = intake.replay_expires;
      s.max_per_day = form.max_submissions_per_day;
      std::string last_field;
      std::uint32_t index = 0;
      for (forms::CleanFile& f : intake.validated.files) {
        index = f.field == last_field ? index + 1 : 0;
        last_field = f.field;
        s.files.push_back({f.field, index, std::move(f.content)});
      }
      if (!ctx->wants_json) ctx->submitted = std::move(intake.input);
      return enqueue_submission(r, std::move(s), answer_commit);
    }
    case IntakeResult::invalid:
      if (ctx->wants_json) return send_json(r, kUnprocessableContent, forms::render_errors_json(intake.validated.errors));
      return send_form_page(r, *ctx, kUnprocessableContent, &intake.input, intake.validated.errors, {});
    case IntakeResult::undecodable:
      if (ctx->wants_json) return send_error(r, NGX_HTTP_BAD_REQUEST, intake.decode_error.message, intake.decode_error.field);
      return send_message_page(r, *ctx, NGX_HTTP_BAD_REQUEST, Text::refused_title, Text::refused_text);
    case IntakeResult::token_refused: {
      if (ctx->wants_json)
        return send_error(r, NGX_HTTP_BAD_REQUEST, std::string(forms::describe(intake.token)) + "; fetch the form again",
                          forms::kTokenField);
      Text notice = intake.token == forms::TokenCheck::expired    ? Text::token_expired
                    : intake.token == forms::TokenCheck::too_fast ? Text::token_too_fast
                                                                  : Text::token_missing;
      return send_form_page(r, *ctx, kUnprocessableContent, &intake.input, {},
                            forms::builtin_text(notice, lang));
    }
    case IntakeResult::honeypot:
      if (ctx->wants_json) return send_error(r, NGX_HTTP_BAD_REQUEST, "the submission was refused");
      return send_message_page(r, *ctx, NGX_HTTP_BAD_REQUEST, Text::refused_title, Text::refused_text);
    case IntakeResult::json_refused:
      return send_error(r, NGX_HTTP_UNSUPPORTED_MEDIA_TYPE,
                        "this form takes no JSON submissions: post it from its page", "Content-Type");
  }
  return NGX_HTTP_INTERNAL_SERVER_ERROR;
}

forms::Intake take_in(ngx_http_request_t* r, const FormRequest& ctx, const forms::ContentType& type,
                      std::string_view body, const std::vector<std::string>& idempotency_keys,
                      const forms::TokenSigner& signer) {
  forms::IntakeRequest request{*ctx.form, ngx::view(ctx.lang), type, body, idempotency_keys,
                               static_cast<std::int64_t>(ngx_time()), signer};
  return forms::take_in(request);
}

// A body in nginx's temp files: read, decoded and validated in a pool thread.
class IntakeJob final : public Job {
 public:
  IntakeJob(RequestBody body, const FormRequest& ctx, forms::ContentType type, std::vector<std::string> idempotency_keys,
            const forms::TokenSigner& signer, std::int64_t now)
      : body_(std::move(body)),
        form_(*ctx.form),
        lang_(ngx::view(ctx.lang)),
        type_(std::move(type)),
        idempotency_keys_(std::move(idempotency_keys)),
        signer_(signer),
        now_(now) {}

  void run() noexcept override {
    try {
      std::string bytes;
      if (!body_.read_into(bytes)) {
        read_failed_ = true;
        return;
      }
      forms::IntakeRequest request{form_, lang_, type_, bytes, idempotency_keys_, now_, signer_};
      intake_ = forms::take_in(request);
    } catch (...) {
      read_failed_ = true;
    }
  }

  ngx_int_t answer(ngx_http_request_t* r) noexcept override {
    try {
      if (read_failed_ || !intake_) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0, "civic: could not read the request body's temp file");
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
      }
      return respond(r, std::move(*intake_));
    } catch (const std::exception& e) {
      ngx_log_error(NGX_LOG_ERR, r->connection->log, 0, "civic: submission failed: %s", e.what());
    }
    return NGX_HTTP_INTERNAL_SERVER_ERROR;
  }

 private:
  RequestBody body_;
  const forms::Form& form_;
  std::string lang_;
  forms::ContentType type_;
  std::vector<std::string> idempotency_keys_;
  const forms::TokenSigner& signer_;
  std::int64_t now_;
  std::optional<forms::Intake> intake_;
  bool read_failed_ = false;
};

void body_read(ngx_http_request_t* r) noexcept {
  try {
    FormRequest* ctx = request_ctx<FormRequest>(r);
    const forms::TokenSigner* signer = token_signer(r->connection->log);
    if (ctx == nullptr || signer == nullptr) {
      ngx_http_finalize_request(r, NGX_HTTP_SERVICE_UNAVAILABLE);
      return;
    }
    forms::ContentType type =
        forms::parse_content_type(r->headers_in.content_type ? ngx::view(r->headers_in.content_type->value) : "");
    std::vector<std::string> keys;
    for (std::string_view k : request_headers(r, "Idempotency-Key")) keys.emplace_back(k);
    auto body = RequestBody::of(r);
    if (!body) {
      ngx_http_finalize_request(r, NGX_HTTP_BAD_REQUEST);
      return;
    }
    if (!body->in_memory()) {
      offload_after_body(r, std::make_unique<IntakeJob>(std::move(*body), *ctx, std::move(type), std::move(keys),
                                                        *signer, static_cast<std::int64_t>(ngx_time())));
      return;
    }
    std::string bytes;
    if (!body->read_into(bytes)) {
      ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
      return;
    }
    ngx_http_finalize_request(r, respond(r, take_in(r, *ctx, type, bytes, keys, *signer)));
  } catch (const std::exception& e) {
    ngx_log_error(NGX_LOG_ERR, r->connection->log, 0, "civic: submission failed: %s", e.what());
    ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
  }
}

bool prefers_json(ngx_http_request_t* r) {
  std::string_view accept = request_header(r, "Accept");
  return accept.find("application/json") != std::string_view::npos && accept.find("text/html") == std::string_view::npos;
}

ngx_int_t not_found(ngx_http_request_t* r) {
  if (ngx_http_discard_request_body(r) != NGX_OK) return NGX_HTTP_INTERNAL_SERVER_ERROR;
  std::string_view accept = request_header(r, "Accept");
  if (accept.find("text/html") == std::string_view::npos) return send_error(r, NGX_HTTP_NOT_FOUND, "no such form");
  static const std::string kLanguages[] = {"en", "fi", "sv", "da"};
  std::string lang = forms::choose_language(query_arg(r, "lang"), request_header(r, "Accept-Language"), kLanguages);
  auto fragment = forms::render_message(forms::builtin_text(Text::not_found_title, lang),
                                        forms::builtin_text(Text::not_found_text, lang));
  return send_html(r, NGX_HTTP_NOT_FOUND, lang,
                   forms::Layout::builtin().render(lang, forms::builtin_text(Text::not_found_title, lang), fragment));
}

ngx_int_t dispatch(ngx_http_request_t* r) {
  auto* lc = static_cast<LocConf*>(ngx_http_get_module_loc_conf(r, ngx_http_civic_module));
  // In a named location (error_page 413 @form_too_large), the request keeps
  // its URI: the form is its last part.
  std::string_view path = path_after_prefix(r, lc->prefix);
  if (lc->prefix.len > 0 && lc->prefix.data[0] == '@') path = path.substr(path.rfind('/') + 1);
  bool schema = path.ends_with(".json");
  std::string_view name = schema ? path.substr(0, path.size() - 5) : path;
  const forms::Form* form = form_registry(r).find(name);
  if (form == nullptr || name.find('/') != std::string_view::npos) return not_found(r);

  auto* ctx = make_request_ctx<FormRequest>(r);
  if (ctx == nullptr) return NGX_HTTP_INTERNAL_SERVER_ERROR;
  ctx->form = form;
  ctx->layout = lc->layout;
  std::string lang = forms::choose_language(query_arg(r, "lang"), request_header(r, "Accept-Language"), form->languages);
  std::string_view uri = ngx::view(r->uri);
  if (schema) uri.remove_suffix(5);
  if (!pool_copy(r->pool, lang, ctx->lang) || !pool_copy(r->pool, uri, ctx->url)) return NGX_HTTP_INTERNAL_SERVER_ERROR;

  if (!worker_store()) {
    if (ngx_http_discard_request_body(r) != NGX_OK) return NGX_HTTP_INTERNAL_SERVER_ERROR;
    return send_error(r, NGX_HTTP_SERVICE_UNAVAILABLE, "the store is not open; see the error log");
  }

  // nginx refused the body (client_max_body_size) and error_page sent the
  // request here: the form's own page, in the citizen's language, says so.
  if (r->err_status == NGX_HTTP_REQUEST_ENTITY_TOO_LARGE && !schema) {
    if (ngx_http_discard_request_body(r) != NGX_OK) return NGX_HTTP_INTERNAL_SERVER_ERROR;
    log_refusal(r, *ctx, "the body is larger than client_max_body_size");
    forms::ContentType type =
        forms::parse_content_type(r->headers_in.content_type ? ngx::view(r->headers_in.content_type->value) : "");
    if (type.kind == forms::BodyKind::json || prefers_json(r))
      return send_error(r, NGX_HTTP_REQUEST_ENTITY_TOO_LARGE,
                        "the submission is larger than this service takes; nothing was stored");
    return send_form_page(r, *ctx, NGX_HTTP_REQUEST_ENTITY_TOO_LARGE, nullptr, {},
                          forms::builtin_text(Text::too_large_text, lang));
  }

  if (schema) {
    if (!(r->method & (NGX_HTTP_GET | NGX_HTTP_HEAD))) {
      if (ngx_http_discard_request_body(r) != NGX_OK) return NGX_HTTP_INTERNAL_SERVER_ERROR;
      return send_method_not_allowed(r, "GET, HEAD");
    }
    if (ngx_http_discard_request_body(r) != NGX_OK) return NGX_HTTP_INTERNAL_SERVER_ERROR;
    const forms::TokenSigner* signer = token_signer(r->connection->log);
    if (signer == nullptr) return send_error(r, NGX_HTTP_SERVICE_UNAVAILABLE, "the store is not open; see the error log");
    std::string token = signer->issue(form->name, static_cast<std::int64_t>(ngx_time()));
    if (add_header(r, "Cache-Control", "no-store") != NGX_OK) return NGX_HTTP_INTERNAL_SERVER_ERROR;
    return send_json(r, NGX_HTTP_OK, forms::render_schema_json(*form, ngx::view(ctx->url), token));
  }

  if (r->method & (NGX_HTTP_GET | NGX_HTTP_HEAD)) {
    if (ngx_http_discard_request_body(r) != NGX_OK) return NGX_HTTP_INTERNAL_SERVER_ERROR;
    return send_form_page(r, *ctx, NGX_HTTP_OK, nullptr, {}, {});
  }
  if (!(r->method & NGX_HTTP_POST)) {
    if (ngx_http_discard_request_body(r) != NGX_OK) return NGX_HTTP_INTERNAL_SERVER_ERROR;
    return send_method_not_allowed(r, "GET, HEAD, POST");
  }

  forms::ContentType type =
      forms::parse_content_type(r->headers_in.content_type ? ngx::view(r->headers_in.content_type->value) : "");
  ctx->wants_json = type.kind == forms::BodyKind::json || prefers_json(r);
  std::string_view host = r->headers_in.host ? ngx::view(r->headers_in.host->value) : std::string_view();
  if (forms::is_cross_site(request_header(r, "Origin"), request_header(r, "Sec-Fetch-Site"), host)) {
    log_refusal(r, *ctx, "cross-site post (Origin \"" + std::string(request_header(r, "Origin")) + "\", Sec-Fetch-Site \"" +
                             std::string(request_header(r, "Sec-Fetch-Site")) + "\")");
    if (ngx_http_discard_request_body(r) != NGX_OK) return NGX_HTTP_INTERNAL_SERVER_ERROR;
    if (ctx->wants_json) return send_error(r, NGX_HTTP_FORBIDDEN, "cross-site form posts are refused");
    return send_message_page(r, *ctx, NGX_HTTP_FORBIDDEN, Text::refused_title, Text::cross_site_text);
  }
  if (type.kind == forms::BodyKind::unsupported || !type.charset_ok) {
    log_refusal(r, *ctx, "unsupported Content-Type");
    if (ngx_http_discard_request_body(r) != NGX_OK) return NGX_HTTP_INTERNAL_SERVER_ERROR;
    return send_error(r, NGX_HTTP_UNSUPPORTED_MEDIA_TYPE,
                      "send application/x-www-form-urlencoded, multipart/form-data or application/json in UTF-8",
                      "Content-Type");
  }
  return read_request_body(r, body_read);
}

ngx_int_t receipt_variable(ngx_http_request_t* r, ngx_http_variable_value_t* v, uintptr_t) noexcept {
  FormRequest* ctx = request_ctx<FormRequest>(r);
  if (ctx == nullptr || ctx->receipt.len == 0) {
    v->not_found = 1;
    return NGX_OK;
  }
  v->data = ctx->receipt.data;
  v->len = static_cast<unsigned>(ctx->receipt.len);
  v->valid = 1;
  v->no_cacheable = 0;
  v->not_found = 0;
  return NGX_OK;
}

}  // namespace

ngx_int_t forms_handler(ngx_http_request_t* r) noexcept {
  try {
    return dispatch(r);
  } catch (const std::exception& e) {
    ngx_log_error(NGX_LOG_ERR, r->connection->log, 0, "civic: forms request failed: %s", e.what());
  } catch (...) {
    ngx_log_error(NGX_LOG_ERR, r->connection->log, 0, "civic: forms request failed");
  }
  return NGX_HTTP_INTERNAL_SERVER_ERROR;
}

ngx_int_t add_form_variables(ngx_conf_t* cf) noexcept {
  static ngx_str_t name = ngx_string("civic_receipt");
  ngx_http_variable_t* var = ngx_http_add_variable(cf, &name, NGX_HTTP_VAR_NOCACHEABLE);
  if (var == nullptr) return NGX_ERROR;
  var->get_handler = receipt_variable;
  return NGX_OK;
}

}  // namespace civic::module
