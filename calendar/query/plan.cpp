#include "calendar/query/plan.hpp"

#include <algorithm>

#include "calendar/model/recurrence.hpp"

namespace civic::calendar {

namespace {

void set_window(QueryPlan& p, const FeedQuery& q) {
  p.walk = Walk::window;
  p.from = q.start.value_or(std::numeric_limits<std::int64_t>::min() / 2);
  p.to = q.end.value_or(kOpenEnded);
  // A range without an end ends earlier for recurring events.
  p.series_to = std::min(p.to, q.series_end());
}

// Filters other than the text.
bool has_other_filters(const FeedQuery& q) {
  return q.statuses || q.is_free || q.super_event_types || !q.keyword_any.empty() || !q.keyword_all.empty() || !q.keyword_none.empty() ||
         !q.locations.empty();
}

// Whether the query filters events by what they are (not by time).
bool has_filters(const FeedQuery& q) { return has_other_filters(q) || !q.text.empty(); }

// `text` without a window, deleted events or a modification time: the word
// index gives the events.
void maybe_words(QueryPlan& p, const FeedQuery& q) {
  if (q.text_words.empty() || q.has_window() || q.show_deleted || q.modified_since_us) return;
  p.walk = Walk::words;
  p.text_only = !has_other_filters(q);
}

}  // namespace

Order order_of(std::string_view sort) {
  if (sort == "-start_time") return Order::start_desc;
  if (sort == "end_time") return Order::end;
  if (sort == "-end_time") return Order::end_desc;
  if (sort == "last_modified_time") return Order::modified;
  if (sort == "-last_modified_time") return Order::modified_desc;
  if (sort == "name") return Order::name;
  return Order::start;  // the default, as the iCal feed is ordered
}

QueryPlan plan_feed(const FeedQuery& q) {
  QueryPlan p;
  if (q.has_window()) {
    set_window(p, q);
  } else if (q.modified_since_us) {
    p.walk = Walk::modified_since;
  }
  maybe_words(p, q);
  return p;
}

QueryPlan plan_list(const FeedQuery& q) {
  QueryPlan p;
  p.unit = q.series_as_one() ? Unit::event : Unit::occurrence;
  p.order = order_of(q.sort);
  p.tombstones = q.show_deleted;
  p.offset = static_cast<std::size_t>(q.page - 1) * static_cast<std::size_t>(q.page_size);
  p.limit = static_cast<std::size_t>(q.page_size);
  bool plain = !q.has_window() && !has_filters(q);
  bool by_start = p.order == Order::start || p.order == Order::start_desc;
  bool by_modified = p.order == Order::modified || p.order == Order::modified_desc;
  if (plain && by_start && !q.show_deleted && !q.modified_since_us) {
    p.walk = Walk::first_starts;
  } else if (plain && by_modified) {
    p.walk = Walk::modifications;
  } else if (plain && p.order == Order::name && !q.show_deleted && !q.modified_since_us) {
    p.walk = Walk::names;
  } else if (q.has_window()) {
    set_window(p, q);
    p.page_from_index = p.order == Order::start && !has_filters(q) && !q.show_deleted && !q.modified_since_us &&
                        p.unit == Unit::occurrence;  // the index counts occurrences
  } else if (q.modified_since_us) {
    p.walk = Walk::modified_since;
  }
  maybe_words(p, q);
  return p;
}

}  // namespace civic::calendar
