// A directive's words as httpd reads them ("..." quoting, backslash escapes),
// for the core's parsers, which take the same words as nginx's directives.
#pragma once

#include "apache/httpd.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace civic::apache {

// The words of `line` (allocated in `pool`). A ";" that ends the line is
// dropped: a line copied from an nginx block reads the same.
inline std::vector<std::string_view> conf_words(apr_pool_t* pool, const char* line) {
  std::string text(line);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.pop_back();
  if (!text.empty() && text.back() == ';') text.pop_back();
  const char* rest = apr_pstrdup(pool, text.c_str());
  std::vector<std::string_view> words;
  while (*rest != '\0') {
    char* word = ap_getword_conf(pool, &rest);
    if (*word == '\0' && *rest == '\0') break;
    words.emplace_back(word);
  }
  return words;
}

// httpd wants a message it keeps (in the configuration pool).
inline const char* conf_error(cmd_parms* cmd, const std::string& message) {
  return message.empty() ? nullptr : apr_pstrdup(cmd->pool, message.c_str());
}

}  // namespace civic::apache
