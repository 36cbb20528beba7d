#include "forms/service/public_answers.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "forms/render_page.hpp"
#include "forms/steps.hpp"

namespace civic::forms {

namespace {

// A page for one citizen: never kept by a cache.
Reply html_reply(int status, std::string_view lang, std::string html) {
  Reply r = text_reply(status, "text/html; charset=utf-8", std::move(html));
  r.header("Content-Language", std::string(lang));
  r.header("Cache-Control", "no-store");
  return r;
}

const Layout& layout_of(const FormVisit& visit) { return visit.layout ? *visit.layout : Layout::builtin(); }

// The form again with what the citizen sent and a notice at the top: their
// answers are not lost when the server could not store them.
Reply form_again(const FormVisit& visit, std::int64_t now, int status, const FormInput* submitted, Text notice) {
  return form_page(visit, now, status, submitted, {}, builtin_text(notice, visit.lang));
}

std::string receipt_json(std::string_view receipt) {
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> w(out);
  w.StartObject();
  w.Key("receipt");
  w.String(receipt.data(), static_cast<rapidjson::SizeType>(receipt.size()));
  w.EndObject();
  return std::string(out.GetString(), out.GetSize());
}

// confirm redirect=URL: URL with ?receipt= (or &receipt=) before its fragment.
std::string redirect_url(std::string_view confirm_url, std::string_view receipt) {
  std::size_t hash = confirm_url.find('#');
  std::string_view fragment = hash == std::string_view::npos ? "" : confirm_url.substr(hash);
  std::string url(confirm_url.substr(0, hash));
  url += url.find('?') == std::string::npos ? "?receipt=" : "&receipt=";
  url += receipt;
  url += fragment;
  return url;
}

Reply stored(const FormVisit& visit, std::string_view receipt) {
  if (visit.wants_json) return json_reply(201, receipt_json(receipt));
  const Form& form = *visit.form;
  if (form.confirm == ConfirmKind::redirect) {
    Reply r = text_reply(303, "text/plain; charset=utf-8", "");
    r.header("Location", redirect_url(form.confirm_url, receipt));
    return r;
  }
  auto fragment = render_confirmation(form, visit.lang, receipt);
  return html_reply(201, visit.lang, layout_of(visit).render(visit.lang, confirmation_title(form, visit.lang), fragment));
}

}  // namespace

Reply form_page(const FormVisit& visit, std::int64_t now, int status, const FormInput* submitted,
                std::span<const FieldError> errors, std::string_view notice) {
  if (visit.signer == nullptr) return store_not_open();
  std::string token = visit.signer->issue(visit.form->name, now);
  FormPage page;
  page.lang = visit.lang;
  page.form_url = visit.url;
  page.token = token;
  page.submitted = submitted;
  page.errors = errors;
  page.notice = notice;
  const Form& form = *visit.form;
  if (form.multi_step()) {
    FormInput none;
    const FormInput& answers = submitted ? *submitted : none;
    const Step* step = visit.step;
    if (step == nullptr) {
      auto shown = visible_steps(form, answers);
      step = shown.empty() ? &form.steps.front() : shown.front();
    }
    StepProgress progress = step_progress(form, answers, *step);
    page.step = step;
    page.step_number = progress.number;
    page.step_count = progress.count;
    page.last_step = next_step(form, answers, *step) == nullptr;
    page.draft_ref = visit.draft_ref;
    page.return_to_check = visit.return_to_check;
    page.carried = visit.carried;
  }
  auto fragment = render_form(*visit.form, page);
  std::string html = layout_of(visit).render(page.lang, form_page_title(*visit.form, page), fragment);
  Reply r = html_reply(status, visit.lang, std::move(html));
  r.headers.insert(r.headers.begin(), {"Vary", "Accept-Language"});  // the language is chosen from it
  return r;
}

Reply message_page(const FormVisit& visit, int status, Text title, Text text) {
  std::string_view t = builtin_text(title, visit.lang);
  auto fragment = render_message(t, builtin_text(text, visit.lang));
  return html_reply(status, visit.lang, layout_of(visit).render(visit.lang, t, fragment));
}

Counted counted_as(const PublicAnswer& answer, bool sent_to_commit) {
  if (!answer.receipt.empty()) return Counted::accepted;
  if (!answer.refused.empty() || (sent_to_commit && answer.reply.status >= 500)) return Counted::refused;
  return Counted::neither;
}

PublicAnswer refusal(const Form& form, std::string_view reason, Reply reply) {
  PublicAnswer a;
  a.reply = std::move(reply);
  a.refused = "form \"" + form.name + "\": submission refused: " + std::string(reason);
  a.form = form.name;
  return a;
}

PublicAnswer intake_answer(const FormVisit& visit, const Intake& intake, std::int64_t now) {
  const Form& form = *visit.form;
  std::string reason = intake.refusal_reason();
  switch (intake.result) {
    case IntakeResult::accepted:
      break;
    case IntakeResult::invalid:
      if (visit.wants_json) return refusal(form, reason, json_reply(kUnprocessableContent, render_errors_json(intake.validated.errors)));
      return refusal(form, reason, form_page(visit, now, kUnprocessableContent, &intake.input, intake.validated.errors));
    case IntakeResult::undecodable:
      if (visit.wants_json)
        return refusal(form, reason, error_reply(400, intake.decode_error.message, intake.decode_error.field));
      return refusal(form, reason, message_page(visit, 400, Text::refused_title, Text::refused_text));
    case IntakeResult::token_refused: {
      if (visit.wants_json)
        return refusal(form, reason,
                       error_reply(400, std::string(describe(intake.token)) + "; fetch the form again", kTokenField));
      Text notice = intake.token == TokenCheck::expired    ? Text::token_expired
                    : intake.token == TokenCheck::too_fast ? Text::token_too_fast
                                                           : Text::token_missing;
      return refusal(form, reason,
                     form_page(visit, now, kUnprocessableContent, &intake.input, {}, builtin_text(notice, visit.lang)));
    }
    case IntakeResult::honeypot:
      if (visit.wants_json) return refusal(form, reason, error_reply(400, "the submission was refused"));
      return refusal(form, reason, message_page(visit, 400, Text::refused_title, Text::refused_text));
    case IntakeResult::json_refused:
      return refusal(form, reason,
                     error_reply(415, "this form takes no JSON submissions: post it from its page", "Content-Type"));
  }
  return {internal_error("form \"" + form.name + "\"", "an accepted submission was answered as a refusal"), {}, {}, {}};
}

PublicAnswer commit_answer(const FormVisit& visit, const CommitResult& result, const FormInput* submitted,
                           std::int64_t now) {
  const Form& form = *visit.form;
  using Kind = CommitResult::Kind;
  switch (result.kind) {
    case Kind::over_limit: {
      Reply r = visit.wants_json
                    ? error_reply(429, "the form has taken its " + std::to_string(form.max_submissions_per_day) +
                                           " submissions for today; nothing was stored; send it again tomorrow")
                    : form_again(visit, now, 429, submitted, Text::daily_limit_text);
      r.headers.insert(r.headers.begin(), {"Retry-After", std::to_string(storage::seconds_left_in_day(now))});
      return refusal(form, "max_submissions_per_day reached", std::move(r));
    }
    case Kind::draft_gone: {
      // Sent from another tab, expired or erased: nothing to finish.
      Reply r = visit.wants_json ? error_reply(409, "this application was sent already or has expired; nothing was stored")
                                 : form_again(visit, now, 409, submitted, Text::draft_gone_text);
      return refusal(form, "its draft was sent already, expired or erased", std::move(r));
    }
    case Kind::store_full:
    case Kind::failed: {
      bool full = result.kind == Kind::store_full;
      int status = full ? 507 : 500;
      PublicAnswer a;
      a.reply = visit.wants_json
                    ? error_reply(status, full ? "the store is full; nothing was stored" : "the submission could not be stored")
                    : form_again(visit, now, status, submitted, full ? Text::store_full_text : Text::server_error_text);
      a.reply.log = "form \"" + form.name + "\": submission not stored: " + result.error;
      a.reply.store_full = full;
      return a;
    }
    case Kind::stored:
    case Kind::replayed:
      break;
  }
  PublicAnswer a;
  a.reply = stored(visit, result.receipt);
  // A repeat (Idempotency-Key, the same form token) gets the first receipt.
  if (result.kind == Kind::replayed) a.reply.headers.insert(a.reply.headers.begin(), {"Idempotent-Replayed", "true"});
  a.receipt = result.receipt;
  return a;
}

}  // namespace civic::forms
