#include "server/startup.hpp"

#include <ctime>

#include "calendar/service/calendar_writer.hpp"
#include "forms/service/form_definition.hpp"
#include "storage/directory.hpp"

namespace civic::server {

namespace {

StartupReport store_problem(std::string text) { return {{}, StartupProblem{true, std::move(text)}}; }

std::string missing_store(const std::string& path) {
  return "there is no store here (no data.mdb); make one with \"civicctl init " + path +
         "\", or add \"create\" to civic_store for the server to make it";
}

void warn_about_form_changes(StartupReport& report, storage::Store& store, const forms::Forms& forms) {
  if (auto txn = storage::Txn::begin_read(store.env()))
    for (auto& warning : forms::form_change_warnings(forms, *txn, store.db())) report.warnings.push_back(std::move(warning));
}

std::optional<StartupProblem> record_calendars(storage::Store& store, calendar::Calendars* calendars) {
  if (calendars == nullptr) return std::nullopt;
  std::int64_t now = calendar::now_micros();
  for (auto& calendar : calendars->items()) {
    auto when = calendar::record_definition(store, calendar, now);
    if (!when) return StartupProblem{false, "civic_calendar \"" + calendar.name + "\": " + when.error().message()};
    calendar.defined_at = *when;
  }
  return std::nullopt;
}

// Which configuration file the store's definitions came from, and when.
std::optional<StartupProblem> record_running_configuration(storage::Store& store, std::string_view conf_file) {
  auto txn = storage::Txn::begin_write(store.env());
  if (!txn) return StartupProblem{false, "civic_store: " + txn.error().message()};
  storage::RecordedConfiguration config{std::string(conf_file), static_cast<std::int64_t>(::time(nullptr))};
  auto st = storage::record_configuration(*txn, store.db(), config);
  if (st) st = txn->commit();
  if (!st) return StartupProblem{false, "civic_store: " + st.error().message()};
  return std::nullopt;
}

}  // namespace

StartupReport check_configuration(const StoreSetup& setup, const forms::Forms& forms) {
  const std::string& path = setup.options.path;
  bool exists = storage::store_exists(path);
  if (!exists && !setup.create) return store_problem(missing_store(path));
  auto checked = exists ? storage::check_store(setup.options) : storage::check_store_directory(path);
  if (!checked) return store_problem(checked.error().message());
  StartupReport report;
  if (exists) {  // what this configuration would hide of the stored data (read only)
    storage::EnvOptions read_only = setup.options;
    read_only.read_only = true;
    if (auto store = storage::Store::open(read_only)) warn_about_form_changes(report, *store, forms);
  }
  return report;
}

StartupReport start_configuration(const StoreSetup& setup, calendar::Calendars* calendars, const forms::Forms& forms,
                                  std::string_view conf_file) {
  const std::string& path = setup.options.path;
  if (!storage::store_exists(path) && !setup.create) return store_problem(missing_store(path));
  auto store = storage::Store::open(setup.options, setup.create ? storage::IfMissing::create : storage::IfMissing::fail);
  if (!store) return store_problem(store.error().message());
  StartupReport report;
  if (store->upgraded_from() != 0)
    report.warnings.push_back("civic_store \"" + path + "\": upgraded from schema version " +
                              std::to_string(store->upgraded_from()) + " to " +
                              std::to_string(storage::kSchemaVersion) + " (docs/operations.md, \"Upgrading a store\")");
  warn_about_form_changes(report, *store, forms);
  report.problem = record_calendars(*store, calendars);
  if (!report.problem) {
    if (auto problem = forms::record_form_definitions(*store, forms, static_cast<std::int64_t>(::time(nullptr))))
      report.problem = StartupProblem{false, *problem};
  }
  if (!report.problem) report.problem = record_running_configuration(*store, conf_file);
  return report;
}

}  // namespace civic::server
