#include "module/form_conf.hpp"

#include <span>
#include <string>
#include <variant>

#include "delivery/smtp_config.hpp"
#include "forms/form_builder.hpp"
#include "common/page_layout.hpp"
#include "forms/seal_setting.hpp"
#include "module/conf_text.hpp"
#include "module/guard.hpp"
#include "module/module.hpp"
#include "module/pool_object.hpp"

namespace civic::module {

namespace {

char* conf_error() { return static_cast<char*>(NGX_CONF_ERROR); }

int current_line(ngx_conf_t* cf) { return cf->conf_file ? static_cast<int>(cf->conf_file->line) : 0; }

// Logs `text` at `line` of the file being read (the line of the setting to
// blame, which may be before the one nginx is at).
void log_at(ngx_conf_t* cf, int line, const std::string& text) {
  ngx_uint_t saved = cf->conf_file->line;
  if (line > 0) cf->conf_file->line = static_cast<ngx_uint_t>(line);
  ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "%s", text.c_str());
  cf->conf_file->line = saved;
}

forms::FormBuilder* parse_of(void* conf) { return static_cast<MainConf*>(conf)->form_parse; }

// Reads the rest of the civic_form block with the form directives only,
// `parse` taking their lines; no form is being read afterwards, even if a
// line threw.
char* parse_block_with(ngx_conf_t* cf, MainConf* mc, forms::FormBuilder& parse) {
  struct Reading {
    MainConf* mc;
    ngx_conf_t saved;
    ngx_conf_t* cf;
    ~Reading() {
      *cf = saved;
      mc->form_parse = nullptr;
    }
  } reading{mc, *cf, cf};
  mc->form_parse = &parse;
  cf->cmd_type = kFormBlockConf;
  return ngx_conf_parse(cf, nullptr);
}

}  // namespace

const forms::Forms& form_registry(ngx_http_request_t* r) {
  static const forms::Forms empty;
  auto* mc = static_cast<MainConf*>(ngx_http_get_module_main_conf(r, ngx_http_civic_module));
  return mc->forms ? *mc->forms : empty;
}

// civic_form NAME { ... }
char* civic_form_block(ngx_conf_t* cf, ngx_command_t*, void* conf) noexcept {
  auto* mc = static_cast<MainConf*>(conf);
  return guard_directive(cf, "civic_form", [&]() -> char* {
    auto* args = static_cast<ngx_str_t*>(cf->args->elts);
    std::string_view name = ngx::view(args[1]);
    if (auto e = forms::FormBuilder::check_name(name); !e.empty()) return conf_report(cf, "civic_form: " + e);
    if (mc->forms == nullptr) {
      mc->forms = pool_new<forms::Forms>(cf->pool);
      if (mc->forms == nullptr) return conf_error();
    }
    if (mc->forms->find(name)) return conf_report(cf, "civic_form \"" + std::string(name) + "\" is defined twice");

    std::string form_name(name);  // cf->args is reused for the block's lines
    forms::FormBuilder parse(name);
    char* rv = parse_block_with(cf, mc, parse);
    if (rv != NGX_CONF_OK) {
      // nginx has said "unknown directive" for a word no setting has: add
      // what the known ones are, as for the lines of a field.
      if (cf->args->nelts > 0) {
        std::string hint = forms::FormBuilder::unknown_form_word(ngx::view(static_cast<ngx_str_t*>(cf->args->elts)[0]));
        if (!hint.empty()) ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "civic_form \"%s\": %s", form_name.c_str(), hint.c_str());
      }
      return rv;
    }

    auto built = parse.finish();
    if (auto* error = std::get_if<FieldError>(&built)) {
      log_at(cf, error->line, error->message);
      return conf_error();
    }
    // Read here, in the master: the workers' user may not read the keys.
    auto& form = std::get<forms::Form>(built);
    if (auto e = forms::load_secrets(form.deliveries); !e.empty()) return conf_report(cf, "civic_form \"" + form_name + "\": " + e);
    if (!form.seal_file.empty()) {
      // A relative name is relative to nginx's configuration directory.
      ngx_str_t path{form.seal_file.size(), reinterpret_cast<u_char*>(form.seal_file.data())};
      if (ngx_conf_full_name(cf->cycle, &path, 1) != NGX_OK) return conf_error();
      std::string full(ngx::view(path));
      form.seal_file = std::move(full);
      if (auto e = forms::load_seal_key(form); !e.empty()) return conf_report(cf, "civic_form \"" + form_name + "\": " + e);
    }
    mc->forms->add(std::move(form));
    return NGX_CONF_OK;
  });
}

