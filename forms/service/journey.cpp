#include "forms/service/journey.hpp"

#include <algorithm>

#include "common/url.hpp"
#include "delivery/mail_message.hpp"
#include "delivery/smtp_sender.hpp"
#include "forms/decode.hpp"
#include "forms/local_time.hpp"
#include "forms/record.hpp"
#include "forms/render_page.hpp"
#include "forms/service/submission_record.hpp"
#include "forms/steps.hpp"
#include "storage/drafts.hpp"

namespace civic::forms {

namespace {

namespace drafts = storage::drafts;

constexpr std::string_view kCheckPage = "check";
constexpr std::string_view kSavedPage = "saved";
constexpr std::string_view kPrefillPrefix = "_prefill.";
// A draft's note that a step was answered (its value: the step's name).
constexpr std::string_view kSeenMark = "_seen";
// A ?F= prefill value longer than this is not a value anyone types.
constexpr std::size_t kMaxPrefillBytes = 2000;
// Idempotency of the final Submit: as long as a form token may be replayed.
constexpr std::int64_t kReplaySeconds = 24 * 3600;

const Layout& layout_of(const FormVisit& visit) { return visit.layout ? *visit.layout : Layout::builtin(); }

Reply html_page(const FormVisit& visit, int status, std::string_view title, const HtmlFragment& fragment) {
  Reply r = text_reply(status, "text/html; charset=utf-8", layout_of(visit).render(visit.lang, title, fragment));
  r.header("Content-Language", visit.lang);
  r.header("Cache-Control", "no-store");
  return r;
}

std::string page_url(const FormVisit& visit) { return visit.url + "?lang=" + visit.lang; }

// "The saved answers have expired ...", with a link to the form's start.
PublicAnswer draft_missing(const FormVisit& visit, int status, bool clear_cookie, bool secure) {
  auto text = [&](Text t) { return builtin_text(t, visit.lang); };
  auto fragment = render_message_with_link(text(Text::draft_missing_title), text(Text::draft_missing_text),
                                           text(Text::start_again), page_url(visit));
  Reply r = html_page(visit, status, text(Text::draft_missing_title), fragment);
  if (clear_cookie) r.header("Set-Cookie", cleared_draft_cookie(visit.url, secure));
  return {std::move(r), {}, {}};
}

FormInput answers_of(const drafts::Draft& draft) {
  FormInput in;
  in.values = draft.values;
  for (const drafts::DraftFile& f : draft.files) in.files.push_back(UploadedFile{f.field, f.filename, f.media_type, f.content});
  return in;
}

void keep_answers(drafts::Draft& draft, const FormInput& answers) {
  draft.values = answers.values;
  draft.files.clear();
  for (const UploadedFile& f : answers.files)
    draft.files.push_back(drafts::DraftFile{f.field, f.filename, f.declared_type, f.content});
}

bool has_value(const FormInput& in, std::string_view name) {
  return std::any_of(in.values.begin(), in.values.end(), [&](const auto& v) { return v.first == name; });
}

bool step_seen(const FormInput& answers, const Step& step) {
  return std::any_of(answers.values.begin(), answers.values.end(),
                     [&](const auto& v) { return v.first == kSeenMark && v.second == step.name; });
}

// A step shown for the first time shows its fields' defaults (and what
// prefill gave).
void add_defaults(const Form& form, const Step& step, FormInput& answers) {
  if (step_seen(answers, step)) return;
  for (const std::string& name : step.fields) {
    const Field* f = form.field(name);
    if (f == nullptr || has_value(answers, name)) continue;
    for (const std::string& d : f->defaults) answers.values.emplace_back(name, d);
  }
}

// The step's answers as posted replace what the draft had for its fields
// (a checkbox left unticked is no longer ticked); a file field keeps its
// files unless new ones were chosen. Prefilled values carried from the
// first page fill fields of later steps that have no answer yet.
void merge_step(const Form& form, const Step& step, FormInput& posted, FormInput& answers) {
  // The step has been answered: from now on its fields show what is in the
  // draft, not their defaults (an unticked default checkbox stays unticked).
  if (!step_seen(answers, step)) answers.values.emplace_back(kSeenMark, step.name);
  for (const std::string& name : step.fields) {
    const Field* f = form.field(name);
    if (f == nullptr) continue;
    if (f->type == FieldType::file) {
      bool chosen = std::any_of(posted.files.begin(), posted.files.end(), [&](const UploadedFile& u) { return u.field == name; });
      if (!chosen) continue;
      std::erase_if(answers.files, [&](const UploadedFile& u) { return u.field == name; });
      for (UploadedFile& u : posted.files)
        if (u.field == name) answers.files.push_back(std::move(u));
      continue;
    }
    std::erase_if(answers.values, [&](const auto& v) { return v.first == name; });
    for (const auto& [k, v] : posted.values)
      if (k == name) answers.values.emplace_back(k, v);
  }
  for (const auto& [k, v] : posted.values) {
    if (!k.starts_with(kPrefillPrefix)) continue;
    std::string name = k.substr(kPrefillPrefix.size());
    const Step* home = form.step_of(name);
    bool listed = std::find(form.prefill.begin(), form.prefill.end(), name) != form.prefill.end();
    if (listed && home != &step && home != nullptr && !has_value(answers, name) && v.size() <= kMaxPrefillBytes)
      answers.values.emplace_back(name, v);
  }
}

std::size_t value_bytes(const FormInput& in) {
  std::size_t n = 0;
  for (const auto& [k, v] : in.values) n += k.size() + v.size();
  return n;
}

std::string until_text(const Form& form, std::int64_t expires) {
  std::string local = local_time_text(expires, form.timezone);
  return local.size() >= 10 ? local.substr(0, 10) : std::string();
}

std::string resume_link(std::string_view site, const FormVisit& visit, std::string_view ref) {
  return std::string(site) + page_url(visit) + "&draft=" + std::string(ref);
}

// 303 to the page shown next; the cookie names the draft from now on, and
// the address does too while the browser has not shown it has the cookie.
PublicAnswer go_to(const FormVisit& visit, std::string_view place, std::string_view ref, bool has_cookie, bool secure) {
  std::string location = page_url(visit) + "&step=" + std::string(place);
  if (!has_cookie) location += "&draft=" + std::string(ref);
  Reply r = text_reply(303, "text/plain; charset=utf-8", "");
  r.header("Location", location);
  r.header("Set-Cookie", draft_cookie(ref, visit.url, secure));
  r.header("Cache-Control", "no-store");
  return {std::move(r), {}, {}};
}

}  // namespace

// Prefill from the query string, for a first visit: each value as a
// citizen would have typed it, kept only if it passes the field's checks.
FormInput prefilled(const Form& form, std::string_view args, std::string_view lang) {
  FormInput in;
  for (const std::string& name : form.prefill) {
    std::string_view raw = query_value(args, name);
    std::string value;
    if (raw.empty() || raw.size() > 3 * kMaxPrefillBytes || !url::percent_decode(raw, value) ||
        value.size() > kMaxPrefillBytes)
      continue;
    FormInput one;
    one.values.emplace_back(name, value);
    Validated v = validate(form, one, lang);
    if (v.error_for(name) == nullptr) in.values.emplace_back(name, std::move(value));
  }
  return in;
}

namespace {

// Whether every step shown before `step` passes its checks: the pages
// cannot be skipped by editing the address.
bool reachable(const Form& form, const FormInput& answers, const Step& step, std::string_view lang) {
  for (const Step* s : visible_steps(form, answers)) {
    if (s == &step) return true;
    if (!validate_step(form, *s, answers, lang).ok()) return false;
  }
  return false;
}

const Step* first_shown(const Form& form, const FormInput& answers) {
  auto shown = visible_steps(form, answers);
  return shown.empty() ? &form.steps.front() : shown.front();
}

Reply check_page(const FormVisit& visit, const FormInput& answers, std::int64_t now) {
  const Form& form = *visit.form;
  std::string token = visit.signer->issue(form.name, now);
  auto steps = visible_steps(form, answers);
  CheckPage page{visit.lang, visit.url, token, visit.draft_ref, &answers, steps};
  std::string title = std::string(builtin_text(Text::check_title, visit.lang));
  return html_page(visit, 200, title, render_check_answers(form, page));
}

Reply saved_page(const FormVisit& visit, const drafts::Draft& draft, std::string_view site, bool can_email,
                 std::string_view notice, bool notice_is_error, std::int64_t now) {
  const Form& form = *visit.form;
  std::string token = visit.signer->issue(form.name, now);
  std::string link = resume_link(site, visit, visit.draft_ref);
  std::string until = until_text(form, draft.expires);
  SavedPage page{visit.lang, visit.url, link, until, token, visit.draft_ref, can_email, notice, notice_is_error};
  std::string title = std::string(builtin_text(Text::saved_title, visit.lang));
  return html_page(visit, 200, title, render_saved(form, page));
}

// The resume link to the address the citizen typed, through civic_smtp,
// now (the citizen waits for the answer; nothing is queued).
bool mail_resume_link(const delivery::SmtpConfig& smtp, const FormVisit& visit, const drafts::Draft& draft,
                      std::string_view site, std::string_view to, std::int64_t now) {
  const Form& form = *visit.form;
  std::string_view title = form.title.in(visit.lang, form.languages);
  std::string form_title = title.empty() ? form.name : std::string(title);
  std::string link = resume_link(site, visit, visit.draft_ref);
  delivery::MailContent mail;
  mail.from = smtp.from;
  mail.to = std::string(to);
  mail.subject = fill(builtin_text(Text::email_link_subject, visit.lang), {{"form", form_title}});
  mail.body_text = fill(builtin_text(Text::email_link_body, visit.lang),
                        {{"form", form_title}, {"link", link}, {"date", until_text(form, draft.expires)}});
  mail.message_id_domain = smtp.from.substr(smtp.from.find('@') + 1);
  mail.date = now;
  mail.language = visit.lang;
  auto message = delivery::build_message(mail);
  if (!message) return false;
  delivery::SmtpSender sender(smtp);
  delivery::OutgoingMail out{std::string(to), std::move(message.value()), 20000};
  auto results = sender.send_all(std::span<const delivery::OutgoingMail>(&out, 1));
  return !results.empty() && results.front().delivered;
}

// The record of a Send whose draft is gone: nothing to store, only the
// keys that recognize a repeat of a Send that was stored.
storage::NewSubmission submission_record_without_answers(const Form& form, std::string_view lang,
                                                         std::string_view nonce, std::string_view draft_id,
                                                         std::int64_t now) {
  Intake intake;
  intake.result = IntakeResult::accepted;
  intake.data_json = "{}";
  intake.replay_keys.push_back("T:" + std::string(nonce));
  intake.replay_expires = now + std::max(form.token_lifetime_seconds, kReplaySeconds);
  storage::NewSubmission record = submission_record(form, lang, intake);
  record.draft_id = std::string(draft_id);
  return record;
}

// An intake refused before the draft is touched (undecodable, honeypot,
// token): answered as a one-page form's would be, on the step posted.
PublicAnswer refused(const FormVisit& visit, IntakeResult result, TokenCheck token, FormInput input,
                     DecodeError error, std::int64_t now) {
  Intake intake;
  intake.result = result;
  intake.token = token;
  intake.input = std::move(input);
  intake.decode_error = std::move(error);
  return intake_answer(visit, intake, now);
}

PublicAnswer step_again(const FormVisit& visit, const FormInput& answers, const std::vector<FieldError>& errors,
                        std::int64_t now, int status = 422, std::string_view notice = {}) {
  return {form_page(visit, now, status, &answers, errors, notice), {}, {}};
}

}  // namespace

std::string draft_cookie(std::string_view ref, std::string_view path, bool secure) {
  std::string c = std::string(kDraftCookie) + "=" + std::string(ref) + "; Path=" + std::string(path) +
                  "; HttpOnly; SameSite=Lax";
  if (secure) c += "; Secure";
  return c;
}

std::string cleared_draft_cookie(std::string_view path, bool secure) {
  std::string c = std::string(kDraftCookie) + "=; Path=" + std::string(path) + "; Max-Age=0; HttpOnly; SameSite=Lax";
  if (secure) c += "; Secure";
  return c;
}

std::string_view cookie_value(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    std::size_t semi = header.find(';');
    std::string_view pair = header.substr(0, semi);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    if (pair.size() > name.size() && pair.substr(0, name.size()) == name && pair[name.size()] == '=')
      return pair.substr(name.size() + 1);
    if (semi == std::string_view::npos) break;
    header.remove_prefix(semi + 1);
  }
  return {};
}

