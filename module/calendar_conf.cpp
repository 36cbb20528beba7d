#include "module/calendar_conf.hpp"

#include <string>

#include "calendar/service/calendar_writer.hpp"
#include "calendar/formats/html_text.hpp"
#include "calendar/model/timezone.hpp"
#include "module/conf_text.hpp"
#include "module/guard.hpp"
#include "module/pool_object.hpp"

namespace civic::module {

namespace {

calendar::Calendars* registry_of(ngx_conf_t* cf, MainConf* mc) {
  if (mc->calendars != nullptr) return mc->calendars;
  auto* registry = pool_new<calendar::Calendars>(cf->pool);
  if (registry == nullptr) return nullptr;
  mc->calendars = registry;
  return registry;
}

// One line inside the block: nginx's custom handler (as for types {}).
char* calendar_line(ngx_conf_t* cf, ngx_command_t*, void* conf) noexcept {
  auto* builder = static_cast<calendar::CalendarConfigBuilder*>(conf);
  return guard_directive(cf, "civic_calendar", [&]() -> char* {
    auto words = conf_words(cf);
    std::string full;  // page_layout FILE: relative to nginx's prefix, as civic_form_layout
    if (words.size() == 2 && words[0] == "page_layout") {
      ngx_str_t path = static_cast<ngx_str_t*>(cf->args->elts)[1];
      if (ngx_conf_full_name(cf->cycle, &path, 1) != NGX_OK) return static_cast<char*>(NGX_CONF_ERROR);
      full.assign(ngx::view(path));
      words[1] = full;
    }
    std::string error = builder->add(words);
    return conf_report(cf, error.empty() ? error : "civic_calendar: " + error);
  });
}

}  // namespace

const calendar::Calendars& calendar_registry(ngx_http_request_t* r) {
  static const calendar::Calendars empty;
  auto* mc = static_cast<MainConf*>(ngx_http_get_module_main_conf(r, ngx_http_civic_module));
  if (mc == nullptr || mc->calendars == nullptr) return empty;
  return *mc->calendars;
}

char* civic_calendar_block(ngx_conf_t* cf, ngx_command_t*, void* conf) noexcept {
  auto* mc = static_cast<MainConf*>(conf);
  return guard_directive(cf, "civic_calendar", [&]() -> char* {
    auto* args = static_cast<ngx_str_t*>(cf->args->elts);
    std::string name(ngx::view(args[1]));
    if (!calendar::is_valid_calendar_name(name)) {
      ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                         "civic_calendar \"%V\": a name is 1 to 64 of a-z, 0-9, \"_\" and \"-\"", &args[1]);
      return static_cast<char*>(NGX_CONF_ERROR);
    }
    calendar::Calendars* registry = registry_of(cf, mc);
    if (registry == nullptr) return static_cast<char*>(NGX_CONF_ERROR);
    if (registry->find(name) != nullptr) {
      ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "civic_calendar \"%V\" is duplicate", &args[1]);
      return static_cast<char*>(NGX_CONF_ERROR);
    }
    // Before any thread exists: libical reads the system tz database;
    // libxml2 initializes its globals.
    calendar::init_timezones();
    calendar::init_html_parser();

    calendar::CalendarConfigBuilder builder(name);
    ngx_conf_t saved = *cf;
    cf->handler = calendar_line;
    cf->handler_conf = &builder;
    char* rv = ngx_conf_parse(cf, nullptr);
    *cf = saved;
    if (rv != NGX_CONF_OK) return rv;

    calendar::CalendarConfig calendar;
    if (char* rv = conf_report(cf, builder.finish(calendar)); rv != NGX_CONF_OK) return rv;
    registry->items().push_back(std::move(calendar));
    return NGX_CONF_OK;
  });
}

}  // namespace civic::module
