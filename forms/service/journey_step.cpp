// The posts of a multi-step form's pages (forms/service/journey.hpp): a
// step's answers into the draft, Back, Save, the resume link by e-mail, and
// the final Send to the group commit.
#include <algorithm>

#include "delivery/mail_message.hpp"
#include "delivery/smtp_sender.hpp"
#include "forms/decode.hpp"
#include "forms/record.hpp"
#include "forms/render_page.hpp"
#include "forms/service/journey.hpp"
#include "forms/service/journey_parts.hpp"
#include "forms/service/submission_record.hpp"
#include "forms/steps.hpp"
#include "storage/drafts.hpp"

namespace civic::forms {

namespace drafts = storage::drafts;
using namespace journey;

namespace {

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

// 303 to the page shown next; the cookie names the draft from now on, and
// the address does too while the browser has not shown it has the cookie.
PublicAnswer go_to(const FormVisit& visit, std::string_view place, std::string_view ref, bool has_cookie, bool secure) {
  std::string location = page_url(visit) + "&step=" + std::string(place);
  if (!has_cookie) location += "&draft=" + std::string(ref);
  Reply r = text_reply(303, "text/plain; charset=utf-8", "");
  r.header("Location", location);
  r.header("Set-Cookie", draft_cookie(ref, visit.url, secure));
  r.header("Cache-Control", "no-store");
  return {std::move(r), {}, {}, {}};
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
Result<storage::NewSubmission> submission_record_without_answers(const Form& form, std::string_view lang,
                                                                 std::string_view nonce, std::string_view draft_id,
                                                                 std::int64_t now) {
  Intake intake;
  intake.result = IntakeResult::accepted;
  intake.data_json = "{}";
  intake.replay_keys.push_back("T:" + std::string(nonce));
  intake.replay_expires = now + std::max(form.token_lifetime_seconds, kReplaySeconds);
  auto record = submission_record(form, lang, intake);
  if (record) record->draft_id = std::string(draft_id);
  return record;
}

// A sealed form whose record could not be sealed (libsodium failed): not
// stored, answered as a failed commit (the answers shown again).
JourneyOutcome sealing_failed(const FormVisit& visit, const Error& error, bool secure, std::int64_t now,
                              JourneyOutcome out) {
  CommitResult failed;
  failed.error = error.message();
  out.answer = journey_commit_answer(visit, failed, &out.answers, secure, now);
  return out;
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
  return {form_page(visit, now, status, &answers, errors, notice), {}, {}, {}};
}

}  // namespace

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

  std::optional<DraftRef> named;
  if (!ref.empty()) {
    named = signer.draft_id(ref, form.name);
    if (!named) {
      out.answer = refusal(form, "a forged draft reference", error_reply(400, "the draft reference is not valid", "_draft"));
      return out;
    }
  }
  if (!named && (on_check || on_saved)) {
    out.answer = draft_missing(visit, 410, true, secure);
    return out;
  }

  auto txn = storage::Txn::begin_write(store.env());
  if (!txn) {
    out.answer = {internal_error("saving a draft", txn.error().message()), {}, {}, {}};
    return out;
  }
  drafts::Draft draft;
  FormInput answers;
  DraftRef held;  // its key: from its reference, or new (wiped when it goes)
  if (named) {
    auto found = drafts::read(*txn, store.db(), form.name, named->id, now);
    if (!found) {
      out.answer = {internal_error("reading a draft", found.error().message()), {}, {}, {}};
      return out;
    }
    if (!found.value() && on_check) {
      // Send again after it was stored (a reload, a double click): to the
      // commit, which knows this page's token and answers with the receipt
      // it got; anything else finds the draft gone and stores nothing.
      auto record = submission_record_without_answers(form, visit.lang, verified.nonce, named->id, now);
      if (!record) return sealing_failed(visit, record.error(), secure, now, std::move(out));
      out.record = std::move(*record);
      return out;
    }
    if (!found.value()) {
      out.answer = draft_missing(visit, 410, true, secure);
      return out;
    }
    draft = std::move(*found.value());
    auto opened = open_answers(draft, named->key);
    if (!opened) {
      // Its answers are lost to whoever holds this reference: as if gone.
      out.answer = draft_missing(visit, 410, true, secure);
      out.answer.refused = unopened_draft(form, draft, opened.error());
      return out;
    }
    answers = std::move(*opened);
    held.key = std::move(named->key);
  } else {
    draft.form = form.name;
    draft.id = TokenSigner::new_draft_id();
    held.key = TokenSigner::new_draft_key();
    draft.created = now;
    if (draft.id.empty() || held.key.empty()) {
      out.answer = {internal_error("making a draft", "no random bytes"), {}, {}, {}};
      return out;
    }
    ref = signer.draft_ref(form.name, draft.id, held.key);
    visit.draft_ref = ref;
  }
  bool has_cookie = !submission.cookie_ref.empty() && submission.cookie_ref == ref;

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
    out.answer = {std::move(r), sent ? std::string() : "the resume link could not be e-mailed", {}, {}};
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
  if (auto sealed = seal_answers(draft, answers, held.key); !sealed) {
    out.answer = {internal_error("encrypting a draft", sealed.error().message()), {}, {}, {}};
    return out;
  }
  if (value_bytes(answers) > kMaxDraftValueBytes || draft.bytes > kMaxDraftBytes) {
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
  auto record = submission_record(form, visit.lang, intake);
  if (!record) {
    out.answers = std::move(answers);
    return sealing_failed(visit, record.error(), secure, now, std::move(out));
  }
  out.record = std::move(*record);
  out.record->draft_id = draft.id;
  out.answers = std::move(answers);
  return out;
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
