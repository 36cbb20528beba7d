#include "sealing/draft_box.hpp"

#include <sodium.h>

#include <cstdint>
#include <limits>

#include "sealing/sodium_text.hpp"

namespace civic::sealing {

namespace {

static_assert(kDraftKeyBytes == crypto_secretbox_KEYBYTES);

constexpr unsigned char kBoxVersion = 1;
constexpr std::size_t kHeaderBytes = 1 + crypto_secretbox_NONCEBYTES;
constexpr const char* kSeal = "encrypt a draft";
constexpr const char* kOpen = "decrypt a draft";

void put_u32(std::string& out, std::size_t n) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((n >> shift) & 0xff));
}

void put_text(std::string& out, std::string_view s) {
  put_u32(out, s.size());
  out.append(s);
}

// Reads what put_u32/put_text wrote; `ok` goes false on a short input.
struct Reader {
  std::string_view in;
  bool ok = true;

  std::uint32_t u32() {
    if (in.size() < 4) {
      ok = false;
      return 0;
    }
    std::uint32_t n = 0;
    for (int i = 0; i < 4; ++i) n = (n << 8) | static_cast<unsigned char>(in[i]);
    in.remove_prefix(4);
    return n;
  }
  std::string text() {
    std::uint32_t n = u32();
    if (!ok || n > in.size()) {
      ok = false;
      return {};
    }
    std::string s(in.substr(0, n));
    in.remove_prefix(n);
    return s;
  }
};

constexpr std::size_t kMaxLength = std::numeric_limits<std::uint32_t>::max();

bool encodable(const DraftAnswers& a) {
  if (a.values.size() > kMaxLength || a.files.size() > kMaxLength) return false;
  for (const auto& [name, value] : a.values)
    if (name.size() > kMaxLength || value.size() > kMaxLength) return false;
  for (const DraftFile& f : a.files)
    if (f.field.size() > kMaxLength || f.filename.size() > kMaxLength || f.media_type.size() > kMaxLength ||
        f.content.size() > kMaxLength)
      return false;
  return true;
}

std::string encode(const DraftAnswers& a) {
  std::string out;
  out.reserve(a.size() + 8 + 8 * a.values.size() + 16 * a.files.size());
  put_u32(out, a.values.size());
  for (const auto& [name, value] : a.values) {
    put_text(out, name);
    put_text(out, value);
  }
  put_u32(out, a.files.size());
  for (const DraftFile& f : a.files) {
    put_text(out, f.field);
    put_text(out, f.filename);
    put_text(out, f.media_type);
    put_text(out, f.content);
  }
  return out;
}

Result<DraftAnswers> decode(std::string_view plain) {
  Reader r{plain};
  DraftAnswers a;
  auto damaged = [] { return Error(Error::kCorrupt, kOpen, "its answers are malformed"); };
  // Each value takes at least 8 bytes, each file 16: a larger count is damage.
  std::uint32_t values = r.u32();
  if (!r.ok || values > r.in.size() / 8) return damaged();
  for (std::uint32_t i = 0; i < values && r.ok; ++i) {
    std::string name = r.text();
    std::string value = r.text();
    a.values.emplace_back(std::move(name), std::move(value));
  }
  std::uint32_t files = r.u32();
  if (!r.ok || files > r.in.size() / 16) return damaged();
  for (std::uint32_t i = 0; i < files && r.ok; ++i) {
    DraftFile f;
    f.field = r.text();
    f.filename = r.text();
    f.media_type = r.text();
    f.content = r.text();
    a.files.push_back(std::move(f));
  }
  if (!r.ok || !r.in.empty()) return damaged();
  return a;
}

const unsigned char* bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

}  // namespace

DraftAnswers::~DraftAnswers() {
  for (auto& [name, value] : values) {
    wipe(name);
    wipe(value);
  }
  for (DraftFile& f : files) {
    wipe(f.field);
    wipe(f.filename);
    wipe(f.media_type);
    wipe(f.content);
  }
}

std::size_t DraftAnswers::size() const noexcept {
  std::size_t n = 0;
  for (const auto& [name, value] : values) n += name.size() + value.size();
  for (const DraftFile& f : files) n += f.field.size() + f.filename.size() + f.media_type.size() + f.content.size();
  return n;
}

Result<std::string> seal_draft(const DraftAnswers& answers, std::string_view key) {
  if (!sodium_ready()) return Error(Error::kInvalid, kSeal, "libsodium cannot start");
  if (key.size() != kDraftKeyBytes) return Error(Error::kInvalid, kSeal, "the draft key is not 32 bytes");
  if (!encodable(answers)) return Error(Error::kInvalid, kSeal, "an answer or file is larger than 4 GiB");
  std::string plain = encode(answers);
  std::string box(kHeaderBytes + crypto_secretbox_MACBYTES + plain.size(), '\0');
  box[0] = static_cast<char>(kBoxVersion);
  auto* out = reinterpret_cast<unsigned char*>(box.data());
  randombytes_buf(out + 1, crypto_secretbox_NONCEBYTES);
  int rc = crypto_secretbox_easy(out + kHeaderBytes, bytes(plain), plain.size(), out + 1, bytes(key));
  wipe(plain);
  if (rc != 0) return Error(Error::kInvalid, kSeal, "libsodium cannot encrypt it");
  return box;
}

Result<DraftAnswers> open_draft(std::string_view box, std::string_view key) {
  if (!sodium_ready()) return Error(Error::kInvalid, kOpen, "libsodium cannot start");
  if (key.size() != kDraftKeyBytes) return Error(Error::kInvalid, kOpen, "the draft key is not 32 bytes");
  if (box.size() < kHeaderBytes + crypto_secretbox_MACBYTES || static_cast<unsigned char>(box[0]) != kBoxVersion)
    return Error(Error::kCorrupt, kOpen, "the stored box is not an encrypted draft");
  std::string_view sealed = box.substr(kHeaderBytes);
  std::string plain(sealed.size() - crypto_secretbox_MACBYTES, '\0');
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plain.data()), bytes(sealed), sealed.size(),
                                 bytes(box) + 1, bytes(key)) != 0) {
    return Error(Error::kInvalid, kOpen, "the key does not open it, or it was changed");
  }
  auto answers = decode(plain);
  wipe(plain);
  return answers;
}

}  // namespace civic::sealing