PublicAnswer journey_page(const PublicSite& site, const PublicRequest& request, FormVisit visit) {
  const Form& form = *visit.form;
  if (visit.signer == nullptr || site.store == nullptr) return {store_not_open(), {}, {}};
  std::string_view place = query_value(request.args, "step");
  std::string_view linked = query_value(request.args, "draft");
  std::string_view cookie = cookie_value(request.cookie, kDraftCookie);
  std::string_view ref = linked.empty() ? cookie : linked;

  std::optional<drafts::Draft> draft;
  if (!ref.empty()) {
    if (auto id = visit.signer->draft_id(ref, form.name)) {
      auto txn = storage::Txn::begin_read(site.store->env());
      if (!txn) return {internal_error("reading a draft", txn.error().message()), {}, {}};
      auto found = drafts::read(*txn, site.store->db(), form.name, *id, site.now);
      if (!found) return {internal_error("reading a draft", found.error().message()), {}, {}};
      draft = std::move(found.value());
    }
    // A resume link that leads nowhere says so; a stale cookie is dropped.
    if (!draft && !linked.empty()) return draft_missing(visit, 404, true, request.https);
  }

  Reply reply;
  if (!draft) {
    FormInput start = prefilled(form, request.args, visit.lang);
    const Step* first = first_shown(form, start);
    FormInput here;
    for (auto& [name, value] : start.values) {
      if (form.step_of(name) == first) here.values.emplace_back(name, value);
      else visit.carried.emplace_back(name, value);
    }
    visit.step = first;
    add_defaults(form, *first, here);
    reply = form_page(visit, site.now, 200, &here);
    if (!cookie.empty()) reply.header("Set-Cookie", cleared_draft_cookie(visit.url, request.https));
    return {std::move(reply), {}, {}};
  }

  visit.draft_ref = std::string(ref);
  FormInput answers = answers_of(*draft);
  std::string_view where = place.empty() ? std::string_view(draft->step) : place;
  if (where == kSavedPage && form.save_and_return) {
    reply = saved_page(visit, *draft, request.site, site.smtp != nullptr, {}, false, site.now);
  } else {
    const Step* step = form.step(where);
    const Step* blocked = first_step_with_errors(form, answers, visit.lang);
    if (where == kCheckPage && form.check_answers && blocked == nullptr) {
      reply = check_page(visit, answers, site.now);
    } else {
      if (step == nullptr || !step_visible(form, *step, answers) || !reachable(form, answers, *step, visit.lang))
        step = blocked ? blocked : first_shown(form, answers);
      visit.step = step;
      visit.return_to_check = form.check_answers && query_value(request.args, "return") == "check";
      add_defaults(form, *step, answers);
      reply = form_page(visit, site.now, 200, &answers);
    }
  }
  if (cookie != ref) reply.header("Set-Cookie", draft_cookie(ref, visit.url, request.https));
  return {std::move(reply), {}, {}};
}

