// ngx_http_civic_module: directives, configuration and process lifecycle.
#include "module/ngx.hpp"

#include <unistd.h>

#include <optional>
#include <stdexcept>
#include <string>

#include "module/delivery_timer.hpp"
#include "module/form_conf.hpp"
#include "module/calendar_conf.hpp"
#include "module/guard.hpp"
#include "module/metrics_zone.hpp"
#include "module/module.hpp"
#include "module/rerender_timer.hpp"
#include "module/retention_timer.hpp"
#include "module/source_timer.hpp"
#include "calendar/query/feed_cache.hpp"
#include "delivery/curl_global.hpp"
#include "forms/service/delivery_round.hpp"
#include "forms/submission_export.hpp"
#include "server/startup.hpp"
#include "storage/directory.hpp"
#include "storage/store.hpp"
#include "storage/store_parameters.hpp"

#if !(NGX_THREADS)
#error "civic needs nginx configured --with-threads (write commits run in a thread pool)"
#endif

namespace civic::module {

namespace {

storage::EnvOptions store_options(const MainConf& conf) {
  storage::EnvOptions options;
  options.path.assign(reinterpret_cast<const char*>(conf.store_path.data), conf.store_path.len);
  options.map_size = conf.max_size;
  options.max_readers = static_cast<unsigned>(conf.max_readers);
  return options;
}

MainConf* main_conf(ngx_conf_t* cf) {
  return static_cast<MainConf*>(ngx_http_conf_get_module_main_conf(cf, ngx_http_civic_module));
}

MainConf* main_conf(ngx_cycle_t* cycle) {
  auto* ctx = reinterpret_cast<ngx_http_conf_ctx_t*>(ngx_get_conf(cycle->conf_ctx, ngx_http_module));
  if (ctx == nullptr) return nullptr;  // no http{} block
  return static_cast<MainConf*>(ctx->main_conf[ngx_http_civic_module.ctx_index]);
}

// civic_store PATH [create] [max_size=SIZE] [max_readers=N] [thread_pool=NAME];
char* civic_store(ngx_conf_t* cf, ngx_command_t*, void* conf) noexcept {
  auto* mc = static_cast<MainConf*>(conf);
  if (mc->store_path.data != nullptr) return const_cast<char*>("is duplicate");
  return guard_directive(cf, "civic_store", [&]() -> char* {
    auto* args = static_cast<ngx_str_t*>(cf->args->elts);

    mc->store_path = args[1];
    if (mc->store_path.len == 0) return const_cast<char*>("needs a directory path");
    if (cf->conf_file != nullptr) {
      mc->store_conf_file = cf->conf_file->file.name;
      mc->store_conf_line = cf->conf_file->line;
    }
    if (ngx_conf_full_name(cf->cycle, &mc->store_path, 0) != NGX_OK) return static_cast<char*>(NGX_CONF_ERROR);

    storage::StoreParameters parameters;
    for (ngx_uint_t i = 2; i < cf->args->nelts; i++) {
      if (auto e = storage::read_store_parameter(ngx::view(args[i]), parameters); !e.empty()) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "civic_store: %s", e.c_str());
        return static_cast<char*>(NGX_CONF_ERROR);
      }
    }
    mc->create_store = parameters.create ? 1 : 0;
    if (parameters.max_size) mc->max_size = *parameters.max_size;
    if (parameters.max_readers) mc->max_readers = *parameters.max_readers;
    mc->thread_pool_name = ngx_str_t{parameters.thread_pool.size(),
                                     reinterpret_cast<u_char*>(const_cast<char*>(parameters.thread_pool.data()))};

    // The store itself is looked at once the whole http{} block is read
    // (postconfiguration): with its path alone nothing can be decided yet.
    mc->thread_pool = ngx_thread_pool_add(cf, mc->thread_pool_name.len ? &mc->thread_pool_name : nullptr);
    if (mc->thread_pool == nullptr) return static_cast<char*>(NGX_CONF_ERROR);
    return NGX_CONF_OK;
  });
}

// civic_feed_cache SIZE | off;
char* civic_feed_cache(ngx_conf_t* cf, ngx_command_t*, void* conf) noexcept {
  auto* mc = static_cast<MainConf*>(conf);
  if (mc->feed_cache_size != NGX_CONF_UNSET_SIZE) return const_cast<char*>("is duplicate");
  auto* args = static_cast<ngx_str_t*>(cf->args->elts);
  auto size = calendar::feed_cache_size(ngx::view(args[1]));
  if (!size) {
    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "civic_feed_cache: invalid size \"%V\" (a size such as 16m, at least 1m, or off)", &args[1]);
    return static_cast<char*>(NGX_CONF_ERROR);
  }
  mc->feed_cache_size = *size;
  return NGX_CONF_OK;
}

