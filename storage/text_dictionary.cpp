#include "storage/text_dictionary.hpp"

#include <zdict.h>
#include <zstd.h>

#include <algorithm>
#include <mutex>
#include <unordered_map>

#include "common/hash.hpp"

namespace civic::storage {

namespace {

// Level 3 (zstd's default): 10% smaller than level 1 at the same speed
// with a dictionary, on the generated corpus (bench/scale).
constexpr int kLevel = 3;
// A frame may claim at most this much text (a record's text is far less):
// a damaged size never makes a large allocation.
constexpr unsigned long long kMaxText = 16u << 20;

// zstd's working contexts are not shared between threads: one per thread
// (an nginx worker and each thread of its pool).
struct Contexts {
  ZSTD_CCtx* compress = ZSTD_createCCtx();
  ZSTD_DCtx* decompress = ZSTD_createDCtx();
  ~Contexts() {
    ZSTD_freeCCtx(compress);
    ZSTD_freeDCtx(decompress);
  }
};

Contexts& contexts() {
  thread_local Contexts c;
  return c;
}

}  // namespace

struct TextDictionary::Handles {
  ZSTD_CDict* compress = nullptr;
  ZSTD_DDict* decompress = nullptr;
  ~Handles() {
    ZSTD_freeCDict(compress);
    ZSTD_freeDDict(decompress);
  }
};

TextDictionary::TextDictionary(std::string bytes, std::uint64_t hash, std::unique_ptr<Handles> handles)
    : bytes_(std::move(bytes)), hash_(hash), handles_(std::move(handles)) {}

TextDictionary::~TextDictionary() = default;

std::shared_ptr<const TextDictionary> TextDictionary::load(std::string bytes) {
  if (bytes.empty() || ZDICT_getDictID(bytes.data(), bytes.size()) == 0) return nullptr;
  auto handles = std::make_unique<Handles>();
  handles->compress = ZSTD_createCDict(bytes.data(), bytes.size(), kLevel);
  handles->decompress = ZSTD_createDDict(bytes.data(), bytes.size());
  if (!handles->compress || !handles->decompress) return nullptr;
  std::uint64_t hash = fnv1a64(bytes);
  return std::shared_ptr<const TextDictionary>(new TextDictionary(std::move(bytes), hash, std::move(handles)));
}

Result<std::string> TextDictionary::pack(std::string_view plain) const {
  Contexts& c = contexts();
  if (!c.compress) return Error(Error::kInvalid, "pack a text", "zstd could not make a context");
  std::string out(ZSTD_compressBound(plain.size()), '\0');
  // Without the dictionary's id (the record names it) or a checksum (the
  // record has one for all its bytes): 8 bytes less a frame, and an event
  // has a dozen frames.
  ZSTD_CCtx_reset(c.compress, ZSTD_reset_session_and_parameters);
  std::size_t n = ZSTD_CCtx_refCDict(c.compress, handles_->compress);
  if (!ZSTD_isError(n)) n = ZSTD_CCtx_setParameter(c.compress, ZSTD_c_dictIDFlag, 0);
  if (!ZSTD_isError(n)) n = ZSTD_compress2(c.compress, out.data(), out.size(), plain.data(), plain.size());
  if (ZSTD_isError(n)) return Error(Error::kInvalid, "pack a text", ZSTD_getErrorName(n));
  out.resize(n);
  return out;
}

char* TextArena::reserve(std::size_t n) {
  constexpr std::size_t kChunk = 64 * 1024;
  if (chunks_.empty() || chunks_.back().size() - used_ < n) {
    chunks_.emplace_back(std::max(kChunk, n), '\0');
    used_ = 0;
  }
  char* at = chunks_.back().data() + used_;
  used_ += n;
  return at;
}

std::optional<std::string_view> TextDictionary::unpack(std::string_view frame, TextArena& arena) const {
  Contexts& c = contexts();
  if (!c.decompress) return std::nullopt;
  unsigned long long size = ZSTD_getFrameContentSize(frame.data(), frame.size());
  if (size == ZSTD_CONTENTSIZE_UNKNOWN || size == ZSTD_CONTENTSIZE_ERROR || size > kMaxText) return std::nullopt;
  char* at = arena.reserve(size);
  std::size_t n = ZSTD_decompress_usingDDict(c.decompress, at, size, frame.data(), frame.size(), handles_->decompress);
  if (ZSTD_isError(n) || n != size) {
    arena.release(size);
    return std::nullopt;
  }
  return std::string_view(at, size);
}

bool TextDictionary::unpack(std::string_view frame, std::string& out) const {
  Contexts& c = contexts();
  if (!c.decompress) return false;
  unsigned long long size = ZSTD_getFrameContentSize(frame.data(), frame.size());
  if (size == ZSTD_CONTENTSIZE_UNKNOWN || size == ZSTD_CONTENTSIZE_ERROR || size > kMaxText) return false;
  std::size_t at = out.size();
  out.resize(at + size);
  std::size_t n = ZSTD_decompress_usingDDict(c.decompress, out.data() + at, size, frame.data(), frame.size(),
                                             handles_->decompress);
  if (ZSTD_isError(n) || n != size) {
    out.resize(at);
    return false;
  }
  return true;
}

Result<std::string> train_dictionary(const std::vector<std::string_view>& samples) {
  std::string joined;
  std::vector<std::size_t> sizes;
  sizes.reserve(samples.size());
  for (auto s : samples) {
    joined.append(s);
    sizes.push_back(s.size());
  }
  std::string dictionary(kDictionaryBytes, '\0');
  std::size_t n = ZDICT_trainFromBuffer(dictionary.data(), dictionary.size(), joined.data(), sizes.data(),
                                        static_cast<unsigned>(sizes.size()));
  if (ZDICT_isError(n)) return Error(Error::kInvalid, "train a dictionary", ZDICT_getErrorName(n));
  dictionary.resize(n);
  return dictionary;
}

namespace {

std::mutex registry_lock;
std::unordered_map<std::uint64_t, std::shared_ptr<const TextDictionary>>& registry() {
  static auto* r = new std::unordered_map<std::uint64_t, std::shared_ptr<const TextDictionary>>;
  return *r;
}

}  // namespace

std::shared_ptr<const TextDictionary> cached_dictionary(std::uint64_t hash) {
  std::lock_guard lock(registry_lock);
  auto it = registry().find(hash);
  return it == registry().end() ? nullptr : it->second;
}

std::shared_ptr<const TextDictionary> remember_dictionary(std::shared_ptr<const TextDictionary> dictionary) {
  std::lock_guard lock(registry_lock);
  auto [it, added] = registry().emplace(dictionary->hash(), dictionary);
  return it->second;
}

}  // namespace civic::storage
