#include "apache/child.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <exception>
#include <string>
#include <vector>

#include "apache/conf.hpp"
#include "apache/periodic.hpp"
#include "calendar/model/calendars.hpp"
#include "forms/forms.hpp"
#include "forms/submission_export.hpp"
#include "storage/store_parameters.hpp"

namespace civic::apache {

namespace {

server::SharedMetrics* counters = nullptr;

apr_status_t end_child(void*) {
  Child& c = child();
  c.exiting = true;
  for (auto& task : c.tasks) task->stop();  // before the store they use closes
  c.tasks.clear();
  c.delivery = nullptr;
  c.commits.reset();
  c.signer.reset();
  c.reader.reset();
  c.store.reset();
  return APR_SUCCESS;
}

}  // namespace

Child& child() {
  static Child c;
  return c;
}

server::SharedMetrics* shared_metrics() noexcept { return counters; }

void prepare_metrics(const ServerConf& sc) {
  static void* block = nullptr;  // for the parent's life: counts go on across graceful restarts
  if (block == nullptr) {
    void* mapped = mmap(nullptr, sizeof(server::SharedMetrics), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (mapped == MAP_FAILED) return;
    block = mapped;
  }
  std::vector<std::string_view> calendars, forms;
  if (sc.calendars) calendars = sc.calendars->names();
  if (sc.forms) forms = sc.forms->names();
  counters = server::SharedMetrics::prepare(block, calendars, forms);
}

storage::EnvOptions store_options(const ServerConf& sc) {
  storage::EnvOptions options;
  options.path = sc.store_path;
  options.map_size = sc.max_size ? sc.max_size : storage::kDefaultMapSize;
  options.max_readers = sc.max_readers ? sc.max_readers : storage::kDefaultMaxReaders;
  return options;
}

void start_child(apr_pool_t* pchild, server_rec* s) {
  const ServerConf& sc = server_conf(s);
  if (sc.store_path == nullptr) return;
  apr_pool_cleanup_register(pchild, nullptr, end_child, apr_pool_cleanup_null);
  try {
    Child& c = child();
    // A child whose store does not open keeps running and answers 503, so
    // that the cause is in the log and the rest of the server still works.
    auto store = storage::Store::open(store_options(sc));
    if (!store) {
      ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s, "civic_store \"%s\": %s", sc.store_path,
                   store.error().message().c_str());
      return;
    }
    if (store->stale_readers_cleared() > 0)
      ap_log_error(APLOG_MARK, APLOG_NOTICE, 0, s, "civic_store \"%s\": cleared %d stale reader slots", sc.store_path,
                   store->stale_readers_cleared());
    c.store.emplace(std::move(*store));
    static const calendar::Calendars no_calendars;
    c.reader.emplace(sc.calendars ? *sc.calendars : no_calendars,
                     sc.feed_cache_set ? sc.feed_cache : calendar::kDefaultFeedCache);
    if (auto signer = forms::store_token_signer(*c.store)) {
      c.signer.emplace(std::move(signer.value()));
    } else {
      ap_log_error(APLOG_MARK, APLOG_ERR, 0, s, "civic: %s", signer.error().message().c_str());
    }
    c.commits = std::make_unique<server::GroupCommit>(sc.commit_batch > 0 ? static_cast<std::size_t>(sc.commit_batch)
                                                                          : 1024);
    forms::init_xml_export();
    start_background(c, sc, s);
  } catch (const std::exception& e) {
    ap_log_error(APLOG_MARK, APLOG_ALERT, 0, s, "civic: starting a child process: %s", e.what());
  }
}

}  // namespace civic::apache
