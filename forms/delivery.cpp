#include "forms/delivery.hpp"

#include "common/hash.hpp"
#include "delivery/webhook_secret.hpp"

namespace civic::forms {

std::uint32_t Delivery::target_id() const {
  std::uint64_t h = fnv1a64(kind == DeliveryKind::webhook ? "webhook" : kind == DeliveryKind::email ? "email" : "confirm");
  std::string_view what = !name.empty() ? std::string_view(name)
                          : kind == DeliveryKind::webhook ? std::string_view(url)
                          : kind == DeliveryKind::email   ? std::string_view(to)
                                                          : std::string_view(field);
  h = fnv1a64(what, fnv1a64(name.empty() ? "\x1e" : "\x1f", h));
  return static_cast<std::uint32_t>(h ^ (h >> 32));
}

std::string Delivery::describe() const {
  std::string named = name.empty() ? std::string() : " (" + name + ")";
  switch (kind) {
    case DeliveryKind::webhook: return "webhook " + url + named;
    case DeliveryKind::email: return "email to " + to + named;
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
