#include "forms/service/submission_admin.hpp"

#include <chrono>

#include <string>

#include "forms/file_type.hpp"
#include "forms/service/delivery_admin.hpp"
#include "forms/service/draft_admin.hpp"
#include "forms/service/form_definition.hpp"
#include "forms/service/stored_file.hpp"
#include "storage/submission_removal.hpp"
#include "storage/submission_store.hpp"

namespace civic::forms {

namespace {

std::int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace

namespace {

Reply read_failure(std::string_view form, std::string_view what, const Error& error) {
  return internal_error("form \"" + std::string(form) + "\": " + std::string(what), error.message());
}

Reply no_such_submission() { return error_reply(404, "no such submission", "receipt"); }

Reply no_such_file() { return error_reply(404, "the submission has no such file", "field"); }

// An export's headers: a download named after the form, whose length is not
// known ahead.
Reply export_headers(ExportPlan& plan) {
  Reply r;
  r.status = 200;
  r.content_type = std::move(plan.content_type);
  r.header("Content-Disposition", "attachment; filename=\"" + plan.filename + "\"");
  r.header("X-Content-Type-Options", "nosniff");
  return r;
}

}  // namespace

AdminAnswer answer_admin(const Forms& configured, storage::Store* store, const AdminRequest& request) {
  AdminAnswer answer;
  auto route = route_admin_path(request.path);
  if (!route) {
    answer.reply = error_reply(404, "no such admin resource");
    return answer;
  }
  if (store == nullptr) {
    answer.reply = store_not_open();
    return answer;
  }
  AdminForm form = admin_form(configured, *store, route->form);
  if (!form.form) {
    answer.reply = error_reply(404, "no such form", "form");
    return answer;
  }
  auto planned = plan_admin_request(*route, request, *form.form);
  if (auto* refused = std::get_if<Reply>(&planned)) {
    answer.reply = std::move(*refused);
    return answer;
  }
  AdminPlan& plan = std::get<AdminPlan>(planned);
  using Action = AdminPlan::Action;
  switch (plan.action) {
    case Action::list:
    case Action::erase:
    case Action::deliveries:
    case Action::retry:
    case Action::drafts:
    case Action::erase_draft:
      answer.in_pool = std::move(plan);
      break;
    case Action::export_rows:
      answer.reply = export_headers(plan.export_plan);
      answer.pager = std::make_unique<ExportPager>(plan.form, std::move(plan.export_plan.writer), plan.window.since,
                                                   plan.window.limit);
      break;
    case Action::one:
      answer.reply = one_submission(*store, plan.form, plan.receipt);
      break;
    case Action::file:
      answer.reply = submission_file(*store, plan.form, plan.receipt, plan.field, plan.index);
      break;
  }
  return answer;
}

Reply answer_in_pool(storage::Store& store, const AdminPlan& plan) {
  if (plan.action == AdminPlan::Action::erase) return erasure(store, plan.form, plan.receipt);
  if (plan.action == AdminPlan::Action::deliveries) return delivery_list(store, plan.form, plan.state, plan.window);
  if (plan.action == AdminPlan::Action::retry) return delivery_retry(store, plan.form, plan.delivery, now_ms());
  if (plan.action == AdminPlan::Action::drafts) return draft_list(store, plan.form, plan.draft, plan.window);
  if (plan.action == AdminPlan::Action::erase_draft) return draft_erasure(store, plan.form, plan.draft);
  return submission_list(store, plan.form, plan.window);
}

Reply submission_list(storage::Store& store, std::string_view form, const Window& window) {
  auto txn = storage::Txn::begin_read(store.env());
  if (!txn) return read_failure(form, "list submissions", txn.error());
  auto page = storage::list_submissions(*txn, store.db(), form, window.since,
                                        static_cast<std::size_t>(window.limit.value_or(kDefaultListLimit)));
  if (!page) return read_failure(form, "list submissions", page.error());
  // The records are stored as the JSON the API returns: copied, not re-encoded.
  std::uint64_t next = window.since;
  std::string body = "{\"data\":[";
  for (const auto& s : *page) {
    if (&s != &page->front()) body += ',';
    body += s.json;
    next = s.seq;
  }
  body += "],\"next_since\":" + std::to_string(next) + '}';
  return json_reply(200, std::move(body));
}

Reply one_submission(storage::Store& store, std::string_view form, std::string_view receipt) {
  auto txn = storage::Txn::begin_read(store.env());
  if (!txn) return read_failure(form, "read a submission", txn.error());
  auto found = storage::find_submission(*txn, store.db(), form, receipt);
  if (!found) return read_failure(form, "read a submission", found.error());
  if (!found.value()) return no_such_submission();
  return json_reply(200, std::move(found.value()->json));
}

Reply submission_file(storage::Store& store, std::string_view form, std::string_view receipt, std::string_view field,
                      std::uint32_t index) {
  auto txn = storage::Txn::begin_read(store.env());
  if (!txn) return read_failure(form, "read a file", txn.error());
  auto found = storage::find_submission(*txn, store.db(), form, receipt);
  if (!found) return read_failure(form, "read a file", found.error());
  if (!found.value()) return no_such_submission();
  auto file = stored_file(found.value()->json, field, index);
  if (!file) return no_such_file();
  auto bytes = storage::read_attachment(*txn, store.db(), form, found.value()->seq, field, index);
  if (!bytes) return read_failure(form, "read a file", bytes.error());
  if (!bytes.value()) return no_such_file();
  Reply r = text_reply(200, served_media_type(file->content_type), std::move(*bytes.value()));
  r.header("Content-Disposition", content_disposition(file->filename));
  r.header("X-Content-Type-Options", "nosniff");
  r.header("Content-Security-Policy", "sandbox");
  return r;
}

Reply erasure(storage::Store& store, std::string_view form, std::string_view receipt) {
  auto erased = storage::erase_submission(store, form, receipt);
  if (!erased)
    return store_failure(erased.error().map_full(), "erase " + std::string(form) + "/" + std::string(receipt),
                         erased.error().message());
  if (!*erased) return no_such_submission();
  Reply done = no_content();
  done.log = "erased submission " + std::string(receipt) + " of form \"" + std::string(form) + "\"";
  done.log_notice = true;
  return done;
}

}  // namespace civic::forms
