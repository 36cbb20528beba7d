// The admin API of a form's submissions (forms/service/admin_request.hpp
// names the requests): from a copied-out request to the reply. Small reads
// (one submission, one file) are answered at once; a list and an erasure in
// a pool thread (answer_in_pool); an export as headers now and then its
// pages (forms/service/export_pager.hpp).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "common/reply.hpp"
#include "forms/forms.hpp"
#include "forms/service/admin_request.hpp"
#include "forms/service/export_pager.hpp"
#include "storage/store.hpp"

namespace civic::forms {

struct AdminAnswer {
  Reply reply;                         // to send now; for an export, its status and headers
  std::optional<AdminPlan> in_pool;    // a list or an erasure: answer_in_pool() in a pool thread
  std::unique_ptr<ExportPager> pager;  // an export: its body, a page at a time
};

// On the event loop. The form is a configured one (with the fields earlier
// versions had) or a retired one the store recorded (form_definition.hpp).
// `store` null: the store is not open (503).
AdminAnswer answer_admin(const Forms& configured, storage::Store* store, const AdminRequest& request);

// In a pool thread: the plan's list or erasure.
Reply answer_in_pool(storage::Store& store, const AdminPlan& plan);

// {"data":[records oldest first],"next_since":seq of the last (or `since`)}.
Reply submission_list(storage::Store& store, std::string_view form, const Window& window);
// The stored record.
Reply one_submission(storage::Store& store, std::string_view form, std::string_view receipt);
// The file's bytes, served as a download that cannot run in the browser.
Reply submission_file(storage::Store& store, std::string_view form, std::string_view receipt, std::string_view field,
                      std::uint32_t index);
// 204, or 404 if there is no such submission.
Reply erasure(storage::Store& store, std::string_view form, std::string_view receipt);

}  // namespace civic::forms
