#include "forms/service/admin_request.hpp"

#include <charconv>
#include <cstdint>
#include <span>
#include <vector>

#include "common/query_string.hpp"
#include "storage/drafts.hpp"

namespace civic::forms {

namespace {

std::optional<std::uint64_t> parse_u64(std::string_view s) {
  if (s.empty() || s.size() > 19) return std::nullopt;
  std::uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

// The request's query parameters among `known`, decoded and each at most
// once (common/query_string.hpp: the rule the feeds follow too).
struct AdminQuery {
  std::vector<QueryParameter> params;
  const std::string* get(std::string_view name) const {
    for (const auto& p : params)
      if (p.name == name) return &p.value;
    return nullptr;
  }
};

Reply bad_request(std::string_view message, std::string_view field) { return error_reply(400, message, field); }

std::optional<Reply> read_query(std::string_view args, std::span<const std::string_view> known, AdminQuery& q) {
  if (auto error = parse_query(args, known, q.params))
    return bad_request(error->parameter + (error->parameter.empty() ? "" : " ") + error->message, error->parameter);
  return std::nullopt;
}

std::optional<Reply> read_window(const AdminQuery& q, std::uint64_t max_limit, Window& w) {
  if (const std::string* value = q.get("since")) {
    auto v = parse_u64(*value);
    if (!v) return bad_request("since must be a whole number (a seq)", "since");
    w.since = *v;
  }
  if (const std::string* value = q.get("limit")) {
    auto v = parse_u64(*value);
    if (!v || *v == 0 || *v > max_limit)
      return bad_request("limit must be a whole number from 1 to " + std::to_string(max_limit), "limit");
    w.limit = *v;
  }
  return std::nullopt;
}

// after=ID&limit=M: drafts after the one with id ID (32 hex digits).
std::optional<Reply> plan_drafts(const AdminRequest& request, AdminPlan& plan) {
  static constexpr std::string_view kKnown[] = {"after", "limit"};
  AdminQuery q;
  if (auto bad = read_query(request.args, kKnown, q)) return bad;
  if (const std::string* value = q.get("after")) {
    auto id = storage::drafts::id_from_hex(*value);
    if (!id) return bad_request("after must be a draft id (32 lower-case hex digits)", "after");
    plan.draft = std::move(*id);
  }
  return read_window(q, kMaxListLimit, plan.window);  // its limit ("since" is not known here)
}

std::optional<Reply> plan_list(const AdminRequest& request, AdminPlan& plan) {
  static constexpr std::string_view kKnown[] = {"since", "limit"};
  AdminQuery q;
  if (auto bad = read_query(request.args, kKnown, q)) return bad;
  return read_window(q, kMaxListLimit, plan.window);
}

std::optional<Reply> plan_deliveries(const AdminRequest& request, AdminPlan& plan) {
  static constexpr std::string_view kKnown[] = {"state", "since", "limit"};
  AdminQuery q;
  if (auto bad = read_query(request.args, kKnown, q)) return bad;
  if (const std::string* state = q.get("state")) {
    if (*state != "pending" && *state != "failed") return bad_request("state must be pending or failed", "state");
    plan.state = *state;
  }
  return read_window(q, kMaxListLimit, plan.window);
}

std::optional<Reply> plan_export(const AdminRequest& request, const Form& form, bool csv, AdminPlan& plan) {
  static constexpr std::string_view kKnown[] = {"since", "limit", "delimiter", "bom", "labels", "lang"};
  AdminQuery q;
  if (auto bad = read_query(request.args, kKnown, q)) return bad;
  if (auto bad = read_window(q, UINT64_MAX / 2, plan.window)) return bad;
  ExportPlan& out = plan.export_plan;
  if (!csv) {
    out.writer = make_xml_export(form.name);
    out.content_type = "application/xml; charset=utf-8";
    out.filename = form.name + ".xml";
    return std::nullopt;
  }
  CsvOptions options;
  std::vector<CsvColumn> columns;
  if (auto e = csv_export_request(form, q.params, columns, options))
    return bad_request(e->parameter + " " + e->message, e->parameter);
  // Links to the files: this URL without ".csv", then /RECEIPT/files/FIELD.
  std::string_view uri = request.uri;
  if (uri.ends_with(".csv")) uri.remove_suffix(4);
  options.file_url_base = std::string(request.origin) + std::string(uri) + "/";
  out.writer = make_csv_export(std::move(columns), std::move(options));
  out.content_type = "text/csv; charset=utf-8";
  out.filename = form.name + ".csv";
  return std::nullopt;
}

std::optional<Reply> plan_file(const AdminRequest& request, const Form& form, AdminPlan& plan) {
  const Field* def = form.field(plan.field);
  if (def == nullptr || def->type != FieldType::file)
    return error_reply(404, "the form has no file field of that name", "field");
  static constexpr std::string_view kKnown[] = {"index"};
  AdminQuery q;
  if (auto bad = read_query(request.args, kKnown, q)) return bad;
  if (const std::string* value = q.get("index")) {
    auto v = parse_u64(*value);
    if (!v || *v > 1000) return bad_request("index must be a whole number", "index");
    plan.index = static_cast<std::uint32_t>(*v);
  }
  return std::nullopt;
}

}  // namespace

std::optional<AdminRoute> route_admin_path(std::string_view path) {
  std::size_t slash = path.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  AdminRoute route;
  route.form = path.substr(0, slash);
  std::string_view what = path.substr(slash + 1);
  using Kind = AdminRoute::Kind;
  if (what == "submissions") route.kind = Kind::list;
  else if (what == "submissions.csv") route.kind = Kind::csv;
  else if (what == "submissions.xml") route.kind = Kind::xml;
  else if (what == "deliveries") route.kind = Kind::deliveries;
  else if (what == "drafts") route.kind = Kind::drafts;
  else if (what.starts_with("drafts/")) {
    route.kind = Kind::draft;
    route.draft = what.substr(7);
    if (route.draft.empty() || route.draft.find('/') != std::string_view::npos) return std::nullopt;
  }
  else if (what.starts_with("deliveries/") && what.ends_with("/retry") && what.size() > 17) {
    route.kind = Kind::retry;
    route.delivery = what.substr(11, what.size() - 17);
    if (route.delivery.find('/') != std::string_view::npos) return std::nullopt;
  }
  else if (what.starts_with("submissions/")) {
    std::string_view tail = what.substr(12);
    std::size_t s2 = tail.find('/');
    route.receipt = tail.substr(0, s2);
    if (s2 == std::string_view::npos) {
      route.kind = Kind::one;
    } else {
      std::string_view rest = tail.substr(s2 + 1);
      if (!rest.starts_with("files/")) return std::nullopt;
      route.field = rest.substr(6);
      if (route.field.empty() || route.field.find('/') != std::string_view::npos) return std::nullopt;
      route.kind = Kind::file;
    }
  } else {
    return std::nullopt;
  }
  return route;
}

bool plausible_receipt(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (unsigned char c : s)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
      return false;
  return true;
}

std::variant<AdminPlan, Reply> plan_admin_request(const AdminRoute& route, const AdminRequest& request,
                                                  const Form& form) {
  using Kind = AdminRoute::Kind;
  using Action = AdminPlan::Action;
  bool names_one = route.kind == Kind::one || route.kind == Kind::file;
  if (names_one && !plausible_receipt(route.receipt)) return error_reply(404, "no such submission", "receipt");
  AdminPlan plan;
  plan.form = form.name;
  plan.receipt = route.receipt;
  plan.field = route.field;
  if (route.kind == Kind::one && request.method == AdminMethod::erase) {
    plan.action = Action::erase;
    return plan;
  }
  if (route.kind == Kind::draft) {
    if (request.method != AdminMethod::erase) return method_not_allowed("DELETE");
    auto id = storage::drafts::id_from_hex(route.draft);
    if (!id) return bad_request("a draft id is 32 lower-case hex digits", "id");
    plan.action = Action::erase_draft;
    plan.draft = std::move(*id);
    return plan;
  }
  if (route.kind == Kind::retry) {
    if (request.method != AdminMethod::post) return method_not_allowed("POST");
    plan.action = Action::retry;
    plan.delivery = route.delivery;
    return plan;
  }
  if (request.method != AdminMethod::get && request.method != AdminMethod::head)
    return method_not_allowed(route.kind == Kind::one ? "GET, HEAD, DELETE" : "GET, HEAD");
  std::optional<Reply> refused;
  switch (route.kind) {
    case Kind::list:
      plan.action = Action::list;
      refused = plan_list(request, plan);
      break;
    case Kind::csv:
    case Kind::xml:
      plan.action = Action::export_rows;
      refused = plan_export(request, form, route.kind == Kind::csv, plan);
      break;
    case Kind::one:
      plan.action = Action::one;
      break;
    case Kind::file:
      plan.action = Action::file;
      refused = plan_file(request, form, plan);
      break;
    case Kind::deliveries:
      plan.action = Action::deliveries;
      refused = plan_deliveries(request, plan);
      break;
    case Kind::drafts:
      plan.action = Action::drafts;
      refused = plan_drafts(request, plan);
      break;
    case Kind::retry:
    case Kind::draft:
      break;  // planned above
  }
  if (refused) return std::move(*refused);
  return plan;
}

}  // namespace civic::forms