// civic_admin; civic_calendars; civic_forms;
template <Role role, ngx_http_handler_pt handler>
char* set_role(ngx_conf_t* cf, ngx_command_t*, void* conf) noexcept {
  auto* lc = static_cast<LocConf*>(conf);
  if (lc->role != static_cast<ngx_uint_t>(Role::none)) return const_cast<char*>("is duplicate");
  auto* clcf = static_cast<ngx_http_core_loc_conf_t*>(ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module));
  lc->role = static_cast<ngx_uint_t>(role);
  lc->prefix = clcf->name;
  clcf->handler = handler;
  if (role == Role::calendars && main_conf(cf)->calendars_prefix.len == 0) main_conf(cf)->calendars_prefix = clcf->name;
  main_conf(cf)->used = 1;
  return NGX_CONF_OK;
}

void* create_main_conf(ngx_conf_t* cf) noexcept {
  auto* mc = static_cast<MainConf*>(ngx_pcalloc(cf->pool, sizeof(MainConf)));
  if (mc == nullptr) return nullptr;
  mc->max_size = NGX_CONF_UNSET_SIZE;
  mc->max_readers = NGX_CONF_UNSET_UINT;
  mc->feed_cache_size = NGX_CONF_UNSET_SIZE;
  mc->used = 0;
  mc->commit_batch = NGX_CONF_UNSET;
  return mc;
}

char* init_main_conf(ngx_conf_t*, void* conf) noexcept {
  auto* mc = static_cast<MainConf*>(conf);
  ngx_conf_init_size_value(mc->max_size, storage::kDefaultMapSize);
  ngx_conf_init_uint_value(mc->max_readers, storage::kDefaultMaxReaders);
  ngx_conf_init_value(mc->commit_batch, 1024);
  if (mc->commit_batch < 1) return const_cast<char*>("civic_commit_batch must be at least 1");
  ngx_conf_init_size_value(mc->feed_cache_size, calendar::kDefaultFeedCache);
  return NGX_CONF_OK;
}

void* create_loc_conf(ngx_conf_t* cf) noexcept {
  auto* lc = static_cast<LocConf*>(ngx_pcalloc(cf->pool, sizeof(LocConf)));
  return lc;  // role none, empty prefix, no layout
}

char* merge_loc_conf(ngx_conf_t*, void* parent, void* child) noexcept {
  auto* prev = static_cast<LocConf*>(parent);
  auto* conf = static_cast<LocConf*>(child);
  if (conf->layout == nullptr) conf->layout = prev->layout;
  return NGX_CONF_OK;
}

ngx_int_t preconfiguration(ngx_conf_t* cf) noexcept { return add_form_variables(cf); }

// A problem with the store found after the http{} block was read, named
// with the file and line of the civic_store directive as nginx -t shows them.
void store_error(ngx_log_t* log, const MainConf& mc, const std::string& text) {
  ngx_log_error(NGX_LOG_EMERG, log, 0, "civic_store \"%V\": %s in %V:%ui", &mc.store_path, text.c_str(),
                &mc.store_conf_file, mc.store_conf_line);
}

// After the whole http{} block is read: check that the store opens and has a
// schema this civic understands, so that `nginx -t` and a reload catch it;
// when nginx starts or reloads (not for `nginx -t`), record the calendars and
// forms of this configuration in the store.
ngx_int_t postconfiguration(ngx_conf_t* cf) noexcept {
  auto* mc = main_conf(cf);
  if (mc->store_path.data == nullptr) {
    if (mc->used) {
      ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                         "civic_admin, civic_calendars and civic_forms need \"civic_store\" in the http{} block");
      return NGX_ERROR;
    }
    return NGX_OK;
  }
  if (ngx_process == NGX_PROCESS_SIGNALLER) return NGX_OK;
  if (add_metrics_zone(cf, mc) != NGX_OK) return NGX_ERROR;
  return guard_step(cf->log, "civic_store", [&]() -> ngx_int_t {
    static const forms::Forms no_forms;
    const forms::Forms& forms = mc->forms ? *mc->forms : no_forms;
    if (auto e = forms::check_smtp(forms, mc->smtp != nullptr); !e.empty()) {
      ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "%s", e.c_str());
      return NGX_ERROR;
    }
    if (auto st = delivery::global_init(); !st) {
      ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "civic: %s", st.error().message().c_str());
      return NGX_ERROR;
    }
    server::StoreSetup setup{store_options(*mc), mc->create_store != 0};
    server::StartupReport report =
        ngx_test_config ? server::check_configuration(setup, forms)
                        : server::start_configuration(setup, mc->calendars, forms, ngx::view(cf->cycle->conf_file));
    for (const std::string& warning : report.warnings) ngx_conf_log_error(NGX_LOG_WARN, cf, 0, "%s", warning.c_str());
    if (!report.problem) return NGX_OK;
    if (report.problem->about_store) store_error(cf->log, *mc, report.problem->text);
    else ngx_log_error(NGX_LOG_EMERG, cf->log, 0, "%s", report.problem->text.c_str());
    return NGX_ERROR;
  });
}

