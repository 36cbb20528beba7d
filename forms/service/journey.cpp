#include "forms/service/journey.hpp"

#include <algorithm>

#include "common/url.hpp"
#include "forms/local_time.hpp"
#include "forms/render_page.hpp"
#include "forms/service/journey_parts.hpp"
#include "forms/steps.hpp"
#include "sealing/draft_box.hpp"
#include "storage/drafts.hpp"

namespace civic::forms {

namespace drafts = storage::drafts;

namespace journey {

namespace {

const Layout& layout_of(const FormVisit& visit) { return visit.layout ? *visit.layout : Layout::builtin(); }

}  // namespace

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
  return {std::move(r), {}, {}, {}};
}

Result<FormInput> open_answers(const drafts::Draft& draft, std::string_view key) {
  auto opened = sealing::open_draft(draft.box, key);
  if (!opened) return opened.error();
  // Moved out: what is left behind is wiped with `opened`.
  FormInput in;
  in.values = std::move(opened->values);
  for (sealing::DraftFile& f : opened->files)
    in.files.push_back(UploadedFile{std::move(f.field), std::move(f.filename), std::move(f.media_type),
                                    std::move(f.content)});
  return in;
}

Status seal_answers(drafts::Draft& draft, const FormInput& answers, std::string_view key) {
  sealing::DraftAnswers plain;  // wiped when it goes
  plain.values = answers.values;
  for (const UploadedFile& f : answers.files)
    plain.files.push_back(sealing::DraftFile{f.field, f.filename, f.declared_type, f.content});
  auto box = sealing::seal_draft(plain, key);
  if (!box) return box.error();
  draft.box = std::move(*box);
  draft.values = plain.values.size();
  draft.files = plain.files.size();
  draft.bytes = plain.size();
  return {};
}

std::string unopened_draft(const Form& form, const drafts::Draft& draft, const Error& why) {
  return "form \"" + form.name + "\": draft " + drafts::id_hex(draft.id) +
         " does not open with the key of the reference that named it (" + why.message() + "); taken as gone";
}

bool has_value(const FormInput& in, std::string_view name) {
  return std::any_of(in.values.begin(), in.values.end(), [&](const auto& v) { return v.first == name; });
}

bool step_seen(const FormInput& answers, const Step& step) {
  return std::any_of(answers.values.begin(), answers.values.end(),
                     [&](const auto& v) { return v.first == kSeenMark && v.second == step.name; });
}

std::string until_text(const Form& form, std::int64_t expires) {
  std::string local = local_time_text(expires, form.timezone);
  return local.size() >= 10 ? local.substr(0, 10) : std::string();
}

std::string resume_link(std::string_view site, const FormVisit& visit, std::string_view ref) {
  return std::string(site) + page_url(visit) + "&draft=" + std::string(ref);
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

}  // namespace journey

using namespace journey;

namespace {

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

FormInput first_visit_answers(const Form& form, std::string_view args, std::string_view lang) {
  FormInput in = prefilled(form, args, lang);
  for (const Field& f : form.fields)
    if (!has_value(in, f.name))
      for (const std::string& d : f.defaults) in.values.emplace_back(f.name, d);
  return in;
}

PublicAnswer journey_page(const PublicSite& site, const PublicRequest& request, FormVisit visit) {
  const Form& form = *visit.form;
  if (visit.signer == nullptr || site.store == nullptr) return {store_not_open(), {}, {}, {}};
  std::string_view place = query_value(request.args, "step");
  std::string_view linked = query_value(request.args, "draft");
  std::string_view cookie = cookie_value(request.cookie, kDraftCookie);
  std::string_view ref = linked.empty() ? cookie : linked;

  std::optional<drafts::Draft> draft;
  FormInput answers;
  std::string unopened;  // why a draft its reference named did not open, for the log
  if (!ref.empty()) {
    if (auto named = visit.signer->draft_id(ref, form.name)) {
      auto txn = storage::Txn::begin_read(site.store->env());
      if (!txn) return {internal_error("reading a draft", txn.error().message()), {}, {}, {}};
      auto found = drafts::read(*txn, site.store->db(), form.name, named->id, site.now);
      if (!found) return {internal_error("reading a draft", found.error().message()), {}, {}, {}};
      draft = std::move(found.value());
      if (draft) {
        auto opened = open_answers(*draft, named->key);
        if (opened) {
          answers = std::move(*opened);
        } else {
          unopened = unopened_draft(form, *draft, opened.error());
          draft.reset();
        }
      }
    }
    // A resume link that leads nowhere says so; a stale cookie is dropped.
    if (!draft && !linked.empty()) {
      PublicAnswer gone = draft_missing(visit, 404, true, request.https);
      gone.refused = std::move(unopened);
      return gone;
    }
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
    return {std::move(reply), std::move(unopened), {}, {}};
  }

  visit.draft_ref = std::string(ref);
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
  return {std::move(reply), {}, {}, {}};
}

}  // namespace civic::forms
