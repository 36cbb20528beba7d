// Where a form's submissions go besides the store (issue 14), from the form
// block's lines:
//
//   deliver webhook https://… secret_file=PATH [files=inline|none] [timeout=10s] [retry_for=3d] [name=NAME];
//   deliver email to=ADDRESS [content=summary|full] [timeout=30s] [retry_for=3d] [name=NAME];
//   confirm_email field=NAME;     (the citizen's own address, from an email field)
//
// Each is one target of the outbox (storage/outbox.hpp), named there by
// target_id(): a hash of what it delivers to, so that pending deliveries
// stay with their target when lines are reordered or others added; or of
// its name= when it has one, so that they follow a changed URL or address.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace civic::forms {

enum class DeliveryKind { webhook, email, confirmation };

struct Delivery {
  DeliveryKind kind = DeliveryKind::webhook;
  std::string url;           // webhook: where to POST
  std::string secret_file;   // webhook: the whsec_ key's file
  std::string secret;        // webhook: the key, read from it with the configuration (load_secrets)
  bool files_inline = false; // webhook: file contents in the payload (files=inline)
  std::string to;            // email: the case worker's address
  bool full = false;         // email: the answers too (content=full)
  std::string field;         // confirmation: the email field with the citizen's address
  std::string name;          // name=: the target's identity, whatever it delivers to
  std::int64_t timeout_ms = 10000;
  std::int64_t retry_for_ms = 3ll * 86400 * 1000;
  int line = 0;

  std::uint32_t target_id() const;
  // For people (logs, /admin/status): "webhook https://…", "email to kirjaamo@…",
  // "confirmation to the address in email".
  std::string describe() const;
};

// Reads every webhook's key from its secret_file (at configuration time:
// the workers' user may not read it). An error text for nginx -t, or "".
std::string load_secrets(std::vector<Delivery>& deliveries);

// Whether `host` (of a URL) is this machine: only there may a webhook be
// plain http.
bool loopback_host(std::string_view host);

}  // namespace civic::forms
