// What an admin request below /admin/forms/ asks for (docs/admin-api.md):
//
//   GET    {form}/submissions?since=N&limit=M      the list, {"data":[...],"next_since":K}
//   GET    {form}/submissions.csv|.xml?since&limit  an export, streamed
//   GET    {form}/submissions/{receipt}             one submission
//   GET    {form}/submissions/{receipt}/files/{field}[?index=I]
//   DELETE {form}/submissions/{receipt}             erasure (204)
//   GET    {form}/deliveries?state=pending|failed&since=N&limit=M
//                                                   the outbox (forms/service/delivery_admin.hpp)
//   POST   {form}/deliveries/{id}/retry             a failed delivery tried again
//   GET    {form}/drafts?after=ID&limit=M          drafts of a multi-step form
//                                                   (forms/service/draft_admin.hpp)
//   DELETE {form}/drafts/{id}                       a draft erased (204)
//
// The path names a route; once the form is known, the route, the method and
// the query make a plan, or a refusal (404, 405, 400) to send as it is.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "common/reply.hpp"
#include "forms/form.hpp"
#include "forms/submission_export.hpp"

namespace civic::forms {

enum class AdminMethod { get, head, erase, post, other };  // erase: DELETE

// What the server module copies out of a request.
struct AdminRequest {
  AdminMethod method = AdminMethod::get;
  std::string_view path;    // after ".../forms/": "feedback/submissions/PAL-2026-K7QD-000042"
  std::string_view args;    // the query string as sent
  std::string_view origin;  // "https://example.org": the CSV's links to files
  std::string_view uri;     // the request's path, e.g. "/admin/forms/feedback/submissions.csv"
};

struct AdminRoute {
  enum class Kind { list, csv, xml, one, file, deliveries, retry, drafts, draft } kind = Kind::list;
  std::string_view form;
  std::string_view receipt;  // one, file
  std::string_view field;    // file
  std::string_view delivery; // retry: the delivery's id
  std::string_view draft;    // draft: its id, 32 hex digits as sent
};

// What the path names; nullopt: nothing (404).
std::optional<AdminRoute> route_admin_path(std::string_view path);

// A receipt as the store makes them (letters, digits, - and _, at most 64):
// anything else is answered 404 without a look in the store.
bool plausible_receipt(std::string_view receipt);

// The list's page size: by default, and at most.
inline constexpr std::uint64_t kDefaultListLimit = 100;
inline constexpr std::uint64_t kMaxListLimit = 1000;

// since=N&limit=M: submissions after seq N, at most M (none: no limit given).
struct Window {
  std::uint64_t since = 0;
  std::optional<std::uint64_t> limit;
};

// How an export is written and sent.
struct ExportPlan {
  std::unique_ptr<SubmissionExport> writer;
  std::string content_type;  // "text/csv; charset=utf-8"
  std::string filename;      // "feedback.csv"
};

struct AdminPlan {
  enum class Action { list, export_rows, one, file, erase, deliveries, retry, drafts, erase_draft } action = Action::list;
  std::string form;
  std::string receipt;  // one, file, erase
  std::string field;    // file
  std::uint32_t index = 0;  // file: its place among the field's files
  Window window;            // list, export_rows, deliveries
  std::string state;        // deliveries: "pending", "failed" or "" (both)
  std::string delivery;     // retry: the delivery's id
  std::string draft;        // erase_draft: the raw id; drafts: list after this raw id ("" from the first)
  ExportPlan export_plan;   // export_rows
};

// The plan for `route` of `form` (known to exist), or the refusal to send.
std::variant<AdminPlan, Reply> plan_admin_request(const AdminRoute& route, const AdminRequest& request,
                                                  const Form& form);

}  // namespace civic::forms
