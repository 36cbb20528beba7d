// mod_civic: the module record, and what httpd calls at each step of its
// life: configuration checked (check_config), taken into use (post_config,
// in the parent), a child process started (child_init), a request handled.
#include "apache/httpd.hpp"

#include <unistd.h>

#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "apache/child.hpp"
#include "apache/conf.hpp"
#include "apache/handlers.hpp"
#include "calendar/model/calendars.hpp"
#include "delivery/curl_global.hpp"
#include "forms/forms.hpp"
#include "forms/service/delivery_round.hpp"
#include "server/startup.hpp"
#include "storage/directory.hpp"

#include <util_cfgtree.h>

namespace civic::apache {

namespace {

// The <Location>s that SetHandler civic-* serves, read off the parsed
// configuration (SetHandler is httpd's own directive).
struct Handlers {
  bool any = false;
  std::string calendars_prefix;  // the first civic-calendars location
  std::vector<CivicLocation> locations;
};

std::string section_path(const char* args) {
  std::string path = args ? args : "";
  if (!path.empty() && path.back() == '>') path.pop_back();
  while (!path.empty() && (path.back() == ' ' || path.back() == '\t')) path.pop_back();
  if (path.size() >= 2 && (path.front() == '"' || path.front() == '\'') && path.back() == path.front())
    path = path.substr(1, path.size() - 2);
  return path;
}

// `location`: the <Location> the directives are in (null: none); `host`:
// the <VirtualHost> (null: the main server).
void find_handlers(const ap_directive_t* d, const std::string* location, const ap_directive_t* host, Handlers& found) {
  for (; d != nullptr; d = d->next) {
    std::string here;
    const std::string* inside = location;
    const ap_directive_t* in_host = host;
    if (strcasecmp(d->directive, "<Location") == 0) {
      here = section_path(d->args);
      inside = &here;
    } else if (strcasecmp(d->directive, "<VirtualHost") == 0) {
      in_host = d;
    }
    if (strcasecmp(d->directive, "SetHandler") == 0 && d->args != nullptr && std::strncmp(d->args, "civic-", 6) == 0) {
      found.any = true;
      if (std::strcmp(d->args, "civic-calendars") == 0 && found.calendars_prefix.empty() && location != nullptr)
        found.calendars_prefix = *location;
      if (location != nullptr && !location->empty())
        found.locations.push_back(CivicLocation{*location, host ? host->filename : "", host ? host->line_num : 0});
    }
    if (d->first_child != nullptr) find_handlers(d->first_child, inside, in_host, found);
  }
}

server::StoreSetup store_setup(const ServerConf& sc) { return server::StoreSetup{store_options(sc), sc.create_store}; }

// A problem with the store, named with where CivicStore was written.
void log_report(server_rec* s, const ServerConf& sc, const server::StartupReport& report) {
  for (const std::string& warning : report.warnings) ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s, "%s", warning.c_str());
  if (!report.problem) return;
  if (report.problem->about_store)
    ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s, "civic_store \"%s\": %s in %s:%u", sc.store_path,
                 report.problem->text.c_str(), sc.store_file, sc.store_line);
  else
    ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s, "%s", report.problem->text.c_str());
}

// After the configuration is read, in every pass (apachectl configtest
// too): what it says is checked against the store, which is only looked
// at, never made or written.
int check_config(apr_pool_t* pconf, apr_pool_t*, apr_pool_t*, server_rec* s) noexcept {
  try {
    ServerConf& sc = server_conf(s);
    Handlers handlers;
    find_handlers(ap_conftree, nullptr, nullptr, handlers);
    if (handlers.any && sc.store_path == nullptr) {
      ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s,
                   "SetHandler civic-admin, civic-calendars and civic-forms need \"CivicStore\" in the server "
                   "configuration");
      return HTTP_INTERNAL_SERVER_ERROR;
    }
    sc.calendars_prefix =
        handlers.calendars_prefix.empty() ? nullptr : apr_pstrdup(pconf, handlers.calendars_prefix.c_str());
    sc.locations = pool_new<std::vector<CivicLocation>>(pconf, std::move(handlers.locations));
    if (sc.store_path == nullptr) return OK;
    static const forms::Forms no_forms;
    const forms::Forms& forms = sc.forms ? *sc.forms : no_forms;
    if (auto e = forms::check_smtp(forms, sc.smtp != nullptr); !e.empty()) {
      ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s, "%s", e.c_str());
      return HTTP_INTERNAL_SERVER_ERROR;
    }
    if (auto st = delivery::global_init(); !st) {
      ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s, "civic: %s", st.error().message().c_str());
      return HTTP_INTERNAL_SERVER_ERROR;
    }
    bool testing = ap_state_query(AP_SQ_RUN_MODE) == AP_SQ_RM_CONFIG_TEST ||
                   ap_state_query(AP_SQ_MAIN_STATE) == AP_SQ_MS_CREATE_PRE_CONFIG;
    if (!testing) return OK;  // post_config takes it into use
    server::StartupReport report = server::check_configuration(store_setup(sc), forms);
    log_report(s, sc, report);
    return report.problem ? HTTP_INTERNAL_SERVER_ERROR : OK;
  } catch (const std::exception& e) {
    ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s, "civic: checking the configuration: %s", e.what());
    return HTTP_INTERNAL_SERVER_ERROR;
  }
}

