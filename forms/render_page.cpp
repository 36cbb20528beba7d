#include "forms/render_page.hpp"

#include "forms/file_type.hpp"

#include <algorithm>

#include "forms/texts.hpp"

namespace civic::forms {

namespace {

// "Name: Enter your name." A label that ends a sentence ("... hoitamiseksi.")
// loses its full stop or colon before the ": "; one that asks or exclaims is
// followed by the message after a space.
std::string summary_line(std::string_view label, std::string_view message) {
  while (!label.empty() && (label.back() == ' ' || label.back() == '.' || label.back() == ':')) label.remove_suffix(1);
  if (!label.empty() && (label.back() == '?' || label.back() == '!'))
    return std::string(label) + " " + std::string(message);
  return std::string(label) + ": " + std::string(message);
}


std::string id_of(const Field& f) { return "f-" + f.name; }

class FormWriter {
 public:
  FormWriter(const Form& form, const FormPage& page) : form_(form), page_(page) {}

  HtmlFragment write() {
    h_.open("div", {{"class", "civic-form"}}).newline();
    languages();
    h_.element("h1", {}, title()).newline();
    std::string_view description = form_.description.in(page_.lang, form_.languages);
    if (!description.empty() && (!page_.step || page_.step_number == 1))
      h_.element("p", {{"class", "civic-description"}}, description).newline();
    if (page_.step) step_heading();
    error_summary();

    std::string action = std::string(page_.form_url) + "?lang=" + std::string(page_.lang);
    h_.open("form", {{"method", "post"},
                     {"action", action},
                     {"accept-charset", "UTF-8"},
                     Attr{"enctype", "multipart/form-data", form_.has_files()},
                     flag("novalidate", true)})
        .newline();
    h_.empty("input", {{"type", "hidden"}, {"name", "_token"}, {"value", page_.token}}).newline();
    if (page_.step) {
      step_inputs();
      for (const std::string& name : page_.step->fields)
        if (const Field* f = form_.field(name)) field(*f);
      honeypot();
      step_buttons();
    } else {
      for (const Field& f : form_.fields) field(f);
      honeypot();
      h_.element("button", {{"type", "submit"}, {"class", "civic-submit"}}, text(Text::send)).newline();
    }
    h_.close().newline();  // form
    h_.close().newline();  // div
    return h_.take();
  }

 private:
  std::string_view text(Text t) const { return builtin_text(t, page_.lang); }

  // "Step 2 of 4" and the step's title.
  void step_heading() {
    std::string progress = fill(text(Text::step_progress), {{"n", std::to_string(page_.step_number)},
                                                             {"count", std::to_string(page_.step_count)}});
    h_.element("p", {{"class", "civic-progress"}}, progress).newline();
    std::string_view t = page_.step->title.in(page_.lang, form_.languages);
    if (!t.empty()) h_.element("h2", {{"class", "civic-step-title"}}, t).newline();
  }

  void hidden(std::string_view name, std::string_view value) {
    h_.empty("input", {{"type", "hidden"}, {"name", name}, {"value", value}}).newline();
  }

  void step_inputs() {
    hidden("_step", page_.step->name);
    if (!page_.draft_ref.empty()) hidden("_draft", page_.draft_ref);
    if (page_.return_to_check) hidden("_return", "check");
    for (const auto& [name, value] : page_.carried) hidden("_prefill." + name, value);
  }

  // Continue first, so that Enter in a field continues; Back and Save keep
  // what was typed without checking it (formnovalidate).
  void step_buttons() {
    h_.open("div", {{"class", "civic-buttons"}}).newline();
    Text go = page_.last_step && !form_.check_answers ? Text::send : Text::continue_button;
    h_.element("button", {{"type", "submit"}, {"name", "_action"}, {"value", "continue"}, {"class", "civic-submit"}},
               text(go))
        .newline();
    if (page_.step_number > 1)
      h_.element("button", {{"type", "submit"}, {"name", "_action"}, {"value", "back"}, {"class", "civic-back"},
                            flag("formnovalidate", true)},
                 text(Text::back_button))
          .newline();
    if (form_.save_and_return)
      h_.element("button", {{"type", "submit"}, {"name", "_action"}, {"value", "save"}, {"class", "civic-save"},
                            flag("formnovalidate", true)},
                 text(Text::save_later_button))
          .newline();
    h_.close().newline();
  }
  std::string_view title() const {
    std::string_view t = form_.title.in(page_.lang, form_.languages);
    return t.empty() ? std::string_view(form_.name) : t;
  }
  std::string_view label(const Field& f) const {
    std::string_view l = f.label.in(page_.lang, form_.languages);
    return l.empty() ? std::string_view(f.name) : l;
  }
  const FieldError* error(const Field& f) const {
    for (const FieldError& e : page_.errors)
      if (e.field == f.name) return &e;
    return nullptr;
  }

