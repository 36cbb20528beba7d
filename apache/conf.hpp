// What mod_civic keeps of the configuration: the server-wide settings
// (CivicStore, the calendars and forms, ...) and, per <Location>, its form
// layout. httpd keeps the structs in its
// configuration pool; the C++ objects they point to are freed with it.
#pragma once

#include "apache/httpd.hpp"

#include <cstddef>
#include <new>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace civic {
class Layout;
}
namespace civic::calendar {
class Calendars;
}
namespace civic::forms {
class Forms;
}
namespace civic::delivery {
struct SmtpConfig;
}

namespace civic::apache {

// A <Location> with SetHandler civic-*: its path, and the <VirtualHost> it
// is in (its file and line, as httpd's server_rec has them; "" for the main
// server's, which every host inherits).
struct CivicLocation {
  std::string path;
  std::string host_file;
  int host_line = 0;

  // Whether `uri` of a request to `s` is below it, as httpd matches a
  // <Location>: the path, then "/" or the end.
  bool holds(const server_rec* s, std::string_view uri) const;
};

// The main server's: civic's directives are global, every virtual host
// shares them (merge_server_config gives the main server's to all).
struct ServerConf {
  const char* store_path = nullptr;  // absolute; null without CivicStore
  const char* store_file = nullptr;  // where CivicStore was written, for errors found later
  unsigned store_line = 0;
  bool create_store = false;
  std::size_t max_size = 0;      // 0: the default
  unsigned max_readers = 0;      // 0: the default
  bool feed_cache_set = false;
  std::size_t feed_cache = 0;    // CivicFeedCache: bytes per child process; 0: off
  long commit_batch = 0;         // CivicCommitBatch; 0: the default (1024)
  calendar::Calendars* calendars = nullptr;
  forms::Forms* forms = nullptr;
  delivery::SmtpConfig* smtp = nullptr;
  // Found once the configuration is read (post_config): the first
  // <Location> with SetHandler civic-calendars, for absolute URLs.
  const char* calendars_prefix = nullptr;
  // Every civic <Location>, also found then: their requests skip httpd's
  // walk of the file system (map_to_storage), as they name no file.
  std::vector<CivicLocation>* locations = nullptr;
};

// Per <Location> that has a civic directive (the section's own path is
// the core's: request.hpp's location_path).
struct DirConf {
  const Layout* layout = nullptr;  // CivicFormLayout; null: the built-in page
};

ServerConf& server_conf(server_rec* s);
const DirConf& dir_conf(request_rec* r);

// `new T(args...)` freed when `pool` is (httpd's configuration pool).
template <class T, class... Args>
T* pool_new(apr_pool_t* pool, Args&&... args) {
  T* object = new T(std::forward<Args>(args)...);
  apr_pool_cleanup_register(
      pool, object, [](void* data) -> apr_status_t { delete static_cast<T*>(data); return APR_SUCCESS; },
      apr_pool_cleanup_null);
  return object;
}

// The configuration callbacks of the module record.
void* create_server_conf(apr_pool_t* pool, server_rec* s);
void* merge_server_conf(apr_pool_t* pool, void* base, void* add);
void* create_dir_conf(apr_pool_t* pool, char* dir);
void* merge_dir_conf(apr_pool_t* pool, void* base, void* add);

// The directive table (directives.cpp, sections.cpp).
extern const command_rec commands[];

}  // namespace civic::apache
