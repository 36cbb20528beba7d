// What a directive's handler reads and says: the words of the line nginx is
// at, and an error from the core logged at that line.
#pragma once

#include "module/ngx.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace civic::module {

inline std::vector<std::string_view> conf_words(ngx_conf_t* cf) {
  auto* args = static_cast<ngx_str_t*>(cf->args->elts);
  std::vector<std::string_view> words;
  words.reserve(cf->args->nelts);
  for (ngx_uint_t i = 0; i < cf->args->nelts; i++) words.push_back(ngx::view(args[i]));
  return words;
}

// NGX_CONF_OK if `error` is empty; else logs it ([emerg], with the file and
// line) and fails the configuration.
inline char* conf_report(ngx_conf_t* cf, const std::string& error) {
  if (error.empty()) return NGX_CONF_OK;
  ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "%s", error.c_str());
  return static_cast<char*>(NGX_CONF_ERROR);
}

}  // namespace civic::module
