// Carrying out a plan (calendar/query/plan.hpp) in a read transaction: the
// items of the answer, in order, with the outcome of the work budget. The
// writers (calendar/formats) render what it yields and decide nothing.
//
// The budget: entries of the index read (and events looked at) before a
// request is moved from the event loop to the thread pool. Expanding
// recurring events past what was materialized spends from it too: one step of
// an ExpansionBudget (calendar/model/recurrence.hpp) as kStepWeight entries,
// about what it costs; in the pool, index entries are not limited (the store
// bounds them) and expansion is, to kMaxExpansionSteps.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "calendar/model/calendar_config.hpp"
#include "common/field_error.hpp"
#include "calendar/model/recurrence.hpp"
#include "calendar/query/feed_query.hpp"
#include "calendar/query/plan.hpp"
#include "storage/event_store.hpp"
#include "storage/lmdb.hpp"
#include "common/result.hpp"
#include "storage/store.hpp"

namespace civic::calendar {

inline constexpr std::size_t kInlineBudget = 20000;
inline constexpr std::size_t kStepWeight = 4;
inline constexpr std::size_t kUnlimited = static_cast<std::size_t>(-1);

// One item: an event, or one occurrence of a recurring one (a series gives
// many: they share its view).
struct Item {
  const storage::EventView* view = nullptr;
  std::int64_t start = 0;
  std::int64_t end = 0;
  bool of_series = false;  // [start, end) is one occurrence of a series (Unit::occurrence)
  std::string_view name_key;  // with Order::name only
};

// The items of a plan. Views are valid in the read transaction; the item
// pointers stay valid when a Selection is moved.
struct Selection {
  std::vector<Item> items;       // [offset, offset + limit) of all, in order
  std::uint64_t count = 0;       // all of them
  bool over_budget = false;      // nothing selected: run it again with a larger budget
  std::optional<FieldError> refused;  // the query needs more expansion than any request may do
  std::vector<storage::EventView> views;  // what items point to (complete before the first item points)
  std::deque<std::string> kept;           // texts items point to (name keys)
};

Result<Selection> select(const storage::Txn& txn, const storage::Databases& db, const CalendarConfig& calendar,
                                  const FeedQuery& query, const QueryPlan& plan, std::size_t budget);

// Whether a stored event passes the filters of `query` (not the window);
// with `text_known`, the text is not tested (the word index found it).
bool passes_filters(const storage::EventView& event, const FeedQuery& query, bool text_known = false);

// The expansion steps a request with `budget` may spend once `spent` of it
// went on index entries.
ExpansionBudget expansion_budget(std::size_t budget, std::size_t spent);

// An expansion ran out of `steps`: inline (fewer than kMaxExpansionSteps
// were allowed) the request is to run again in the pool (nullopt); there, it
// is refused with this error.
std::optional<FieldError> expansion_refusal(const ExpansionBudget& steps, const FeedQuery& query);

// One live event (nullopt: deleted or never there).
Result<std::optional<storage::EventView>> live_event(const storage::Txn& txn, const storage::Databases& db,
                                                              std::string_view calendar, std::string_view id);

// The error for a stored event that cannot be read back.
Error damaged_event(std::string_view id);

}  // namespace civic::calendar
