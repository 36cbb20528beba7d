// The outbox of a form for the admin API (docs/admin-api.md, issue 14):
//
//   GET  /admin/forms/{form}/deliveries?state=pending|failed&since=N&limit=M
//        {"data":[{"id","receipt","seq","target","state","attempts","created_time",
//                  "next_try_time","last_attempt_time","last_error"}],"next_since":K}
//   POST /admin/forms/{form}/deliveries/{id}/retry
//        a failed delivery is pending again, due now: 200 {"id","state":"pending"};
//        404 if there is no such delivery, 409 if it is not failed
//
// A delivery's id is the webhook-id receivers see: the receipt, a dot and
// the target's id (forms/service/delivery_round.hpp).
#pragma once

#include <cstdint>
#include <string_view>

#include "common/reply.hpp"
#include "forms/service/admin_request.hpp"
#include "storage/store.hpp"

namespace civic::forms {

Reply delivery_list(storage::Store& store, std::string_view form, std::string_view state, const Window& window);

Reply delivery_retry(storage::Store& store, std::string_view form, std::string_view id, std::int64_t now_ms);

}  // namespace civic::forms