  // What to show in the field: what was sent, or the defaults on a fresh page.
  std::vector<std::string_view> values(const Field& f) const {
    if (page_.submitted) return page_.submitted->values_of(f.name);
    return {f.defaults.begin(), f.defaults.end()};
  }
  bool chosen(const Field& f, std::string_view value) const {
    auto v = values(f);
    return std::find(v.begin(), v.end(), value) != v.end();
  }

  void languages() {
    if (form_.languages.size() < 2) return;
    h_.open("nav", {{"class", "civic-languages"}, {"aria-label", text(Text::languages_nav)}}).open("ul");
    for (const std::string& lang : form_.languages) {
      h_.open("li");
      if (lang == page_.lang) {
        h_.element("span", {{"lang", lang}, {"aria-current", "page"}}, language_name(lang));
      } else {
        std::string href = std::string(page_.form_url) + "?lang=" + lang;
        h_.element("a", {{"href", href}, {"lang", lang}, {"hreflang", lang}}, language_name(lang));
      }
      h_.close();
    }
    h_.close().close().newline();
  }

  // The first focusable element of a field, which summary links point to.
  std::string anchor(const Field& f) const {
    if (f.type == FieldType::radios || f.type == FieldType::checkboxes) return id_of(f) + "-0";
    return id_of(f);
  }

  void error_summary() {
    if (page_.errors.empty() && page_.notice.empty()) return;
    h_.open("div", {{"class", "civic-error-summary"},
                    {"role", "alert"},
                    {"aria-labelledby", "civic-error-summary-title"},
                    {"tabindex", "-1"}})
        .newline();
    h_.element("h2", {{"id", "civic-error-summary-title"}}, text(Text::error_summary_title)).newline();
    if (!page_.notice.empty()) h_.element("p", {}, page_.notice).newline();
    if (!page_.errors.empty()) {
      h_.open("ul");
      for (const Field& f : form_.fields) {
        const FieldError* e = error(f);
        if (!e) continue;
        std::string href = "#" + anchor(f);
        std::string line = summary_line(label(f), e->message);
        h_.open("li").element("a", {{"href", href}}, line).close();
      }
      h_.close().newline();
    }
    h_.close().newline();
  }

  // The required marker, in text (not only by colour or an asterisk).
  void required_marker(const Field& f) {
    if (!f.required) return;
    h_.text(" ").element("span", {{"class", "civic-required"}}, text(Text::required_marker));
  }

  std::string help_text(const Field& f) const {
    std::string help(f.help.in(page_.lang, form_.languages));
    if (f.type == FieldType::file) {
      std::string limits = fill(text(Text::file_limits), {{"size", human_size(f.max_size)}});
      if (!f.accept.empty())
        limits += " " + fill(text(Text::file_types), {{"types", readable_types(f.accept, text(Text::any_image))}});
      help = help.empty() ? limits : help + " " + limits;
    }
    return help;
  }

  // Help and error under the label; returns the ids for aria-describedby.
  std::string described(const Field& f) {
    std::string ids;
    std::string help = help_text(f);
    if (!help.empty()) {
      std::string id = id_of(f) + "-help";
      h_.element("p", {{"id", id}, {"class", "civic-help"}}, help).newline();
      ids = id;
    }
    // A form sent back with errors cannot hold the files it came with (a
    // browser never fills a file input): say which to attach again.
    // A step keeps its files in the draft: say which are attached.
    if (f.type == FieldType::file && page_.step && page_.submitted) {
      std::string names;
      for (const UploadedFile* file : page_.submitted->files_of(f.name))
        names += (names.empty() ? "" : ", ") + file->filename;
      if (!names.empty()) {
        std::string id = id_of(f) + "-kept";
        std::string kept = fill(text(Text::kept_files), {{"files", names}}) + " " + std::string(text(Text::replace_files));
        h_.element("p", {{"id", id}, {"class", "civic-kept"}}, kept).newline();
        ids += (ids.empty() ? "" : " ") + id;
      }
    }
    if (f.type == FieldType::file && !page_.step && page_.submitted && !page_.errors.empty()) {
      std::string names;
      for (const UploadedFile* file : page_.submitted->files_of(f.name))
        names += (names.empty() ? "" : ", ") + file->filename;
      if (!names.empty()) {
        std::string id = id_of(f) + "-reattach";
        h_.element("p", {{"id", id}, {"class", "civic-reattach"}}, fill(text(Text::reattach_files), {{"files", names}}))
            .newline();
        ids += (ids.empty() ? "" : " ") + id;
      }
    }
    if (const FieldError* e = error(f)) {
      std::string id = id_of(f) + "-error";
      h_.open("p", {{"id", id}, {"class", "civic-error"}})
          .element("span", {{"class", "civic-error-prefix"}}, text(Text::error_prefix))
          .text(" ")
          .text(e->message)
          .close()
          .newline();
      ids += (ids.empty() ? "" : " ") + id;
    }
    return ids;
  }

