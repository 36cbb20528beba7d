// A directive's words as httpd reads them ("..." quoting, backslash escapes),
// for the core's parsers, which take the same words as nginx's directives.
#pragma once

#include "apache/httpd.hpp"

#include <exception>
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

// The settings of one line: nginx's blocks allow several on a line
// (`label fi "Nimi"; label sv "Namn";`), split at each ";" outside quotes,
// so that such a line copied into a <CivicForm> reads the same.
inline std::vector<std::string> split_settings(std::string_view line) {
  std::vector<std::string> settings(1);
  char quote = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quote != 0) {
      if (c == '\\' && i + 1 < line.size()) {
        settings.back().push_back(c);
        c = line[++i];
      } else if (c == quote) {
        quote = 0;
      }
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == ';') {
      settings.emplace_back();
      continue;
    }
    settings.back().push_back(c);
  }
  std::erase_if(settings, [](const std::string& s) { return s.find_first_not_of(" \t") == std::string::npos; });
  return settings;
}

// A directive's body: what it throws (no memory, a bug) becomes the
// directive's error, named by `what` ("civic_form"), never an exception in
// httpd's C.
template <class Body>
const char* conf_guard(cmd_parms* cmd, const char* what, Body&& body) noexcept {
  try {
    return body();
  } catch (const std::exception& e) {
    return apr_pstrcat(cmd->pool, what, ": ", e.what(), nullptr);
  } catch (...) {
    return apr_pstrcat(cmd->pool, what, ": unknown exception", nullptr);
  }
}

// httpd wants a message it keeps (in the configuration pool).
inline const char* conf_error(cmd_parms* cmd, const std::string& message) {
  return message.empty() ? nullptr : apr_pstrdup(cmd->pool, message.c_str());
}

}  // namespace civic::apache
