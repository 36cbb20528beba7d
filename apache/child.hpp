// What one httpd child process holds while it serves: the store (opened in
// child_init, closed at its exit), the calendar reader with its cache of
// built feeds, the token signer, the group commit, the background tasks,
// and the counters every process shares.
#pragma once

#include "apache/httpd.hpp"

#include <atomic>
#include <memory>
#include <optional>
#include <vector>

#include "calendar/service/reader.hpp"
#include "forms/service/token_signer.hpp"
#include "server/group_commit.hpp"
#include "server/metrics.hpp"
#include "storage/store.hpp"

namespace civic::apache {

class PeriodicTask;
struct ServerConf;

struct Child {
  std::optional<storage::Store> store;       // empty: not open (requests get 503; the log says why)
  std::optional<calendar::Reader> reader;
  std::optional<forms::TokenSigner> signer;  // empty: the store's secret could not be read
  std::unique_ptr<server::GroupCommit> commits;
  PeriodicTask* delivery = nullptr;          // among `tasks`, if any form delivers
  std::vector<std::unique_ptr<PeriodicTask>> tasks;
  // The child is exiting (a graceful restart or stop): a long task (a
  // source's sync) stops at its next request rather than hold the exit up.
  std::atomic<bool> exiting{false};
};

Child& child();

// The counters (one block of shared memory made by the parent), or null.
server::SharedMetrics* shared_metrics() noexcept;
// In the parent, after each reading of the configuration: maps the block
// once for the parent's life (children inherit it), then gives a slot to
// each calendar and form (existing slots keep their counts).
void prepare_metrics(const ServerConf& sc);

// CivicStore's path, map size and readers.
storage::EnvOptions store_options(const ServerConf& sc);

// child_init and its cleanup.
void start_child(apr_pool_t* pchild, server_rec* s);

// The background tasks of the child (periodic.hpp), once the store is open.
void start_background(Child& c, const ServerConf& sc, server_rec* s);

}  // namespace civic::apache