// In the parent, at start and at each restart (not the first, checking
// pass): the store made if asked, this configuration recorded in it, the
// store given to the children's user, the shared counters prepared.
int post_config(apr_pool_t*, apr_pool_t*, apr_pool_t*, server_rec* s) noexcept {
  if (ap_state_query(AP_SQ_MAIN_STATE) == AP_SQ_MS_CREATE_PRE_CONFIG) return OK;
  try {
    ServerConf& sc = server_conf(s);
    if (sc.store_path == nullptr) return OK;
    static const forms::Forms no_forms;
    const forms::Forms& forms = sc.forms ? *sc.forms : no_forms;
    const char* conf_file = ap_conftree && ap_conftree->filename ? ap_conftree->filename : "";
    server::StartupReport report = server::start_configuration(store_setup(sc), sc.calendars, forms, conf_file);
    log_report(s, sc, report);
    if (report.problem) return HTTP_INTERNAL_SERVER_ERROR;
    // When httpd starts as root, the children run as User: hand them the
    // store, as nginx's master does for its workers.
    if (geteuid() == 0) {
      if (auto st = storage::give_store_to(sc.store_path, ap_unixd_config.user_id, ap_unixd_config.group_id); !st) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s, "civic_store \"%s\": %s", sc.store_path,
                     st.error().message().c_str());
        return HTTP_INTERNAL_SERVER_ERROR;
      }
    }
    prepare_metrics(sc);
    return OK;
  } catch (const std::exception& e) {
    ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s, "civic_store: %s", e.what());
    return HTTP_INTERNAL_SERVER_ERROR;
  }
}

void child_init(apr_pool_t* pchild, server_rec* s) noexcept { start_child(pchild, s); }

// A request below a civic <Location> names no file: httpd's walk of the
// file system for it (a stat of each directory, .htaccess files) is skipped,
// as mod_proxy does for what it serves.
int map_to_storage(request_rec* r) noexcept {
  const ServerConf& sc = server_conf(r->server);
  if (sc.locations == nullptr || r->uri == nullptr) return DECLINED;
  for (const CivicLocation& location : *sc.locations)
    if (location.holds(r->server, r->uri)) return OK;
  return DECLINED;
}

int handler(request_rec* r) noexcept {
  if (r->handler == nullptr || std::strncmp(r->handler, "civic-", 6) != 0) return DECLINED;
  int (*serve)(request_rec*) = nullptr;
  if (std::strcmp(r->handler, "civic-calendars") == 0) serve = calendars_request;
  else if (std::strcmp(r->handler, "civic-forms") == 0) serve = forms_request;
  else if (std::strcmp(r->handler, "civic-admin") == 0) serve = admin_request;
  if (serve == nullptr) return DECLINED;
  try {
    return serve(r);
  } catch (const std::exception& e) {
    ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, "civic: %s request: %s", r->handler + 6, e.what());
  } catch (...) {
    ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, "civic: %s request: unknown exception", r->handler + 6);
  }
  return HTTP_INTERNAL_SERVER_ERROR;
}

void register_hooks(apr_pool_t*) {
  ap_hook_check_config(check_config, nullptr, nullptr, APR_HOOK_MIDDLE);
  ap_hook_post_config(post_config, nullptr, nullptr, APR_HOOK_MIDDLE);
  ap_hook_child_init(child_init, nullptr, nullptr, APR_HOOK_MIDDLE);
  ap_hook_map_to_storage(map_to_storage, nullptr, nullptr, APR_HOOK_MIDDLE);
  ap_hook_handler(handler, nullptr, nullptr, APR_HOOK_MIDDLE);
}

}  // namespace

}  // namespace civic::apache

// The one symbol httpd looks up (the build hides all others).
__attribute__((visibility("default"))) module AP_MODULE_DECLARE_DATA civic_module = {
    STANDARD20_MODULE_STUFF,
    civic::apache::create_dir_conf,     // per-directory configuration
    civic::apache::merge_dir_conf,      // merge per-directory
    civic::apache::create_server_conf,  // per-server configuration
    civic::apache::merge_server_conf,   // merge per-server
    civic::apache::commands,            // directives
    civic::apache::register_hooks,      // hooks
    AP_MODULE_FLAG_NONE,
};
