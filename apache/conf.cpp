#include "apache/conf.hpp"

namespace civic::apache {

bool CivicLocation::holds(const server_rec* s, std::string_view uri) const {
  if (!host_file.empty() && !(s->is_virtual && s->defn_name != nullptr && host_file == s->defn_name &&
                              host_line == static_cast<int>(s->defn_line_number)))
    return false;
  if (!uri.starts_with(path)) return false;
  return uri.size() == path.size() || path.ends_with('/') || uri[path.size()] == '/';
}

ServerConf& server_conf(server_rec* s) {
  return *static_cast<ServerConf*>(ap_get_module_config(s->module_config, &civic_module));
}

const DirConf& dir_conf(request_rec* r) {
  static const DirConf none;  // no civic directive in the request's sections
  auto* dc = static_cast<const DirConf*>(ap_get_module_config(r->per_dir_config, &civic_module));
  return dc ? *dc : none;
}

void* create_server_conf(apr_pool_t* pool, server_rec*) {
  void* memory = apr_pcalloc(pool, sizeof(ServerConf));
  return new (memory) ServerConf();  // trivially destructible: the pool frees it
}

// Every virtual host has the main server's.
void* merge_server_conf(apr_pool_t*, void* base, void*) { return base; }

void* create_dir_conf(apr_pool_t* pool, char*) {
  void* memory = apr_pcalloc(pool, sizeof(DirConf));
  return new (memory) DirConf();
}

void* merge_dir_conf(apr_pool_t* pool, void* base_conf, void* add_conf) {
  auto* base = static_cast<DirConf*>(base_conf);
  auto* add = static_cast<DirConf*>(add_conf);
  auto* merged = static_cast<DirConf*>(create_dir_conf(pool, nullptr));
  merged->layout = add->layout ? add->layout : base->layout;
  return merged;
}

static_assert(std::is_trivially_destructible_v<ServerConf>);  // `locations` is the pool's (pool_new)
static_assert(std::is_trivially_destructible_v<DirConf>);

}  // namespace civic::apache
