#include "delivery/smtp_config.hpp"

#include "common/quote.hpp"

#include <curl/curl.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <optional>

namespace civic::delivery {

namespace {

// RFC 5322 §3.2.3 atext, the characters of a dot-atom's parts.
bool atext(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::strchr("!#$%&'*+-/=?^_`{|}~", c) != nullptr && c != '\0';
}

bool domain_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
}

// Parts separated by single dots, none empty.
template <class CharOk>
bool dot_separated(std::string_view text, CharOk ok) {
  if (text.empty() || text.front() == '.' || text.back() == '.') return false;
  char previous = '\0';
  for (char c : text) {
    if (c == '.') {
      if (previous == '.') return false;
    } else if (!ok(c)) {
      return false;
    }
    previous = c;
  }
  return true;
}

struct CurlUrlFree {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};

struct CurlText {
  char* text = nullptr;
  ~CurlText() { curl_free(text); }
};

std::optional<std::string> url_part(CURLU* url, CURLUPart part) {
  CurlText value;
  if (curl_url_get(url, part, &value.text, 0) != CURLUE_OK || value.text == nullptr) return std::nullopt;
  return std::string(value.text);
}

bool loopback_host(std::string_view host) {
  return host == "127.0.0.1" || host == "::1" || host == "[::1]" || host == "localhost";
}

// The URL's scheme and host; an error text if it is not an SMTP relay's.
std::variant<std::string, std::string> relay_host(std::string_view word, bool& implicit_tls) {
  const std::string expected = " is not an SMTP relay: expected smtp://host[:port] or smtps://host[:port]";
  std::unique_ptr<CURLU, CurlUrlFree> url(curl_url());
  if (!url) return std::variant<std::string, std::string>(std::in_place_index<1>, "out of memory");
  std::string text(word);
  if (text.find_first_of(" \t\r\n") != std::string::npos ||
      curl_url_set(url.get(), CURLUPART_URL, text.c_str(), 0) != CURLUE_OK)
    return std::variant<std::string, std::string>(std::in_place_index<1>, civic::quoted(text) + expected);
  std::optional<std::string> scheme = url_part(url.get(), CURLUPART_SCHEME);
  std::optional<std::string> host = url_part(url.get(), CURLUPART_HOST);
  if (!scheme || (*scheme != "smtp" && *scheme != "smtps") || !host || host->empty())
    return std::variant<std::string, std::string>(std::in_place_index<1>, civic::quoted(text) + expected);
  // A path would be taken for the EHLO name, credentials belong in user= and
  // password_file=, and a query or fragment means nothing to SMTP.
  std::optional<std::string> path = url_part(url.get(), CURLUPART_PATH);
  if (url_part(url.get(), CURLUPART_USER) || url_part(url.get(), CURLUPART_QUERY) ||
      url_part(url.get(), CURLUPART_FRAGMENT) || (path && !path->empty() && *path != "/"))
    return std::variant<std::string, std::string>(
        std::in_place_index<1>, civic::quoted(text) + expected + " with nothing after the port (the user goes in user=)");
  implicit_tls = *scheme == "smtps";
  return std::variant<std::string, std::string>(std::in_place_index<0>, *host);
}

// A password file is small; anything larger is not one.
constexpr std::size_t kMaxPasswordFile = 4096;

std::optional<std::string> read_password(const std::string& path, std::string& error) {
  const std::string word = civic::quoted("password_file=" + path);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    error = word + " cannot be read: " + std::strerror(errno);
    return std::nullopt;
  }
  std::string content;
  char buffer[1024];
  for (;;) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      error = word + " cannot be read: " + std::strerror(errno);
      ::close(fd);
      return std::nullopt;
    }
    if (n == 0) break;
    content.append(buffer, static_cast<std::size_t>(n));
    if (content.size() > kMaxPasswordFile) {
      error = word + " is larger than " + std::to_string(kMaxPasswordFile) + " bytes: expected only the SMTP password";
      ::close(fd);
      return std::nullopt;
    }
  }
  ::close(fd);
  if (!content.empty() && content.back() == '\n') content.pop_back();
  if (!content.empty() && content.back() == '\r') content.pop_back();
  if (content.empty()) {
    error = word + " is empty: expected the SMTP password on its first line";
    return std::nullopt;
  }
  if (content.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
    error = word + " holds more than one line: expected only the SMTP password";
    return std::nullopt;
  }
  return content;
}

}  // namespace