JourneyOutcome take_journey_step(const Submission& submission, std::string_view body, storage::Store& store,
                                 std::int64_t now) {
  JourneyOutcome out;
  FormVisit visit = submission.visit;
  const Form& form = *visit.form;
  const TokenSigner& signer = *visit.signer;
  bool secure = submission.https;

  DecodeResult decoded = decode_body(submission.content_type, body);
  if (auto* error = std::get_if<DecodeError>(&decoded)) {
    out.answer = refused(visit, IntakeResult::undecodable, TokenCheck::missing, {}, std::move(*error), now);
    return out;
  }
  FormInput posted = std::move(std::get<FormInput>(decoded));
  const std::string* step_name = posted.first("_step");
  const std::string* action_field = posted.first("_action");
  std::string action = action_field ? *action_field : "continue";
  const std::string* ref_field = posted.first("_draft");
  std::string ref = ref_field ? *ref_field : std::string();
  const Step* step = step_name ? form.step(*step_name) : nullptr;
  bool on_check = step_name && *step_name == kCheckPage;
  bool on_saved = step_name && *step_name == kSavedPage;
  if (step == nullptr && !on_check && !on_saved) {
    out.answer = refusal(form, "a step post without a known _step", error_reply(400, "unknown step", "_step"));
    return out;
  }
  visit.step = step;
  visit.draft_ref = ref;
  visit.return_to_check = form.check_answers && posted.first("_return") && *posted.first("_return") == "check";

  if (!form.honeypot.empty()) {
    for (std::string_view v : posted.values_of(form.honeypot))
      if (!v.empty()) {
        out.answer = refused(visit, IntakeResult::honeypot, TokenCheck::ok, {}, {}, now);
        return out;
      }
  }
  // The minimum fill time guards what moves a form on; Back and Save only keep.
  bool onward = action == "continue" || action == "submit";
  const std::string* token = posted.first(kTokenField);
  VerifiedToken verified = signer.verify(token ? std::string_view(*token) : std::string_view(), form.name, now,
                                         onward ? form.min_fill_seconds : 0, form.token_lifetime_seconds);
  if (verified.result != TokenCheck::ok) {
    out.answer = refused(visit, IntakeResult::token_refused, verified.result, std::move(posted), {}, now);
    return out;
  }

  std::optional<std::string> id;
  if (!ref.empty()) {
    id = signer.draft_id(ref, form.name);
    if (!id) {
      out.answer = refusal(form, "a forged draft reference", error_reply(400, "the draft reference is not valid", "_draft"));
      return out;
    }
  }
  if (!id && (on_check || on_saved)) {
    out.answer = draft_missing(visit, 410, true, secure);
    return out;
  }

  auto txn = storage::Txn::begin_write(store.env());
  if (!txn) {
    out.answer = {internal_error("saving a draft", txn.error().message()), {}, {}};
    return out;
  }
  drafts::Draft draft;
  if (id) {
    auto found = drafts::read(*txn, store.db(), form.name, *id, now);
    if (!found) {
      out.answer = {internal_error("reading a draft", found.error().message()), {}, {}};
      return out;
    }
    if (!found.value() && on_check) {
      // Send again after it was stored (a reload, a double click): to the
      // commit, which knows this page's token and answers with the receipt
      // it got; anything else finds the draft gone and stores nothing.
      out.record = submission_record_without_answers(form, visit.lang, verified.nonce, *id, now);
      return out;
    }
    if (!found.value()) {
      out.answer = draft_missing(visit, 410, true, secure);
      return out;
    }
    draft = std::move(*found.value());
  } else {
    draft.form = form.name;
    draft.id = TokenSigner::new_draft_id();
    draft.created = now;
    if (draft.id.empty()) {
      out.answer = {internal_error("making a draft", "no random bytes"), {}, {}};
      return out;
    }
    ref = signer.draft_ref(form.name, draft.id);
    visit.draft_ref = ref;
  }
  bool has_cookie = !submission.cookie_ref.empty() && submission.cookie_ref == ref;
  FormInput answers = answers_of(draft);

  if (on_saved) {
    // "Send the link": only from the saved page, only with civic_smtp.
    const std::string* to = posted.first("_email");
    bool sent = false;
    std::string address = to ? std::string(*to) : std::string();
    if (submission.smtp && action == "email_link" && delivery::valid_mail_address(address))
      sent = mail_resume_link(*submission.smtp, visit, draft, submission.site, address, now);
    std::string notice = sent ? fill(builtin_text(Text::email_link_sent, visit.lang), {{"address", address}})
                              : std::string(builtin_text(Text::email_link_failed, visit.lang));
    Reply r = saved_page(visit, draft, submission.site, submission.smtp != nullptr, notice, !sent, now);
    out.answer = {std::move(r), sent ? std::string() : "the resume link could not be e-mailed", {}};
    return out;
  }

  if (step) merge_step(form, *step, posted, answers);
  draft.language = visit.lang;
  draft.updated = now;
  draft.expires = now + form.draft_ttl_seconds;

  // Where the citizen goes next, and whether the form is sent now.
  std::string place;
  bool submit = false;
  std::optional<PublicAnswer> again;  // the step again, with its errors (the answers kept)
  if (on_check) {
    submit = true;
  } else if (action == "back") {
    const Step* prev = previous_step(form, answers, *step);
    place = (prev ? prev : step)->name;
  } else if (action == "save" && form.save_and_return) {
    place = kSavedPage;
  } else if (action == "continue") {
    Validated checked = validate_step(form, *step, answers, visit.lang);
    if (!checked.ok()) {
      place = step->name;
      again = step_again(visit, answers, checked.errors, now);
    } else if (visit.return_to_check) {
      const Step* blocked = first_step_with_errors(form, answers, visit.lang);
      place = blocked ? blocked->name : std::string(kCheckPage);
    } else if (const Step* next = next_step(form, answers, *step)) {
      place = next->name;
    } else if (form.check_answers) {
      place = kCheckPage;
    } else {
      submit = true;
    }
  } else {
    out.answer = refusal(form, "a step post with an unknown _action", error_reply(400, "unknown action", "_action"));
    return out;
  }
  if (submit) {
    if (const Step* blocked = first_step_with_errors(form, answers, visit.lang)) {
      visit.step = blocked;
      place = blocked->name;
      again = step_again(visit, answers, validate_step(form, *blocked, answers, visit.lang).errors, now);
      submit = false;
    }
  }
  // Where a resume link opens: the page shown next (the step saved from).
  if (!place.empty()) draft.step = place == kSavedPage ? step->name : place;

  // Bounds, then the draft, before anything is sent on.
  keep_answers(draft, answers);
  if (value_bytes(answers) > kMaxDraftValueBytes || draft.size() > kMaxDraftBytes) {
    out.answer = step_again(visit, answers, {}, now, 413, builtin_text(Text::draft_too_large_text, visit.lang));
    out.answer.refused = "the draft would be larger than a draft may be";
    return out;
  }
  auto put = drafts::put(*txn, store.db(), draft, form.max_drafts);
  if (!put || *put == drafts::PutOutcome::too_many || !txn->commit()) {
    bool full = !put && put.error().map_full();
    Text notice = put && *put == drafts::PutOutcome::too_many ? Text::too_many_drafts_text
                  : full                                      ? Text::store_full_text
                                                              : Text::server_error_text;
    out.answer = step_again(visit, answers, {}, now, 503, builtin_text(notice, visit.lang));
    out.answer.refused = put ? "the form has max_drafts drafts already, or the commit failed"
                             : "the draft could not be saved: " + put.error().message();
    return out;
  }
  if (again) {
    out.answer = std::move(*again);
    if (!has_cookie) out.answer.reply.header("Set-Cookie", draft_cookie(ref, visit.url, secure));
    return out;
  }

  if (!submit) {
    out.answer = go_to(visit, place, ref, has_cookie, secure);
    return out;
  }
  Intake intake;
  intake.input = answers;
  intake.validated = validate(form, intake.input, visit.lang);
  intake.data_json = encode_submission_data(form, intake.validated);
  intake.replay_keys.push_back("T:" + verified.nonce);
  intake.replay_expires = now + std::max(form.token_lifetime_seconds, kReplaySeconds);
  intake.result = IntakeResult::accepted;
  out.record = submission_record(form, visit.lang, intake);
  out.record->draft_id = draft.id;
  out.answers = std::move(answers);
  return out;
}

FormInput first_visit_answers(const Form& form, std::string_view args, std::string_view lang) {
  FormInput in = prefilled(form, args, lang);
  for (const Field& f : form.fields)
    if (!has_value(in, f.name))
      for (const std::string& d : f.defaults) in.values.emplace_back(f.name, d);
  return in;
}

PublicAnswer journey_commit_answer(const FormVisit& visit, const CommitResult& result, const FormInput* answers,
                                   bool secure, std::int64_t now) {
  // Sent already (another tab, an old page) or expired meanwhile: nothing
  // was stored, and the citizen is told so, with a way to start again.
  if (result.kind == CommitResult::Kind::draft_gone) {
    PublicAnswer gone = draft_missing(visit, 410, true, secure);
    gone.refused = "the draft was sent already, expired or erased; nothing stored";
    return gone;
  }
  PublicAnswer answer = commit_answer(visit, result, answers, now);
  if (result.kind == CommitResult::Kind::stored || result.kind == CommitResult::Kind::replayed)
    answer.reply.header("Set-Cookie", cleared_draft_cookie(visit.url, secure));
  return answer;
}

}  // namespace civic::forms
