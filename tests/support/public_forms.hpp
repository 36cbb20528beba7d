// The forms public service's tests: a configured form, a token signer, and
// what a client sees of a Reply, as plain values.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/reply.hpp"
#include "forms/forms.hpp"
#include "forms/token.hpp"
#include "tests/support/form_lines.hpp"

namespace civic::test {

inline constexpr std::int64_t kNow = 1800000000;

// "feedback" in fi, sv and en: name (text, required), photo (file, several).
// `extra`: more form settings (confirm, max_submissions_per_day, ...).
inline forms::Form public_form(std::vector<std::string> extra = {}) {
  std::vector<std::string> lines{"languages fi sv en", "title fi \"Palaute\"", "title en \"Feedback\"",
                                 "receipt_prefix PAL"};
  lines.insert(lines.end(), extra.begin(), extra.end());
  for (const char* line : {"field name text", "  required", "end", "field photo file", "  multiple", "end"})
    lines.emplace_back(line);
  auto built = build_form("feedback", lines);
  if (auto* form = std::get_if<forms::Form>(&built)) return std::move(*form);
  std::abort();  // the lines above are valid
}

inline const forms::Forms& public_forms() {
  static const forms::Forms forms = [] {
    forms::Forms f;
    f.add(public_form());
    return f;
  }();
  return forms;
}

inline const forms::TokenSigner& test_signer() {
  static const forms::TokenSigner signer(std::string(32, 'k'));
  return signer;
}

// What a client sees of a reply.
struct Seen {
  int status = 0;
  std::string content_type, body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string log;
  bool store_full = false;

  std::string header(std::string_view name) const {
    for (const auto& [n, v] : headers)
      if (n == name) return v;
    return "(none)";
  }
  bool has(std::string_view text) const { return body.find(text) != std::string::npos; }
};

inline Seen seen(const Reply& reply) {
  return {reply.status, reply.content_type, reply.body.str(), reply.headers, reply.log, reply.store_full};
}

}  // namespace civic::test
