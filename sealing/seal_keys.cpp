#include "sealing/seal_keys.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <optional>
#include <sstream>

#include <sodium.h>

#include "common/hex.hpp"
#include "sealing/sodium_text.hpp"

namespace civic::sealing {

namespace {

constexpr const char* kKeygenHint = "as civicctl keygen writes it";

// The one key line of a key file: its word and its base64.
struct KeyLine {
  std::string_view word;
  std::string_view base64;
};

std::optional<KeyLine> key_line(std::string_view text) {
  std::optional<KeyLine> found;
  while (!text.empty()) {
    std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    if (line.empty() || line.front() == '#') continue;
    if (found) return std::nullopt;  // a second key line
    std::size_t space = line.find_first_of(" \t");
    if (space == std::string_view::npos) return std::nullopt;
    std::string_view rest = line.substr(space);
    while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) rest.remove_prefix(1);
    found = KeyLine{line.substr(0, space), rest};
  }
  return found;
}

Result<std::array<unsigned char, kKeyBytes>> key_bytes(std::string_view text, std::string_view want,
                                                       std::string_view other, std::string_view refusal) {
  const std::string operation = "read " + std::string(want == kPublicWord ? "public" : "secret") + " key";
  auto line = key_line(text);
  if (!line || (line->word != want && line->word != other)) {
    return Error(Error::kInvalid, operation,
                 "not a civic key file: expected one line \"" + std::string(want) + " BASE64\", " + kKeygenHint);
  }
  if (line->word == other) return Error(Error::kInvalid, operation, std::string(refusal));
  auto bytes = from_base64(line->base64);
  if (!bytes || bytes->size() != kKeyBytes) {
    if (bytes) sodium_memzero(bytes->data(), bytes->size());
    return Error(Error::kInvalid, operation, "the key is not " + std::to_string(kKeyBytes) + " bytes of base64");
  }
  std::array<unsigned char, kKeyBytes> key{};
  std::copy(bytes->begin(), bytes->end(), key.begin());
  sodium_memzero(bytes->data(), bytes->size());
  return key;
}

Result<std::string> read_text(const std::string& path, std::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error(errno == 0 ? ENOENT : errno, "read " + std::string(what) + " " + path);
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return Error(EIO, "read " + std::string(what) + " " + path);
  return text.str();
}

Error naming(const Error& e, const std::string& path) {
  return Error(Error::kInvalid, e.operation() + " " + path, e.message().substr(e.operation().size() + 2));
}

Status write_file(const std::string& path, const std::string& text, mode_t mode) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return Error(errno, "create " + path);
  std::size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int e = errno;
      ::close(fd);
      ::unlink(path.c_str());
      return Error(e, "write " + path);
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) return Error(errno, "write " + path);
  return {};
}

bool ends_with(std::string_view s, std::string_view end) {
  return s.size() >= end.size() && s.substr(s.size() - end.size()) == end;
}

}  // namespace

SecretKey::SecretKey(SecretKey&& other) noexcept : public_key(other.public_key), bytes(other.bytes) {
  sodium_memzero(other.bytes.data(), other.bytes.size());
}

SecretKey::~SecretKey() { sodium_memzero(bytes.data(), bytes.size()); }

std::string raw_key_id(const std::array<unsigned char, kKeyBytes>& public_key) {
  unsigned char hash[crypto_generichash_BYTES_MIN];
  crypto_generichash(hash, sizeof hash, public_key.data(), public_key.size(), nullptr, 0);
  return std::string(reinterpret_cast<const char*>(hash), kKeyIdBytes);
}

std::string key_id(const std::array<unsigned char, kKeyBytes>& public_key) { return to_hex(raw_key_id(public_key)); }

Result<PublicKey> parse_public_key(std::string_view text) {
  auto bytes = key_bytes(text, kPublicWord, kSecretWord,
                         "this is a SECRET key: give the .pub file here; the secret key belongs on the case "
                         "workers' machines only");
  if (!bytes) return bytes.error();
  if (!sodium_ready()) return Error(Error::kInvalid, "read public key", "libsodium cannot start");
  // A key libsodium refuses to seal for (an all-zero shared secret).
  unsigned char probe[crypto_box_SEALBYTES + 1];
  const unsigned char byte = 0;
  if (crypto_box_seal(probe, &byte, 1, bytes->data()) != 0) {
    return Error(Error::kInvalid, "read public key", "libsodium cannot seal for this key (not a usable X25519 key)");
  }
  PublicKey key;
  key.bytes = *bytes;
  key.id = key_id(key.bytes);
  return key;
}

