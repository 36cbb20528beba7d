#include "module/form_versions.hpp"

#include <ctime>
#include <exception>

#include "forms/service/form_definition.hpp"
#include "module/module.hpp"

namespace civic::module {

namespace {

const forms::Forms& registry_of(MainConf* mc) {
  static const forms::Forms none;
  return mc->forms ? *mc->forms : none;
}

}  // namespace

ngx_int_t record_form_definitions(ngx_conf_t* cf, MainConf* mc, storage::Store& store) noexcept {
  try {
    auto now = static_cast<std::int64_t>(::time(nullptr));
    if (auto problem = forms::record_form_definitions(store, registry_of(mc), now)) {
      ngx_log_error(NGX_LOG_EMERG, cf->log, 0, "%s", problem->c_str());
      return NGX_ERROR;
    }
  } catch (const std::exception& e) {
    ngx_log_error(NGX_LOG_EMERG, cf->log, 0, "civic_form: %s", e.what());
    return NGX_ERROR;
  }
  return NGX_OK;
}

void warn_about_form_changes(ngx_conf_t* cf, MainConf* mc, const storage::Txn& txn,
                             const storage::Databases& db) noexcept {
  try {
    for (const std::string& warning : forms::form_change_warnings(registry_of(mc), txn, db))
      ngx_conf_log_error(NGX_LOG_WARN, cf, 0, "%s", warning.c_str());
  } catch (const std::exception&) {
    // Warnings only: nothing to stop the configuration for.
  }
}

}  // namespace civic::module
