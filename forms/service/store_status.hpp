// GET /admin/status: the store's figures for the configured calendars, the
// configured forms and the forms no longer configured that the store still
// holds (storage/status.hpp collects and renders them).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "common/reply.hpp"
#include "forms/forms.hpp"
#include "common/result.hpp"
#include "storage/status.hpp"
#include "storage/store.hpp"

namespace civic::forms {

// The figures of the status (for the JSON, and GET /admin/metrics).
Result<storage::StoreStatus> collect_store_status(storage::Store& store, std::span<const std::string_view> calendars,
                                                  const Forms& configured, std::int64_t now);

// `pid`: the answering process, which the status names.
Reply store_status(storage::Store& store, std::span<const std::string_view> calendars, const Forms& configured,
                   std::int64_t now, long pid);

}  // namespace civic::forms