  void wrapper(const Field& f) {
    std::string cls = error(f) ? "civic-field civic-field-error" : "civic-field";
    std::string show_if = f.show_if ? f.show_if->text() : "";
    std::string required_if = f.required_if ? f.required_if->text() : "";
    h_.open("div", {{"class", cls}, optional("data-show-if", show_if), optional("data-required-if", required_if)})
        .newline();
  }

  static std::string_view input_type(FieldType t) {
    switch (t) {
      case FieldType::email: return "email";
      case FieldType::tel: return "tel";
      case FieldType::url: return "url";
      case FieldType::date: return "date";
      default: return "text";
    }
  }
  static std::string_view autocomplete(FieldType t) {
    switch (t) {
      case FieldType::email: return "email";
      case FieldType::tel: return "tel";
      case FieldType::url: return "url";
      case FieldType::national_id: return "off";
      default: return "";
    }
  }

  void field(const Field& f) {
    if (f.type == FieldType::hidden) return hidden_input(f);
    wrapper(f);
    switch (f.type) {
      case FieldType::radios:
      case FieldType::checkboxes:
        choice_group(f);
        break;
      case FieldType::checkbox:
      case FieldType::consent:
        single_check(f);
        break;
      default:
        labelled_control(f);
        break;
    }
    h_.close().newline();  // wrapper
  }

  // Always the default, which is what is stored; never a value echoed back.
  void hidden_input(const Field& f) {
    std::string_view v = f.defaults.empty() ? std::string_view() : std::string_view(f.defaults.front());
    h_.empty("input", {{"type", "hidden"}, {"name", f.name}, {"value", v}}).newline();
  }

  // Radios or checkboxes: a fieldset whose legend is the label.
  void choice_group(const Field& f) {
    const std::string id = id_of(f);
    h_.open("fieldset", {optional("aria-describedby", pending_ids(f))});
    h_.open("legend").text(label(f));
    required_marker(f);
    h_.close().newline();
    described(f);
    bool radio = f.type == FieldType::radios;
    for (std::size_t i = 0; i < f.options.size(); ++i) {
      const Option& o = f.options[i];
      std::string oid = id + "-" + std::to_string(i);
      h_.open("div", {{"class", "civic-option"}});
      h_.empty("input", {{"type", radio ? "radio" : "checkbox"},
                         {"id", oid},
                         {"name", f.name},
                         {"value", o.value},
                         flag("checked", chosen(f, o.value)),
                         flag("required", radio && f.required),
                         Attr{"aria-invalid", "true", error(f) != nullptr}});
      h_.element("label", {{"for", oid}}, option_label(o));
      h_.close().newline();
    }
    h_.close().newline();  // fieldset
  }

  // A checkbox or a consent: the box first, its label after it.
  void single_check(const Field& f) {
    const std::string id = id_of(f);
    std::string ids = pending_ids(f);
    h_.open("div", {{"class", "civic-check"}});
    h_.empty("input", {{"type", "checkbox"},
                       {"id", id},
                       {"name", f.name},
                       {"value", "yes"},
                       flag("checked", chosen(f, "yes") || chosen(f, "on") || chosen(f, "true")),
                       flag("required", f.required),
                       Attr{"aria-invalid", "true", error(f) != nullptr},
                       optional("aria-describedby", ids)});
    h_.open("label", {{"for", id}}).text(label(f));
    required_marker(f);
    h_.close().close().newline();
    described(f);
  }

  // The label, help and error, then the control.
  void labelled_control(const Field& f) {
    h_.open("label", {{"for", id_of(f)}}).text(label(f));
    required_marker(f);
    h_.close().newline();
    std::string ids = described(f);
    if (f.type == FieldType::textarea) textarea(f, ids);
    else if (f.type == FieldType::select) select(f, ids);
    else if (f.type == FieldType::file) file_input(f, ids);
    else text_input(f, ids);
    h_.newline();
  }

  std::string_view first_value(const Field& f) const {
    auto v = values(f);
    return v.empty() ? std::string_view() : v.front();
  }

  void textarea(const Field& f, const std::string& ids) {
    h_.element("textarea", {{"id", id_of(f)},
                            {"name", f.name},
                            {"rows", "6"},
                            flag("required", f.required),
                            Attr{"aria-invalid", "true", error(f) != nullptr},
                            optional("aria-describedby", ids)},
               first_value(f));
  }

