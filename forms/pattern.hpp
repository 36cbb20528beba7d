// A field's `pattern`: a PCRE2 regular expression compiled once, at
// configuration time (with JIT where the platform has it), and matched from
// any thread: the compiled code is read-only and match data is made per call.
#pragma once

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <memory>
#include <string>
#include <string_view>
#include <variant>

namespace civic::forms {

class Pattern {
 public:
  // The compiled pattern, or a message saying why it does not compile
  // ("missing closing parenthesis at offset 4").
  static std::variant<std::shared_ptr<const Pattern>, std::string> compile(std::string_view source);

  ~Pattern();
  Pattern(const Pattern&) = delete;
  Pattern& operator=(const Pattern&) = delete;

  // True if the pattern matches somewhere in `text` (anchor it with ^ and $
  // to match the whole value). A match that exceeds the match limit counts
  // as no match.
  bool matches(std::string_view text) const;
  const std::string& source() const noexcept { return source_; }
  bool jit() const noexcept { return jit_; }

 private:
  Pattern(pcre2_code* code, std::string source, bool jit) : code_(code), source_(std::move(source)), jit_(jit) {}
  pcre2_code* code_;
  std::string source_;
  bool jit_;
};

}  // namespace civic::forms
