// The child's background tasks: what nginx's workers run on timers in their
// thread pool (module/*_timer.cpp), each here on a thread of its own, with
// the same core calls and the same log lines.
#include "apache/httpd.hpp"

#include <unistd.h>

#include <chrono>
#include <ctime>
#include <exception>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "apache/child.hpp"
#include "apache/conf.hpp"
#include "apache/periodic.hpp"
#include "calendar/model/calendars.hpp"
#include "calendar/service/calendar_writer.hpp"
#include "calendar/service/rerender.hpp"
#include "calendar/service/source_sync.hpp"
#include "delivery/http_fetch.hpp"
#include "delivery/smtp_config.hpp"
#include "forms/forms.hpp"
#include "forms/service/delivery_round.hpp"
#include "forms/service/form_definition.hpp"
#include "forms/service/retention_purge.hpp"

namespace civic::apache {

namespace {

// A task's run: what it throws is logged, and it runs again in a minute.
template <class Run>
std::function<std::int64_t()> guarded(server_rec* s, const char* what, Run run) {
  return [s, what, run = std::move(run)]() mutable -> std::int64_t {
    try {
      return run();
    } catch (const std::exception& e) {
      ap_log_error(APLOG_MARK, APLOG_ALERT, 0, s, "civic: %s: %s", what, e.what());
    } catch (...) {
      ap_log_error(APLOG_MARK, APLOG_ALERT, 0, s, "civic: %s: unknown exception", what);
    }
    return 60000;
  };
}

std::int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// The first run soon after start, spread over the children by the pid.
std::int64_t spread(std::int64_t base, std::int64_t range) { return base + getpid() % range; }

void start_retention(Child& c, const ServerConf& sc, server_rec* s) {
  static const forms::Forms no_forms;
  // Forms no longer configured are purged by their last retention.
  auto retired = forms::retired_forms(*c.store);
  auto forms = forms::forms_to_purge(sc.forms ? *sc.forms : no_forms, retired);
  if (forms.empty()) return;
  std::int64_t interval = forms::purge_interval(forms);
  c.tasks.push_back(std::make_unique<PeriodicTask>(
      "retention purge", spread(1000, 1000),
      guarded(s, "retention purge", [&c, s, forms = std::move(forms), interval]() -> std::int64_t {
        auto report = forms::purge_if_due(*c.store, forms, static_cast<std::int64_t>(std::time(nullptr)), interval);
        if (report) {  // else another process has the turn
          if (std::string problem = report->problem(); !problem.empty())
            ap_log_error(APLOG_MARK, APLOG_ERR, 0, s, "civic: retention purge: %s", problem.c_str());
          else if (report->removed > 0)
            ap_log_error(APLOG_MARK, APLOG_NOTICE, 0, s, "civic: retention purge removed %" APR_UINT64_T_FMT " submissions",
                         static_cast<apr_uint64_t>(report->removed));
          if (report->drafts_removed > 0)
            ap_log_error(APLOG_MARK, APLOG_NOTICE, 0, s, "civic: retention purge removed %" APR_UINT64_T_FMT " expired drafts",
                         static_cast<apr_uint64_t>(report->drafts_removed));
        }
        return interval * 1000;
      })));
}

void start_delivery(Child& c, const ServerConf& sc, server_rec* s) {
  if (sc.forms == nullptr) return;
  std::optional<delivery::SmtpConfig> smtp;
  if (sc.smtp != nullptr) smtp = *sc.smtp;
  auto rounds = std::make_shared<forms::DeliveryRounds>(*sc.forms, std::move(smtp));
  if (!rounds->any()) return;
  auto previous = std::make_shared<forms::RoundReport>();
  c.tasks.push_back(std::make_unique<PeriodicTask>(
      "delivery", spread(100, 400), guarded(s, "delivery", [&c, s, rounds, previous]() -> std::int64_t {
        forms::RoundReport last = rounds->run(*c.store, now_ms(), static_cast<std::uint32_t>(getpid()));
        for (const std::string& line : last.lines)
          ap_log_error(APLOG_MARK, APLOG_INFO, 0, s, "civic: delivery: %s", line.c_str());
        if (!last.problem.empty()) {
          ap_log_error(APLOG_MARK, APLOG_ERR, 0, s, "civic: delivery: %s", last.problem.c_str());
        } else {
          for (std::int64_t ms : last.delivered_after_ms) server::count_delivery(shared_metrics(), ms);
        }
        *previous = std::move(last);
        return forms::next_round_ms(*previous);
      })));
  c.delivery = c.tasks.back().get();
}

void start_sources(Child& c, const ServerConf& sc, server_rec* s) {
  if (sc.calendars == nullptr) return;
  for (const calendar::CalendarConfig* cal : sc.calendars->all()) {
    if (!cal->source) continue;
    c.tasks.push_back(std::make_unique<PeriodicTask>(
        "calendar source", spread(200, 300), guarded(s, "calendar source", [&c, s, cal]() -> std::int64_t {
          // Once the child exits, the next page is not asked for: the run
          // ends there, its pages written; the next child goes on from them.
          auto fetch = [&c](const delivery::HttpGet& request) {
            if (c.exiting) {
              delivery::HttpGot stopped;
              stopped.stopped = true;
              return stopped;
            }
            return delivery::http_get(request);
          };
          auto run = calendar::sync_source_if_due(*c.store, *cal, fetch, calendar::now_micros());
          std::int64_t interval = static_cast<std::int64_t>(cal->source->interval_seconds) * 1000;
          if (!run) return interval;  // another process has the turn
          const char* name = cal->name.c_str();
          const auto& counts = run->state.last_run;
          if (run->failed) {
            ap_log_error(APLOG_MARK, APLOG_ERR, 0, s,
                         "civic_calendar \"%s\": source: %s (the events stay as they were)", name,
                         run->state.last_error.c_str());
          } else if (run->changed || counts.skipped > 0) {
            ap_log_error(APLOG_MARK, APLOG_NOTICE, 0, s,
                         "civic_calendar \"%s\": source: %" APR_UINT64_T_FMT " created, %" APR_UINT64_T_FMT " updated, %" APR_UINT64_T_FMT " deleted%s", name,
                         static_cast<apr_uint64_t>(counts.created), static_cast<apr_uint64_t>(counts.updated),
                         static_cast<apr_uint64_t>(counts.deleted), run->more ? " (more to come)" : "");
            if (counts.skipped > 0)
              ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s,
                           "civic_calendar \"%s\": source: %" APR_UINT64_T_FMT " items skipped as malformed, the last: %s", name,
                           static_cast<apr_uint64_t>(counts.skipped), run->state.last_skip.c_str());
          }
          // A followed list with pages left goes on at once (the turn was given back).
          return run->more ? 1000 : interval;
        })));
  }
}

void start_rerender(Child& c, const ServerConf& sc, server_rec* s) {
  if (sc.calendars == nullptr || sc.calendars->all().empty()) return;
  // Events looked at per calendar and turn, as nginx's workers do.
  constexpr std::size_t kSlice = 1000;
  auto calendars = sc.calendars->all();
  auto had_work = std::make_shared<std::set<std::string>>();
  c.tasks.push_back(std::make_unique<PeriodicTask>(
      "re-rendering", spread(500, 500), guarded(s, "re-rendering events", [&c, s, calendars, had_work]() -> std::int64_t {
        calendar::RerenderRound round = calendar::rerender_round(*c.store, calendars, calendar::now_micros(), kSlice);
        if (!round.error.empty())
          ap_log_error(APLOG_MARK, APLOG_ERR, 0, s, "civic: re-rendering events: %s", round.error.c_str());
        for (const auto& [name, n] : round.rewritten) {
          had_work->insert(name);
          ap_log_error(APLOG_MARK, APLOG_INFO, 0, s, "civic_calendar \"%s\": %" APR_SIZE_T_FMT " events rendered in its new style",
                       name.c_str(), n);
        }
        for (const auto& name : round.done)
          if (had_work->erase(name) > 0)
            ap_log_error(APLOG_MARK, APLOG_NOTICE, 0, s,
                         "civic_calendar \"%s\": every event is stored in the calendar's style now", name.c_str());
        bool busy = round.pending && (!round.took_turn || round.done.size() < calendars.size());
        return busy ? 100 : 60000;
      })));
}

}  // namespace

void start_background(Child& c, const ServerConf& sc, server_rec* s) {
  start_retention(c, sc, s);
  start_delivery(c, sc, s);
  start_sources(c, sc, s);
  start_rerender(c, sc, s);
}

}  // namespace civic::apache