  void select(const Field& f, const std::string& ids) {
    h_.open("select", {{"id", id_of(f)},
                       {"name", f.name},
                       flag("multiple", f.multiple),
                       flag("required", f.required),
                       Attr{"aria-invalid", "true", error(f) != nullptr},
                       optional("aria-describedby", ids)});
    if (!f.multiple) h_.element("option", {{"value", ""}}, text(Text::choose));
    for (const Option& o : f.options)
      h_.element("option", {{"value", o.value}, flag("selected", chosen(f, o.value))}, option_label(o));
    h_.close();
  }

  void file_input(const Field& f, const std::string& ids) {
    std::string accept;
    for (const std::string& a : f.accept) accept += (accept.empty() ? "" : ",") + a;
    h_.empty("input", {{"type", "file"},
                       {"id", id_of(f)},
                       {"name", f.name},
                       flag("multiple", f.multiple),
                       optional("accept", accept),
                       flag("required", f.required),
                       Attr{"aria-invalid", "true", error(f) != nullptr},
                       optional("aria-describedby", ids)});
  }

  void text_input(const Field& f, const std::string& ids) {
    std::string maxlength = f.max_length && f.type != FieldType::date ? std::to_string(*f.max_length) : "";
    h_.empty("input", {{"type", input_type(f.type)},
                       {"id", id_of(f)},
                       {"name", f.name},
                       {"value", first_value(f)},
                       Attr{"inputmode", "decimal", f.type == FieldType::number},
                       optional("autocomplete", autocomplete(f.type)),
                       optional("maxlength", maxlength),
                       flag("required", f.required),
                       Attr{"aria-invalid", "true", error(f) != nullptr},
                       optional("aria-describedby", ids)});
  }

  // The ids described() will write, for elements that come before it.
  std::string pending_ids(const Field& f) const {
    std::string ids;
    if (!help_text(f).empty()) ids = id_of(f) + "-help";
    if (error(f)) ids += (ids.empty() ? "" : " ") + id_of(f) + "-error";
    return ids;
  }

  std::string_view option_label(const Option& o) const {
    std::string_view l = o.label.in(page_.lang, form_.languages);
    return l.empty() ? std::string_view(o.value) : l;
  }

  // A field people do not see and bots fill in. Hidden by an inline style
  // so that it stays hidden under any layout; aria-hidden and tabindex=-1
  // keep it from screen readers and keyboard users.
  void honeypot() {
    if (form_.honeypot.empty()) return;
    std::string id = "f-" + form_.honeypot;
    h_.open("div", {{"class", "civic-hp"},
                    {"aria-hidden", "true"},
                    {"style", "position:absolute;left:-10000px;top:auto;width:1px;height:1px;overflow:hidden"}});
    h_.element("label", {{"for", id}}, text(Text::honeypot_label));
    h_.empty("input", {{"type", "text"}, {"id", id}, {"name", form_.honeypot}, {"value", ""},
                       {"tabindex", "-1"}, {"autocomplete", "off"}});
    h_.close().newline();
  }

  const Form& form_;
  const FormPage& page_;
  Html h_;
};

}  // namespace

HtmlFragment render_form(const Form& form, const FormPage& page) { return FormWriter(form, page).write(); }

std::string form_page_title(const Form& form, const FormPage& page) {
  std::string_view t = form.title.in(page.lang, form.languages);
  std::string title = t.empty() ? form.name : std::string(t);
  if (page.step) {
    std::string_view step_title = page.step->title.in(page.lang, form.languages);
    if (!step_title.empty()) title = std::string(step_title) + " – " + title;
  }
  if (!page.errors.empty() || !page.notice.empty())
    title = std::string(builtin_text(Text::error_prefix, page.lang)) + " " + title;
  return title;
}

std::string confirmation_title(const Form& form, std::string_view lang) {
  return std::string(builtin_text(Text::thank_you_title, lang));
}

HtmlFragment render_confirmation(const Form& form, std::string_view lang, std::string_view receipt) {
  Html h;
  h.open("div", {{"class", "civic-form civic-confirmation"}}).newline();
  h.element("h1", {}, builtin_text(Text::thank_you_title, lang)).newline();
  std::string_view custom = form.confirm_message.in(lang, form.languages);
  std::string message = fill(custom.empty() ? builtin_text(Text::thank_you_text, lang) : custom, {{"receipt", receipt}});
  h.element("p", {}, message).newline();
  h.open("p", {{"class", "civic-receipt"}})
      .text(builtin_text(Text::receipt_label, lang))
      .text(": ")
      .element("strong", {{"id", "civic-receipt"}}, receipt)
      .close()
      .newline();
  h.close().newline();
  return h.take();
}

HtmlFragment render_message(std::string_view title, std::string_view text) {
  Html h;
  h.open("div", {{"class", "civic-form civic-message"}}).newline();
  h.element("h1", {}, title).newline();
  h.element("p", {}, text).newline();
  h.close().newline();
  return h.take();
}

}  // namespace civic::forms
