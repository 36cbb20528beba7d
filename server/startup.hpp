// What a server module does with the store when a configuration is tested
// or takes effect (nginx: postconfiguration), in one place that knows the
// store, the calendars and the forms: nginx only logs what it reports.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "calendar/model/calendars.hpp"
#include "forms/forms.hpp"
#include "storage/store.hpp"

namespace civic::server {

struct StoreSetup {
  storage::EnvOptions options;  // civic_store's path, map size, readers
  bool create = false;          // civic_store ... create
};

// What stops the configuration. About the store, the server names where
// civic_store was written; otherwise `text` is whole ("civic_calendar ...").
struct StartupProblem {
  bool about_store = false;
  std::string text;
};

struct StartupReport {
  std::vector<std::string> warnings;  // what the configuration hides of stored submissions; an upgraded store
  std::optional<StartupProblem> problem;
};

// `nginx -t`: the store is only looked at, never made or written, so that
// testing a configuration never changes what the running one uses.
StartupReport check_configuration(const StoreSetup& setup, const forms::Forms& forms);

// Start or reload: the store opened (made if `create`), and this
// configuration recorded as the running one: every calendar's definition
// (its defined_at set), the forms' definitions (forms gone are retired),
// and the configuration file civicctl reports.
StartupReport start_configuration(const StoreSetup& setup, calendar::Calendars* calendars, const forms::Forms& forms,
                                  std::string_view conf_file);

}  // namespace civic::server
