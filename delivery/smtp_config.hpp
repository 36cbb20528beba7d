// The civic_smtp directive: which relay e-mail goes through and as whom.
//   civic_smtp smtp://relay.example.fi:587 from=noreply@example.fi
//              [starttls=on|off] [user=NAME password_file=PATH];
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <variant>

namespace civic::delivery {

struct SmtpConfig {
  std::string url;        // smtp://host[:port] or smtps://host[:port]
  std::string from;       // the envelope sender and the From: address
  bool starttls = true;   // TLS is required: STARTTLS on smtp://, from the start on smtps://
  std::string user;       // empty: no authentication
  std::string password;   // read from password_file at configuration time
};

// `words` are the directive's arguments after its name. The string is what
// nginx -t prints: the word at fault and what is expected instead.
std::variant<SmtpConfig, std::string> parse_smtp_config(std::span<const std::string_view> words);

// One plain address, "name@example.fi": exactly one @, something on both
// sides, no spaces, controls, angle brackets, quotes, commas or semicolons, at
// most 254 octets (RFC 5321 §4.5.3.1.3). Display names are not addresses.
bool valid_mail_address(std::string_view address);

}  // namespace civic::delivery
