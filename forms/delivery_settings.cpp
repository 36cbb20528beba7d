// The form block's delivery lines (forms/delivery.hpp): `deliver webhook …`,
// `deliver email …` and `confirm_email field=…`.
#include <algorithm>

#include "common/quantity.hpp"
#include "common/quote.hpp"
#include "delivery/smtp_config.hpp"
#include "forms/form_builder.hpp"

namespace civic::forms {

namespace {

constexpr std::int64_t kLongestRetry = 30ll * 86400;  // a month: longer is not a delivery any more
constexpr std::int64_t kLongestTimeout = 300;

// "key=value" words after the fixed ones: each key once, from `known`.
struct Options {
  std::vector<std::pair<std::string_view, std::string_view>> values;
  std::string_view get(std::string_view key) const {
    for (const auto& [k, v] : values)
      if (k == key) return v;
    return {};
  }
  bool has(std::string_view key) const {
    return std::any_of(values.begin(), values.end(), [&](const auto& kv) { return kv.first == key; });
  }
};

std::string read_options(std::span<const std::string_view> words, std::initializer_list<std::string_view> known,
                         Options& out) {
  for (std::string_view w : words) {
    std::size_t eq = w.find('=');
    std::string_view key = w.substr(0, eq);
    if (eq == std::string_view::npos || std::find(known.begin(), known.end(), key) == known.end()) {
      std::string list;
      for (std::string_view k : known) list += (list.empty() ? "" : ", ") + std::string(k) + "=";
      return quoted(w) + " is not one of its options (" + list + ")";
    }
    if (out.has(key)) return quoted(std::string(key) + "=") + " is given twice";
    out.values.emplace_back(key, w.substr(eq + 1));
  }
  return {};
}

// timeout= and retry_for=, nginx's units.
std::string read_times(const Options& o, Delivery& d) {
  if (o.has("timeout")) {
    std::int64_t s = parse_duration(o.get("timeout"));
    if (s <= 0 || s > kLongestTimeout)
      return "timeout=" + std::string(o.get("timeout")) + " is not a duration from 1s to 5m";
    d.timeout_ms = s * 1000;
  }
  if (o.has("retry_for")) {
    std::int64_t s = parse_duration(o.get("retry_for"));
    if (s <= 0 || s > kLongestRetry)
      return "retry_for=" + std::string(o.get("retry_for")) + " is not a duration up to 30d (such as 3d or 12h)";
    d.retry_for_ms = s * 1000;
  }
  return {};
}

// The host of an http(s) URL ("" if there is none).
std::string_view url_host(std::string_view url) {
  std::size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return {};
  std::string_view rest = url.substr(scheme + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (rest.find('@') != std::string_view::npos) return {};  // no credentials in the URL
  if (rest.starts_with('[')) return rest.substr(0, rest.find(']') + 1);
  return rest.substr(0, rest.find(':'));
}

std::string check_webhook_url(std::string_view url) {
  for (char c : url)
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f || c == '"')
      return "the webhook URL " + quoted(url) + " has a space or a control character";
  std::string_view host = url_host(url);
  if (url.starts_with("https://") && !host.empty()) return {};
  if (url.starts_with("http://") && !host.empty()) {
    if (loopback_host(host)) return {};
    return "the webhook URL " + quoted(url) +
           " is plain http: submissions would cross the network unencrypted; use https (http only to this machine: "
           "127.0.0.1, [::1] or localhost)";
  }
  return "the webhook URL " + quoted(url) + " is not an https:// URL with a host";
}

}  // namespace

std::string FormBuilder::set_delivery(Words words, int line) {
  auto fail = [&](std::string_view text) { return form_error("deliver: " + std::string(text)); };
  if (words.size() < 2)
    return fail("write \"deliver webhook https://… secret_file=PATH;\" or \"deliver email to=ADDRESS;\"");
  Delivery d;
  d.line = line;
  Options o;
  if (words[1] == "webhook") {
    if (words.size() < 3) return fail("a webhook needs its URL, as in: deliver webhook https://cases.example.fi/api secret_file=/etc/civic/f.whsec;");
    d.kind = DeliveryKind::webhook;
    d.url = words[2];
    if (auto e = check_webhook_url(d.url); !e.empty()) return fail(e);
    if (auto e = read_options(words.subspan(3), {"secret_file", "files", "timeout", "retry_for", "name"}, o); !e.empty())
      return fail(e);
    if (o.get("secret_file").empty())
      return fail("a webhook needs secret_file=PATH (a file holding whsec_ and the key in base64; civicctl webhook-secret makes one)");
    d.secret_file = o.get("secret_file");
    if (o.has("files")) {
      if (o.get("files") != "inline" && o.get("files") != "none") return fail("files= takes inline or none");
      d.files_inline = o.get("files") == "inline";
    }
  } else if (words[1] == "email") {
    d.kind = DeliveryKind::email;
    d.timeout_ms = 30000;  // a relay may take its time
    if (auto e = read_options(words.subspan(2), {"to", "content", "timeout", "retry_for", "name"}, o); !e.empty()) return fail(e);
    if (!delivery::valid_mail_address(o.get("to"))) return fail("an e-mail delivery needs to=ADDRESS, one plain address such as kirjaamo@example.fi");
    d.to = o.get("to");
    if (o.has("content")) {
      if (o.get("content") != "summary" && o.get("content") != "full") return fail("content= takes summary or full");
      d.full = o.get("content") == "full";
    }
  } else {
    return fail(quoted(words[1]) + " is not a kind of delivery (webhook or email)");
  }
  if (auto e = read_times(o, d); !e.empty()) return fail(e);
  if (o.has("name")) {
    std::string_view n = o.get("name");
    bool ok = !n.empty() && n.size() <= 32 && std::all_of(n.begin(), n.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    });
    if (!ok) return fail("name= takes 1 to 32 letters, digits, - or _ (it keeps a target's deliveries when its URL or address changes)");
    d.name = n;
  }
  return add_delivery(std::move(d));
}

std::string FormBuilder::set_confirm_email(Words words, int line) {
  if (words.size() != 2 || !words[1].starts_with("field="))
    return form_error("confirm_email takes the e-mail field with the citizen's address, as in: confirm_email field=email;");
  Delivery d;
  d.kind = DeliveryKind::confirmation;
  d.field = words[1].substr(6);
  d.timeout_ms = 30000;
  d.line = line;
  for (const Delivery& other : form_.deliveries)
    if (other.kind == DeliveryKind::confirmation) return form_error("duplicate \"confirm_email\"");
  return add_delivery(std::move(d));
}

std::string FormBuilder::add_delivery(Delivery d) {
  for (const Delivery& other : form_.deliveries) {
    if (other.target_id() == d.target_id())
      return form_error("deliver: " + d.describe() + " is given twice (line " + std::to_string(other.line) + ")");
    if (!d.name.empty() && other.name == d.name)
      return form_error("deliver: name=" + d.name + " is given twice (line " + std::to_string(other.line) + ")");
  }
  form_.deliveries.push_back(std::move(d));
  return {};
}

std::string FormBuilder::check_deliveries() const {
  for (const Delivery& d : form_.deliveries) {
    if (d.kind != DeliveryKind::confirmation) continue;
    const Field* f = form_.field(d.field);
    if (f == nullptr) return "confirm_email: the form has no field " + quoted(d.field);
    if (f->type != FieldType::email)
      return "confirm_email: the field " + quoted(d.field) + " is not of type email";
  }
  return {};
}

}  // namespace civic::forms