Result<SecretKey> parse_secret_key(std::string_view text) {
  auto bytes = key_bytes(text, kSecretWord, kPublicWord, "this is a public key; opening needs the .secret file");
  if (!bytes) return bytes.error();
  SecretKey key;
  key.bytes = *bytes;
  sodium_memzero(bytes->data(), bytes->size());
  crypto_scalarmult_base(key.public_key.bytes.data(), key.bytes.data());
  key.public_key.id = key_id(key.public_key.bytes);
  return key;
}

Result<PublicKey> read_public_key(const std::string& path) {
  auto text = read_text(path, "public key");
  if (!text) return text.error();
  auto key = parse_public_key(*text);
  if (!key) return naming(key.error(), path);
  return key;
}

Result<SecretKey> read_secret_key(const std::string& path) {
  auto text = read_text(path, "secret key");
  if (!text) return text.error();
  auto key = parse_secret_key(*text);
  sodium_memzero(text->data(), text->size());
  if (!key) return naming(key.error(), path);
  return key;
}

Result<KeyFiles> write_key_pair(const std::string& dir) {
  if (!sodium_ready()) return Error(Error::kInvalid, "make a key pair", "libsodium cannot start");
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return Error(errno, "create " + dir);
  PublicKey pub;
  std::array<unsigned char, kKeyBytes> secret{};
  crypto_box_keypair(pub.bytes.data(), secret.data());
  pub.id = key_id(pub.bytes);
  KeyFiles files{pub.id, dir + "/" + pub.id + ".pub", dir + "/" + pub.id + ".secret"};
  std::string secret_text = "# civic seal SECRET key " + pub.id +
                            ": only for the machines that open sealed submissions; never on the web server\n" +
                            std::string(kSecretWord) + " " +
                            to_base64(std::string_view(reinterpret_cast<const char*>(secret.data()), secret.size())) +
                            "\n";
  sodium_memzero(secret.data(), secret.size());
  Status written = write_file(files.secret_path, secret_text, 0600);
  sodium_memzero(secret_text.data(), secret_text.size());
  if (!written) return written.error();
  std::string public_text =
      "# civic seal public key " + pub.id + ": for nginx.conf (seal " + files.public_path + ";)\n" +
      std::string(kPublicWord) + " " +
      to_base64(std::string_view(reinterpret_cast<const char*>(pub.bytes.data()), pub.bytes.size())) + "\n";
  if (Status s = write_file(files.public_path, public_text, 0644); !s) {
    ::unlink(files.secret_path.c_str());
    return s.error();
  }
  return files;
}

Status KeyRing::load(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return Error(errno, "read secret keys " + path);
  if (!S_ISDIR(st.st_mode)) {
    auto key = read_secret_key(path);
    if (!key) return key.error();
    add(std::move(*key));
    return {};
  }
  DIR* d = ::opendir(path.c_str());
  if (d == nullptr) return Error(errno, "read secret keys " + path);
  std::vector<std::string> names;
  while (const dirent* e = ::readdir(d)) {
    if (ends_with(e->d_name, ".secret")) names.emplace_back(e->d_name);
  }
  ::closedir(d);
  if (names.empty()) return Error(Error::kInvalid, "read secret keys " + path, "the directory holds no *.secret file");
  for (const std::string& name : names) {
    auto key = read_secret_key(path + "/" + name);
    if (!key) return key.error();
    add(std::move(*key));
  }
  return {};
}

void KeyRing::add(SecretKey key) {
  if (find(key.public_key.id) == nullptr) keys_.push_back(std::move(key));
}

const SecretKey* KeyRing::find(std::string_view id) const {
  for (const SecretKey& k : keys_) {
    if (k.public_key.id == id) return &k;
  }
  return nullptr;
}

std::string KeyRing::ids() const {
  std::string out;
  for (const SecretKey& k : keys_) out.append(out.empty() ? "" : ", ").append(k.public_key.id);
  return out;
}

}  // namespace civic::sealing
