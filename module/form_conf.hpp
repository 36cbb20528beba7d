// civic_form NAME { ... } blocks, civic_form_layout and civic_commit_batch.
//
// A civic_form block holds lines and nested `field NAME TYPE { ... }` blocks.
// nginx's per-line custom handlers (as `types {}` uses) cannot hold nested
// blocks, so the form's own settings are nginx directives, allowed only
// inside a civic_form block (kFormBlockConf): nginx checks their place, and
// each hands its words to the core's FormBuilder. A field block holds no
// nested block: it is read with a custom handler, so that every line of it,
// a typo too, reaches the FormBuilder, which names the known settings
// ("did you mean"), a missing ";", or a form setting written in a field.
// The field settings are registered at the form level too, so that one
// written outside its field is told so by the FormBuilder as well.
#pragma once

#include "module/ngx.hpp"

#include <string_view>

#include "forms/forms.hpp"

namespace civic::module {

// The forms of the configuration this request runs under (never null).
const forms::Forms& form_registry(ngx_http_request_t* r);

// Directive places that exist only inside civic_form blocks. Bits that
// nginx's own modules do not use (NGX_DIRECT_CONF is 0x00010000, the context
// bits start at 0x01000000).
inline constexpr ngx_uint_t kFormBlockConf = 0x00400000;

char* civic_form_block(ngx_conf_t* cf, ngx_command_t* cmd, void* conf) noexcept;
char* form_setting(ngx_conf_t* cf, ngx_command_t* cmd, void* conf) noexcept;
char* field_block(ngx_conf_t* cf, ngx_command_t* cmd, void* conf) noexcept;
char* step_block(ngx_conf_t* cf, ngx_command_t* cmd, void* conf) noexcept;
char* civic_form_layout(ngx_conf_t* cf, ngx_command_t* cmd, void* conf) noexcept;
char* civic_smtp(ngx_conf_t* cf, ngx_command_t* cmd, void* conf) noexcept;

}  // namespace civic::module

// The directive table entries for forms, for civic_module.cpp's commands[].
#define CIVIC_FORM_SETTING(name)                                                                          \
  {ngx_string(name), civic::module::kFormBlockConf | NGX_CONF_ANY, civic::module::form_setting,          \
   NGX_HTTP_MAIN_CONF_OFFSET, 0, nullptr}
#define CIVIC_FIELD_SETTING(name) CIVIC_FORM_SETTING(name)
#define CIVIC_FORM_COMMANDS                                                                               \
  {ngx_string("civic_form"), NGX_HTTP_MAIN_CONF | NGX_CONF_BLOCK | NGX_CONF_TAKE1,                        \
   civic::module::civic_form_block, NGX_HTTP_MAIN_CONF_OFFSET, 0, nullptr},                               \
      {ngx_string("civic_form_layout"),                                                                   \
       NGX_HTTP_MAIN_CONF | NGX_HTTP_SRV_CONF | NGX_HTTP_LOC_CONF | NGX_CONF_TAKE1,                       \
       civic::module::civic_form_layout, NGX_HTTP_LOC_CONF_OFFSET, 0, nullptr},                           \
      {ngx_string("civic_smtp"), NGX_HTTP_MAIN_CONF | NGX_CONF_2MORE, civic::module::civic_smtp,          \
       NGX_HTTP_MAIN_CONF_OFFSET, 0, nullptr},                                                            \
      {ngx_string("civic_commit_batch"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE1, ngx_conf_set_num_slot,      \
       NGX_HTTP_MAIN_CONF_OFFSET, offsetof(civic::module::MainConf, commit_batch), nullptr},              \
      {ngx_string("field"), civic::module::kFormBlockConf | NGX_CONF_BLOCK | NGX_CONF_ANY,                \
       civic::module::field_block, NGX_HTTP_MAIN_CONF_OFFSET, 0, nullptr},                                \
      {ngx_string("step"), civic::module::kFormBlockConf | NGX_CONF_BLOCK | NGX_CONF_ANY,                 \
       civic::module::step_block, NGX_HTTP_MAIN_CONF_OFFSET, 0, nullptr},                                 \
      CIVIC_FORM_SETTING("check_answers"), CIVIC_FORM_SETTING("save_and_return"),                         \
      CIVIC_FORM_SETTING("max_drafts"), CIVIC_FORM_SETTING("prefill"), CIVIC_FORM_SETTING("fields"),      \
      CIVIC_FORM_SETTING("title"), CIVIC_FORM_SETTING("description"), CIVIC_FORM_SETTING("languages"),    \
      CIVIC_FORM_SETTING("retention"), CIVIC_FORM_SETTING("receipt_prefix"),                              \
      CIVIC_FORM_SETTING("confirm"), CIVIC_FORM_SETTING("confirm_message"),                               \
      CIVIC_FORM_SETTING("honeypot"), CIVIC_FORM_SETTING("min_fill_time"),                                \
      CIVIC_FORM_SETTING("token_lifetime"), CIVIC_FORM_SETTING("max_submissions_per_day"),               \
      CIVIC_FORM_SETTING("json_submissions"), CIVIC_FORM_SETTING("timezone"),                              \
      CIVIC_FORM_SETTING("deliver"), CIVIC_FORM_SETTING("confirm_email"), CIVIC_FORM_SETTING("seal"),     \
      CIVIC_FIELD_SETTING("required"),                                                                    \
      CIVIC_FIELD_SETTING("required_if"), CIVIC_FIELD_SETTING("show_if"), CIVIC_FIELD_SETTING("label"),   \
      CIVIC_FIELD_SETTING("help"), CIVIC_FIELD_SETTING("min_length"), CIVIC_FIELD_SETTING("max_length"),  \
      CIVIC_FIELD_SETTING("min"), CIVIC_FIELD_SETTING("max"), CIVIC_FIELD_SETTING("pattern"),             \
      CIVIC_FIELD_SETTING("pattern_message"), CIVIC_FIELD_SETTING("option"),                              \
      CIVIC_FIELD_SETTING("multiple"), CIVIC_FIELD_SETTING("max_size"), CIVIC_FIELD_SETTING("accept"),    \
      CIVIC_FIELD_SETTING("default"), CIVIC_FIELD_SETTING("country")
