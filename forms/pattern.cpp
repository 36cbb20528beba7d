#include "forms/pattern.hpp"

namespace civic::forms {

namespace {

// Bounds the work one match may do, so that a pattern with nested
// quantifiers cannot be turned against the server by a crafted value.
constexpr uint32_t kMatchLimit = 1'000'000;
constexpr uint32_t kDepthLimit = 10'000;

struct MatchContext {
  pcre2_match_context* ctx = nullptr;
  MatchContext() {
    ctx = pcre2_match_context_create(nullptr);
    if (ctx) {
      pcre2_set_match_limit(ctx, kMatchLimit);
      pcre2_set_depth_limit(ctx, kDepthLimit);
    }
  }
  ~MatchContext() { pcre2_match_context_free(ctx); }
};

// One per thread: a match context is not to be shared while in use.
pcre2_match_context* match_context() {
  thread_local MatchContext context;
  return context.ctx;
}

}  // namespace

std::variant<std::shared_ptr<const Pattern>, std::string> Pattern::compile(std::string_view source) {
  int error = 0;
  PCRE2_SIZE offset = 0;
  pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(source.data()), source.size(),
                                   PCRE2_UTF, &error, &offset, nullptr);
  if (code == nullptr) {
    PCRE2_UCHAR message[256];
    pcre2_get_error_message(error, message, sizeof message);
    return std::string(reinterpret_cast<const char*>(message)) + " at offset " + std::to_string(offset);
  }
  bool jit = pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) == 0;
  return std::shared_ptr<const Pattern>(new Pattern(code, std::string(source), jit));
}

Pattern::~Pattern() { pcre2_code_free(code_); }

bool Pattern::matches(std::string_view text) const {
  pcre2_match_data* md = pcre2_match_data_create_from_pattern(code_, nullptr);
  if (md == nullptr) return false;
  int rc = pcre2_match(code_, reinterpret_cast<PCRE2_SPTR>(text.data()), text.size(), 0, 0, md, match_context());
  pcre2_match_data_free(md);
  return rc >= 0;
}

}  // namespace civic::forms