// In the master, once the user workers run as is known: when nginx starts as
// root, hand the store to that user, as nginx does with its temp folders.
ngx_int_t init_module(ngx_cycle_t* cycle) noexcept {
  MainConf* mc = main_conf(cycle);
  if (mc == nullptr || mc->store_path.data == nullptr || geteuid() != 0) return NGX_OK;
  if (ngx_test_config || ngx_process == NGX_PROCESS_SIGNALLER) return NGX_OK;  // they change nothing
  auto* ccf = reinterpret_cast<ngx_core_conf_t*>(ngx_get_conf(cycle->conf_ctx, ngx_core_module));
  if (ccf->user == static_cast<ngx_uid_t>(NGX_CONF_UNSET_UINT)) return NGX_OK;
  return guard_step(cycle->log, "civic_store", [&]() -> ngx_int_t {
    std::string path(reinterpret_cast<const char*>(mc->store_path.data), mc->store_path.len);
    if (auto st = storage::give_store_to(path, ccf->user, ccf->group); !st) {
      ngx_log_error(NGX_LOG_EMERG, cycle->log, 0, "civic_store \"%V\": %s", &mc->store_path,
                    st.error().message().c_str());
      return NGX_ERROR;
    }
    return NGX_OK;
  });
}

ngx_int_t init_process(ngx_cycle_t* cycle) noexcept {
  MainConf* mc = main_conf(cycle);
  if (mc == nullptr || mc->store_path.data == nullptr) return NGX_OK;
  // A worker whose store does not open keeps running and answers 503, so
  // that the cause is in the log and the rest of the server still works.
  guard_event(cycle->log, "civic_store", [&] {
    auto store = storage::Store::open(store_options(*mc));
    if (!store) {
      ngx_log_error(NGX_LOG_EMERG, cycle->log, 0, "civic_store \"%V\": %s", &mc->store_path,
                    store.error().message().c_str());
      return;
    }
    if (store->stale_readers_cleared() > 0) {
      ngx_log_error(NGX_LOG_NOTICE, cycle->log, 0, "civic_store \"%V\": cleared %d stale reader slots",
                    &mc->store_path, store->stale_readers_cleared());
    }
    worker_store().emplace(std::move(*store));
    forms::init_xml_export();
    start_retention_timer(cycle, mc);
    start_delivery_timer(cycle, mc);
    start_source_timers(cycle, mc);
    start_rerender_timer(cycle, mc);
  });
  return NGX_OK;
}

void exit_process(ngx_cycle_t*) noexcept { worker_store().reset(); }

ngx_command_t commands[] = {
    {ngx_string("civic_store"), NGX_HTTP_MAIN_CONF | NGX_CONF_1MORE, civic_store,
     NGX_HTTP_MAIN_CONF_OFFSET, 0, nullptr},
    {ngx_string("civic_admin"), NGX_HTTP_LOC_CONF | NGX_CONF_NOARGS, set_role<Role::admin, admin_handler>,
     NGX_HTTP_LOC_CONF_OFFSET, 0, nullptr},
    {ngx_string("civic_forms"), NGX_HTTP_LOC_CONF | NGX_CONF_NOARGS, set_role<Role::forms, forms_handler>,
     NGX_HTTP_LOC_CONF_OFFSET, 0, nullptr},
    CIVIC_FORM_COMMANDS,
    {ngx_string("civic_calendar"), NGX_HTTP_MAIN_CONF | NGX_CONF_BLOCK | NGX_CONF_TAKE1, civic_calendar_block,
     NGX_HTTP_MAIN_CONF_OFFSET, 0, nullptr},
    {ngx_string("civic_calendars"), NGX_HTTP_LOC_CONF | NGX_CONF_NOARGS, set_role<Role::calendars, calendars_handler>,
     NGX_HTTP_LOC_CONF_OFFSET, 0, nullptr},
    {ngx_string("civic_feed_cache"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE1, civic_feed_cache,
     NGX_HTTP_MAIN_CONF_OFFSET, 0, nullptr},
    ngx_null_command,
};

ngx_http_module_t module_ctx = {
    preconfiguration,   // preconfiguration
    postconfiguration,  // postconfiguration
    create_main_conf,   // create main configuration
    init_main_conf,     // init main configuration
    nullptr,            // create server configuration
    nullptr,            // merge server configuration
    create_loc_conf,    // create location configuration
    merge_loc_conf,     // merge location configuration
};

}  // namespace

std::optional<storage::Store>& worker_store() {
  static std::optional<storage::Store> store;
  return store;
}

storage::Store& open_store() {
  auto& store = worker_store();
  if (!store) throw std::runtime_error("the store is not open");
  return *store;
}

}  // namespace civic::module

extern "C" {

ngx_module_t ngx_http_civic_module = {
    NGX_MODULE_V1,
    &civic::module::module_ctx,   // module context
    civic::module::commands,      // module directives
    NGX_HTTP_MODULE,              // module type
    nullptr,                      // init master
    civic::module::init_module,   // init module
    civic::module::init_process,  // init process
    nullptr,                      // init thread
    nullptr,                      // exit thread
    civic::module::exit_process,  // exit process
    nullptr,                      // exit master
    NGX_MODULE_V1_PADDING,
};

}
