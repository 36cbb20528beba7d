#include "forms/delivery.hpp"

#include "common/hash.hpp"
#include "delivery/webhook_secret.hpp"

namespace civic::forms {

std::uint32_t Delivery::target_id() const {
  std::uint64_t h = fnv1a64(kind == DeliveryKind::webhook ? "webhook" : kind == DeliveryKind::email ? "email" : "confirm");
  h = fnv1a64(kind == DeliveryKind::webhook ? url : kind == DeliveryKind::email ? to : field, fnv1a64("\x1e", h));
  return static_cast<std::uint32_t>(h ^ (h >> 32));
}

std::string Delivery::describe() const {
  switch (kind) {
    case DeliveryKind::webhook: return "webhook " + url;
    case DeliveryKind::email: return "email to " + to;
    case DeliveryKind::confirmation: return "confirmation to the address in " + field;
  }
  return {};
}

std::string load_secrets(std::vector<Delivery>& deliveries) {
  for (Delivery& d : deliveries) {
    if (d.kind != DeliveryKind::webhook) continue;
    auto key = delivery::read_webhook_secret(d.secret_file);
    if (!key) return "deliver webhook " + d.url + ": secret_file " + d.secret_file + ": " + key.error().message();
    d.secret = std::move(*key);
  }
  return {};
}

bool loopback_host(std::string_view host) {
  if (host == "[::1]" || host == "localhost") return true;
  if (!host.starts_with("127.")) return false;
  return host.find_first_not_of("0123456789.") == std::string_view::npos;  // 127.0.0.0/8, not a name
}

}  // namespace civic::forms
