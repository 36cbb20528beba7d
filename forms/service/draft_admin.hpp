// The drafts of a multi-step form for the admin API (docs/admin-api.md, issue 15):
//
//   GET    /admin/forms/{form}/drafts?after=ID&limit=M
//          {"data":[{"id","created_time","updated_time","expires_time","language",
//                    "step","values","files","bytes"}],"next_after":ID|null}
//   DELETE /admin/forms/{form}/drafts/{id}   204 erased, 404 if there is none
//
// A listing shows no answers: they are personal data the citizen has not sent.
#pragma once

#include <string_view>

#include "common/reply.hpp"
#include "forms/service/admin_request.hpp"
#include "storage/store.hpp"

namespace civic::forms {

// `after`: a raw draft id, "" for the first page; window.limit: the page size.
Reply draft_list(storage::Store& store, std::string_view form, std::string_view after, const Window& window);

// `id`: a raw draft id.
Reply draft_erasure(storage::Store& store, std::string_view form, std::string_view id);

}  // namespace civic::forms