bool valid_mail_address(std::string_view address) {
  if (address.size() > 254) return false;
  std::size_t at = address.find('@');
  if (at == std::string_view::npos || address.find('@', at + 1) != std::string_view::npos) return false;
  std::string_view local = address.substr(0, at);
  std::string_view domain = address.substr(at + 1);
  if (local.size() > 64 || domain.size() > 253) return false;
  return dot_separated(local, atext) && dot_separated(domain, domain_char);
}

std::variant<SmtpConfig, std::string> parse_smtp_config(std::span<const std::string_view> words) {
  using Out = std::variant<SmtpConfig, std::string>;
  auto refuse = [](std::string text) { return Out(std::in_place_index<1>, std::move(text)); };
  if (words.empty()) return refuse("needs the relay's URL, e.g. civic_smtp smtp://relay.example.fi:587 from=noreply@example.fi");

  SmtpConfig config;
  bool implicit_tls = false;
  auto host = relay_host(words[0], implicit_tls);
  if (host.index() == 1) return refuse(std::get<1>(host));
  config.url = std::string(words[0]);

  bool have_from = false, have_starttls = false, have_user = false;
  std::string password_file;
  for (std::string_view word : words.subspan(1)) {
    std::size_t eq = word.find('=');
    std::string_view key = word.substr(0, eq);
    std::string_view value = eq == std::string_view::npos ? std::string_view{} : word.substr(eq + 1);
    bool* seen = nullptr;
    bool password_seen = !password_file.empty();
    if (eq == std::string_view::npos) {
      return refuse(civic::quoted(word) + " is not understood: expected from=, starttls=, user= or password_file=");
    } else if (key == "from") {
      seen = &have_from;
    } else if (key == "starttls") {
      seen = &have_starttls;
    } else if (key == "user") {
      seen = &have_user;
    } else if (key == "password_file") {
      if (password_seen) return refuse(civic::quoted(word) + ": password_file= is given twice");
    } else {
      return refuse(civic::quoted(word) + " is not understood: expected from=, starttls=, user= or password_file=");
    }
    if (seen != nullptr) {
      if (*seen) return refuse(civic::quoted(word) + ": " + std::string(key) + "= is given twice");
      *seen = true;
    }
    if (key == "from") {
      if (!valid_mail_address(value))
        return refuse(civic::quoted(word) + ": from= must be one plain address such as noreply@example.fi (no name, no <>, no spaces)");
      config.from = std::string(value);
    } else if (key == "starttls") {
      if (value != "on" && value != "off") return refuse(civic::quoted(word) + ": expected starttls=on or starttls=off");
      config.starttls = value == "on";
    } else if (key == "user") {
      if (value.empty() || value.find_first_of(" \t\r\n", 0) != std::string_view::npos ||
          value.find('\0') != std::string_view::npos)
        return refuse(civic::quoted(word) + ": user= needs the SMTP user name, without spaces");
      config.user = std::string(value);
    } else {
      if (value.empty()) return refuse(civic::quoted(word) + ": password_file= needs the path of a file holding the password");
      password_file = std::string(value);
    }
  }

  if (!have_from) return refuse("needs from=ADDRESS, the sender of every message (e.g. from=noreply@example.fi)");
  if (have_user != !password_file.empty())
    return refuse(have_user ? "user= needs password_file= too (the file holding the SMTP password)"
                            : "password_file= needs user= too (the SMTP user name)");
  if (implicit_tls) {
    // smtps:// is TLS from the first byte: it cannot be turned off.
    if (have_starttls && !config.starttls) return refuse("starttls=off: an smtps:// relay always uses TLS; use smtp:// for a plain loopback relay");
  } else if (!config.starttls && !loopback_host(std::get<0>(host))) {
    return refuse("starttls=off is allowed only for a relay on this machine (127.0.0.1, ::1, localhost): "
                  "without TLS the password and the citizens' personal data would cross the network in clear");
  }
  if (!password_file.empty()) {
    std::string error;
    std::optional<std::string> password = read_password(password_file, error);
    if (!password) return refuse(error);
    config.password = std::move(*password);
  }
  return Out(std::in_place_index<0>, std::move(config));
}

}  // namespace civic::delivery
