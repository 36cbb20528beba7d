// <CivicCalendar NAME> and <CivicForm NAME> (with <CivicField NAME TYPE> and
// <CivicStep NAME> inside): httpd hands over the section with its lines;
// they are given, word by word, to the same
// definition parsers nginx's civic_calendar and civic_form blocks use
// (calendar::CalendarConfigBuilder, forms::FormBuilder). So the settings,
// their checks and their error messages are the same in both servers.
#include "apache/httpd.hpp"

#include <cstring>
#include <deque>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "apache/conf.hpp"
#include "apache/conf_words.hpp"
#include "calendar/formats/html_text.hpp"
#include "calendar/model/calendar_config.hpp"
#include "calendar/model/calendars.hpp"
#include "calendar/model/timezone.hpp"
#include "forms/delivery.hpp"
#include "forms/form_builder.hpp"
#include "forms/forms.hpp"
#include "forms/seal_setting.hpp"

namespace civic::apache {

namespace {

bool equal_ci(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

// The name in "<CivicCalendar culture>": the words before ">".
std::vector<std::string_view> section_words(cmd_parms* cmd, const char* args) {
  std::string text(args);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.pop_back();
  if (!text.empty() && text.back() == '>') text.pop_back();
  return conf_words(cmd->temp_pool, text.c_str());
}

// The lines of a section, one at a time: httpd has read the file into a
// tree already (a section's lines are its children, a nested section one
// child with children of its own, the closing tags checked by httpd).
class SectionLines {
 public:
  SectionLines(cmd_parms* cmd, const ap_directive_t* first) : cmd_(cmd), next_(first) {}

  // False after the last setting.
  bool next() {
    while (pending_.empty()) {
      if (next_ == nullptr) return false;
      current_ = next_;
      next_ = next_->next;
      std::string line = std::string(current_->directive) + " " + (current_->args ? current_->args : "");
      if (line.front() == '<') {
        while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.pop_back();
        if (!line.empty() && line.back() == '>') line.pop_back();
        pending_.push_back(std::move(line));
      } else {
        for (std::string& setting : split_settings(line)) pending_.push_back(std::move(setting));
      }
    }
    words = conf_words(cmd_->temp_pool, pending_.front().c_str());
    pending_.pop_front();
    if (words.empty()) return next();
    return true;
  }

  int line() const { return current_ ? current_->line_num : 0; }
  const ap_directive_t* node() const { return current_; }
  const ap_directive_t* section() const { return current_->first_child; }
  bool is(std::string_view tag) const { return equal_ci(words[0], tag); }

  std::vector<std::string_view> words;

 private:
  cmd_parms* cmd_;
  const ap_directive_t* next_;
  const ap_directive_t* current_ = nullptr;
  std::deque<std::string> pending_;  // the settings of the current line not yet taken
};

// `error` at the line of `node`: httpd's "Syntax error on line N" names the
// line inside the section, not the section's first.
const char* error_at(cmd_parms* cmd, const ap_directive_t* node, const std::string& error) {
  if (node != nullptr) cmd->err_directive = node;
  return conf_error(cmd, error);
}

// The line `line` of the section (a setting a cross-check blames).
const ap_directive_t* node_at(const ap_directive_t* d, int line) {
  for (; d != nullptr; d = d->next) {
    if (d->line_num == line) return d;
    if (const ap_directive_t* inner = node_at(d->first_child, line)) return inner;
  }
  return nullptr;
}


// The words nginx's directive has: its own name first ("field", "step").
std::vector<std::string_view> as_nginx_line(std::string_view directive, std::vector<std::string_view> words) {
  words[0] = directive;
  return words;
}

const char* read_form(cmd_parms* cmd, forms::FormBuilder& parse, std::string_view name) {
  SectionLines lines(cmd, cmd->directive->first_child);
  while (lines.next()) {
    std::string error;
    if (lines.is("<CivicField") || lines.is("<CivicStep")) {
      bool field = lines.is("<CivicField");
      auto opening = as_nginx_line(field ? "field" : "step", lines.words);
      error = field ? parse.begin_field(opening, lines.line()) : parse.begin_step(opening, lines.line());
      if (!error.empty()) return error_at(cmd, lines.node(), error);
      SectionLines inner(cmd, lines.section());
      while (inner.next()) {
        error = field ? parse.field_setting(inner.words, inner.line()) : parse.step_setting(inner.words, inner.line());
        if (!error.empty()) return error_at(cmd, inner.node(), error);
      }
      error = field ? parse.end_field() : parse.end_step();
      if (!error.empty()) return error_at(cmd, lines.node(), error);
      continue;
    }
    if (lines.is("field") || lines.is("step")) {
      // nginx's `field NAME TYPE { ... }` written without its block.
      bool field = lines.is("field");
      std::string line;
      for (std::string_view w : lines.words) line.append(line.empty() ? "" : " ").append(w);
      std::string rest = line.substr(lines.words[0].size());
      return error_at(cmd, lines.node(),
                      "civic_form \"" + std::string(name) + "\": \"" + line + "\" needs its settings in a section: <" +
                          (field ? "CivicField" : "CivicStep") + rest + "> ... </" + (field ? "CivicField" : "CivicStep") +
                          ">");
    }
    if (lines.words[0].starts_with("<")) {
      cmd->err_directive = lines.node();
      return apr_psprintf(cmd->pool, "civic_form \"%.*s\": %.*s> is not a section of a form (<CivicField NAME TYPE> "
                          "and <CivicStep NAME> are)", static_cast<int>(name.size()), name.data(),
                          static_cast<int>(lines.words[0].size()), lines.words[0].data());
    }
    error = parse.form_setting(lines.words, lines.line());
    if (!error.empty()) return error_at(cmd, lines.node(), error);
  }
  return nullptr;
}

}  // namespace

// <CivicCalendar NAME> ... </CivicCalendar>
const char* civic_calendar_section(cmd_parms* cmd, void*, const char* args) noexcept {
  if (const char* e = ap_check_cmd_context(cmd, GLOBAL_ONLY)) return e;
  return conf_guard(cmd, "civic_calendar", [&]() -> const char* {
    auto words = section_words(cmd, args);
    if (words.size() != 1) return "<CivicCalendar> takes one name, as in <CivicCalendar events>";
    std::string name(words[0]);
    if (!calendar::is_valid_calendar_name(name))
      return apr_psprintf(cmd->pool, "civic_calendar \"%s\": a name is 1 to 64 of a-z, 0-9, \"_\" and \"-\"",
                          name.c_str());
    ServerConf& sc = server_conf(cmd->server);
    if (sc.calendars == nullptr) sc.calendars = pool_new<calendar::Calendars>(cmd->pool);
    if (sc.calendars->find(name) != nullptr)
      return apr_psprintf(cmd->pool, "civic_calendar \"%s\" is duplicate", name.c_str());
    // Before any thread exists: libical reads the system tz database;
    // libxml2 initializes its globals.
    calendar::init_timezones();
    calendar::init_html_parser();

    calendar::CalendarConfigBuilder builder(name);
    SectionLines lines(cmd, cmd->directive->first_child);
    while (lines.next()) {
      if (lines.words[0].starts_with("<"))
        return cmd->err_directive = lines.node(), apr_psprintf(cmd->pool, "civic_calendar \"%s\": a calendar has no sections (%.*s>)", name.c_str(),
                            static_cast<int>(lines.words[0].size()), lines.words[0].data());
      // page_layout FILE: relative to ServerRoot, as CivicFormLayout.
      std::string full;
      if (lines.words.size() == 2 && lines.words[0] == "page_layout") {
        std::string file(lines.words[1]);
        const char* path = ap_server_root_relative(cmd->temp_pool, file.c_str());
        if (path == nullptr) return "civic_calendar: page_layout: invalid path";
        full = path;
        lines.words[1] = full;
      }
      if (auto e = builder.add(lines.words); !e.empty()) return error_at(cmd, lines.node(), "civic_calendar: " + e);
    }
    calendar::CalendarConfig calendar;
    if (auto e = builder.finish(calendar); !e.empty()) return conf_error(cmd, e);
    sc.calendars->items().push_back(std::move(calendar));
    return nullptr;
  });
}

// <CivicForm NAME> ... </CivicForm>
const char* civic_form_section(cmd_parms* cmd, void*, const char* args) noexcept {
  if (const char* e = ap_check_cmd_context(cmd, GLOBAL_ONLY)) return e;
  return conf_guard(cmd, "civic_form", [&]() -> const char* {
    auto words = section_words(cmd, args);
    if (words.size() != 1) return "<CivicForm> takes one name, as in <CivicForm feedback>";
    std::string name(words[0]);
    if (auto e = forms::FormBuilder::check_name(name); !e.empty()) return conf_error(cmd, "civic_form: " + e);
    ServerConf& sc = server_conf(cmd->server);
    if (sc.forms == nullptr) sc.forms = pool_new<forms::Forms>(cmd->pool);
    if (sc.forms->find(name)) return apr_psprintf(cmd->pool, "civic_form \"%s\" is defined twice", name.c_str());

    forms::FormBuilder parse(name);
    if (const char* e = read_form(cmd, parse, name)) return e;
    auto built = parse.finish();
    if (auto* error = std::get_if<FieldError>(&built))
      return error_at(cmd, node_at(cmd->directive->first_child, error->line), error->message);
    // Read here, in the parent: the children's user may not read the keys.
    auto& form = std::get<forms::Form>(built);
    if (auto e = forms::load_secrets(form.deliveries); !e.empty())
      return conf_error(cmd, "civic_form \"" + name + "\": " + e);
    if (!form.seal_file.empty()) {
      const char* path = ap_server_root_relative(cmd->temp_pool, form.seal_file.c_str());
      if (path == nullptr) return "civic_form: seal: invalid path";
      form.seal_file = path;
      if (auto e = forms::load_seal_key(form); !e.empty()) return conf_error(cmd, "civic_form \"" + name + "\": " + e);
    }
    sc.forms->add(std::move(form));
    return nullptr;
  });
}

}  // namespace civic::apache