char* form_setting(ngx_conf_t* cf, ngx_command_t*, void* conf) noexcept {
  return guard_directive(cf, "civic_form", [&]() -> char* {
    forms::FormBuilder* parse = parse_of(conf);
    if (parse == nullptr) return conf_report(cf, "this setting belongs in a civic_form block");
    auto words = conf_words(cf);
    return conf_report(cf, parse->form_setting(words, current_line(cf)));
  });
}

// One line of a field block (nginx's custom handler, as for types {}).
char* field_line(ngx_conf_t* cf, ngx_command_t*, void* conf) noexcept {
  return guard_directive(cf, "civic_form", [&]() -> char* {
    auto* parse = static_cast<forms::FormBuilder*>(conf);
    return conf_report(cf, parse->field_setting(conf_words(cf), current_line(cf)));
  });
}

// A block inside civic_form (field, step): its opening line, each line
// through `line` (nginx's custom handler, as for types {}), its "}".
static char* inner_block(ngx_conf_t* cf, void* conf, const char* what, ngx_conf_handler_pt line,
                         std::string (forms::FormBuilder::*begin)(forms::FormBuilder::Words, int),
                         std::string (forms::FormBuilder::*end)()) {
  forms::FormBuilder* parse = parse_of(conf);
  if (parse == nullptr) return conf_report(cf, std::string("\"") + what + "\" belongs in a civic_form block");
  auto words = conf_words(cf);
  if (char* rv = conf_report(cf, (parse->*begin)(words, current_line(cf))); rv != NGX_CONF_OK) return rv;
  ngx_conf_t saved = *cf;
  cf->handler = line;
  cf->handler_conf = reinterpret_cast<char*>(parse);
  char* rv = ngx_conf_parse(cf, nullptr);
  *cf = saved;
  if (rv != NGX_CONF_OK) return rv;
  return conf_report(cf, (parse->*end)());
}

// field NAME TYPE { ... }
char* field_block(ngx_conf_t* cf, ngx_command_t*, void* conf) noexcept {
  return guard_directive(cf, "civic_form", [&]() -> char* {
    return inner_block(cf, conf, "field", field_line, &forms::FormBuilder::begin_field, &forms::FormBuilder::end_field);
  });
}

// One line of a step block.
char* step_line(ngx_conf_t* cf, ngx_command_t*, void* conf) noexcept {
  return guard_directive(cf, "civic_form", [&]() -> char* {
    auto* parse = static_cast<forms::FormBuilder*>(conf);
    return conf_report(cf, parse->step_setting(conf_words(cf), current_line(cf)));
  });
}

// step NAME { title LANG "TEXT"; fields F...; show_if COND; }
char* step_block(ngx_conf_t* cf, ngx_command_t*, void* conf) noexcept {
  return guard_directive(cf, "civic_form", [&]() -> char* {
    return inner_block(cf, conf, "step", step_line, &forms::FormBuilder::begin_step, &forms::FormBuilder::end_step);
  });
}

// civic_smtp URL from=ADDRESS [starttls=on|off] [user=NAME password_file=PATH];
char* civic_smtp(ngx_conf_t* cf, ngx_command_t*, void* conf) noexcept {
  auto* mc = static_cast<MainConf*>(conf);
  if (mc->smtp != nullptr) return const_cast<char*>("is duplicate");
  return guard_directive(cf, "civic_smtp", [&]() -> char* {
    auto words = conf_words(cf);
    auto parsed = delivery::parse_smtp_config(std::span<const std::string_view>(words).subspan(1));
    if (auto* error = std::get_if<std::string>(&parsed)) return conf_report(cf, "civic_smtp: " + *error);
    mc->smtp = pool_new<delivery::SmtpConfig>(cf->pool, std::move(std::get<delivery::SmtpConfig>(parsed)));
    if (mc->smtp == nullptr) return conf_error();
    return NGX_CONF_OK;
  });
}

// civic_form_layout FILE;
char* civic_form_layout(ngx_conf_t* cf, ngx_command_t*, void* conf) noexcept {
  auto* lc = static_cast<LocConf*>(conf);
  if (lc->layout != nullptr) return const_cast<char*>("is duplicate");
  return guard_directive(cf, "civic_form_layout", [&]() -> char* {
    auto* args = static_cast<ngx_str_t*>(cf->args->elts);
    ngx_str_t path = args[1];
    if (ngx_conf_full_name(cf->cycle, &path, 1) != NGX_OK) return conf_error();
    auto parsed = Layout::load(std::string(ngx::view(path)));
    if (auto* error = std::get_if<std::string>(&parsed)) return conf_report(cf, *error);
    lc->layout = pool_new<Layout>(cf->pool, std::move(std::get<Layout>(parsed)));
    if (lc->layout == nullptr) return conf_error();
    return NGX_CONF_OK;
  });
}

}  // namespace civic::module
