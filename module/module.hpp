// Declarations shared by the module's files: the configuration structs nginx
// keeps for us and the per-worker runtime.
#pragma once

#include "module/ngx.hpp"

#include <optional>
#include <type_traits>

#include "storage/store.hpp"

extern "C" {
extern ngx_module_t ngx_http_civic_module;
}

namespace civic {
class Layout;
}
namespace civic::forms {
class FormBuilder;
class Forms;
}
namespace civic::calendar {
class Calendars;
}
namespace civic::delivery {
struct SmtpConfig;
}

namespace civic::module {

// http{} level. Plain data: lives in nginx's configuration pool.
struct MainConf {
  ngx_str_t store_path;       // absolute; empty if civic_store is absent
  ngx_flag_t create_store;    // civic_store ... create: make the store if there is none
  ngx_str_t store_conf_file;  // where civic_store was written, for errors found later
  ngx_uint_t store_conf_line;
  size_t max_size;            // LMDB map size
  ngx_uint_t max_readers;
  ngx_str_t thread_pool_name;
  ngx_thread_pool_t* thread_pool;
  ngx_flag_t used;            // a civic_* location directive was seen
  forms::Forms* forms;        // civic_form blocks; pool-cleanup owned
  forms::FormBuilder* form_parse;  // while a civic_form block is being read
  ngx_int_t commit_batch;     // civic_commit_batch: submissions per commit at most
  calendar::Calendars* calendars;  // civic_calendar blocks; pool-cleanup owned
  ngx_str_t calendars_prefix; // the first civic_calendars location, for absolute URLs
  size_t feed_cache_size;     // civic_feed_cache: bytes of built feeds per worker; 0: off
  delivery::SmtpConfig* smtp; // civic_smtp; null if absent (pool-cleanup owned)
};
static_assert(std::is_trivially_destructible_v<MainConf>);

enum class Role : ngx_uint_t { none = 0, admin, calendars, forms };

// location{} level.
struct LocConf {
  ngx_uint_t role;  // Role
  ngx_str_t prefix; // the location's name: request paths are read after it
  const Layout* layout;  // civic_form_layout; null: the built-in page (pool-cleanup owned)
};
static_assert(std::is_trivially_destructible_v<LocConf>);

// The store this worker process opened in init_process; empty in the master
// and when opening failed (requests then get 503).
std::optional<storage::Store>& worker_store();
// The worker's store for work admitted while it was open (a request is
// answered 503 before, if not); throws if it is not: the guard answers 500.
storage::Store& open_store();

// Handlers, one per role.
ngx_int_t admin_handler(ngx_http_request_t* r) noexcept;
ngx_int_t forms_handler(ngx_http_request_t* r) noexcept;

// $civic_receipt (module/forms_handler.cpp).
ngx_int_t add_form_variables(ngx_conf_t* cf) noexcept;
ngx_int_t calendars_handler(ngx_http_request_t* r) noexcept;

}  // namespace civic::module
