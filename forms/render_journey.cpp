// The pages of a multi-step form besides its steps: check your answers,
// saved (the resume link), and a message with a way to start again.
#include <string>

#include "forms/render_page.hpp"
#include "forms/steps.hpp"
#include "forms/texts.hpp"

namespace civic::forms {

namespace {

std::string_view label_of(const Form& form, const Field& f, std::string_view lang) {
  std::string_view l = f.label.in(lang, form.languages);
  return l.empty() ? std::string_view(f.name) : l;
}

// An answer as the citizen chose it: option labels, Yes/No, file names.
std::string answer_text(const Form& form, const Field& f, const FormInput& answers, std::string_view lang) {
  std::string out;
  auto add = [&](std::string_view part) {
    if (part.empty()) return;
    out += out.empty() ? "" : ", ";
    out += part;
  };
  if (f.type == FieldType::file) {
    for (const UploadedFile* file : answers.files_of(f.name)) add(file->filename);
    return out;
  }
  if (f.is_flag()) {
    bool checked = false;
    for (std::string_view v : answers.values_of(f.name)) checked |= v == "yes" || v == "on" || v == "true" || v == "1";
    return std::string(builtin_text(checked ? Text::yes : Text::no, lang));
  }
  for (std::string_view v : answers.values_of(f.name)) {
    const Option* o = f.has_options() ? f.option(v) : nullptr;
    std::string_view shown = o ? o->label.in(lang, form.languages) : std::string_view();
    add(shown.empty() ? v : shown);
  }
  return out;
}

std::string page_url(std::string_view form_url, std::string_view lang) {
  return std::string(form_url) + "?lang=" + std::string(lang);
}

}  // namespace

HtmlFragment render_check_answers(const Form& form, const CheckPage& page) {
  std::string_view lang = page.lang;
  auto text = [lang](Text t) { return builtin_text(t, lang); };
  FormInput none;
  const FormInput& answers = page.answers ? *page.answers : none;
  Html h;
  h.open("div", {{"class", "civic-form civic-check-answers"}}).newline();
  std::string_view form_title = form.title.in(lang, form.languages);
  h.element("p", {{"class", "civic-caption"}}, form_title.empty() ? std::string_view(form.name) : form_title).newline();
  h.element("h1", {}, text(Text::check_title)).newline();
  for (const Step* step : page.steps) {
    std::string_view step_title = step->title.in(lang, form.languages);
    h.element("h2", {}, step_title.empty() ? std::string_view(step->name) : step_title).newline();
    h.open("dl", {{"class", "civic-summary"}}).newline();
    for (const std::string& name : step->fields) {
      const Field* f = form.field(name);
      if (f == nullptr || !field_visible(form, *f, answers)) continue;
      std::string label(label_of(form, *f, lang));
      std::string answer = answer_text(form, *f, answers, lang);
      std::string href = page_url(page.form_url, lang) + "&step=" + step->name + "&return=check#f-" + f->name;
      std::string change_name = std::string(text(Text::change_link)) + " " + label;
      h.open("div", {{"class", "civic-summary-row"}});
      h.element("dt", {}, label);
      if (answer.empty()) h.element("dd", {{"class", "civic-not-answered"}}, text(Text::not_answered));
      else h.element("dd", {{"class", "civic-answer"}}, answer);
      h.open("dd", {{"class", "civic-change"}})
          .element("a", {{"href", href}, {"aria-label", change_name}}, text(Text::change_link))
          .close();
      h.close().newline();
    }
    h.close().newline();  // dl
  }
  h.open("form", {{"method", "post"}, {"action", page_url(page.form_url, lang)}, {"accept-charset", "UTF-8"}}).newline();
  h.empty("input", {{"type", "hidden"}, {"name", "_token"}, {"value", page.token}}).newline();
  h.empty("input", {{"type", "hidden"}, {"name", "_step"}, {"value", "check"}}).newline();
  h.empty("input", {{"type", "hidden"}, {"name", "_draft"}, {"value", page.draft_ref}}).newline();
  h.element("button", {{"type", "submit"}, {"name", "_action"}, {"value", "submit"}, {"class", "civic-submit"}},
            text(Text::send))
      .newline();
  h.close().newline();  // form
  h.close().newline();  // div
  return h.take();
}

HtmlFragment render_saved(const Form& form, const SavedPage& page) {
  std::string_view lang = page.lang;
  auto text = [lang](Text t) { return builtin_text(t, lang); };
  Html h;
  h.open("div", {{"class", "civic-form civic-saved"}}).newline();
  h.element("h1", {}, text(Text::saved_title)).newline();
  if (!page.notice.empty())
    h.element("p", {{"class", page.notice_is_error ? "civic-notice civic-notice-error" : "civic-notice"},
                    {"role", page.notice_is_error ? "alert" : "status"}},
              page.notice)
        .newline();
  h.element("p", {}, fill(text(Text::saved_text), {{"date", page.until}})).newline();
  h.open("p", {{"class", "civic-resume-link"}}).element("a", {{"href", page.link}, {"id", "civic-resume-link"}}, page.link).close().newline();
  h.element("p", {}, text(Text::saved_warning)).newline();
  if (page.can_email) {
    h.open("form", {{"method", "post"}, {"action", page_url(page.form_url, lang)}, {"accept-charset", "UTF-8"}}).newline();
    h.empty("input", {{"type", "hidden"}, {"name", "_token"}, {"value", page.token}}).newline();
    h.empty("input", {{"type", "hidden"}, {"name", "_step"}, {"value", "saved"}}).newline();
    h.empty("input", {{"type", "hidden"}, {"name", "_draft"}, {"value", page.draft_ref}}).newline();
    h.open("div", {{"class", "civic-field"}}).newline();
    h.element("label", {{"for", "f-_email"}}, text(Text::email_link_label)).newline();
    h.empty("input", {{"type", "email"}, {"id", "f-_email"}, {"name", "_email"}, {"autocomplete", "email"},
                      {"maxlength", "254"}})
        .newline();
    h.close().newline();
    h.element("button", {{"type", "submit"}, {"name", "_action"}, {"value", "email_link"}, {"class", "civic-submit"}},
              text(Text::email_link_button))
        .newline();
    h.close().newline();  // form
  }
  h.close().newline();
  return h.take();
}

HtmlFragment render_message_with_link(std::string_view title, std::string_view text, std::string_view link_text,
                                      std::string_view href) {
  Html h;
  h.open("div", {{"class", "civic-form civic-message"}}).newline();
  h.element("h1", {}, title).newline();
  h.element("p", {}, text).newline();
  h.open("p").element("a", {{"href", href}}, link_text).close().newline();
  h.close().newline();
  return h.take();
}

}  // namespace civic::forms
