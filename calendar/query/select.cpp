#include "calendar/query/select.hpp"

#include <algorithm>
#include <limits>
#include <unordered_map>

#include "calendar/formats/vevent.hpp"
#include "calendar/model/event.hpp"
#include "calendar/query/name_key.hpp"
#include "calendar/stored/event_record.hpp"
#include "storage/event_index.hpp"

namespace civic::calendar {

namespace ev = storage::events;

namespace {

// The order of the items: by the plan's key, then id, then occurrence start;
// a descending order is the exact reverse of the ascending one.
bool before(const Item& a, const Item& b, Order order) {
  auto tie = [&](const Item& x, const Item& y, auto kx, auto ky) {
    if (kx != ky) return kx < ky;
    if (x.view->id != y.view->id) return x.view->id < y.view->id;
    return x.start < y.start;
  };
  switch (order) {
    case Order::start: return tie(a, b, a.start, b.start);
    case Order::start_desc: return tie(b, a, b.start, a.start);
    case Order::end: return tie(a, b, a.end, b.end);
    case Order::end_desc: return tie(b, a, b.end, a.end);
    case Order::modified: return tie(a, b, a.view->modified_us, b.view->modified_us);
    case Order::modified_desc: return tie(b, a, b.view->modified_us, a.view->modified_us);
    case Order::name: return tie(a, b, a.name_key, b.name_key);
  }
  return false;
}

class Selector {
 public:
  Selector(const storage::Txn& txn, const storage::Databases& db, const CalendarConfig& cal, const FeedQuery& q,
           const QueryPlan& plan, std::size_t budget)
      : txn_(txn), db_(db), cal_(cal), q_(q), plan_(plan), budget_(budget) {}

  Result<Selection> run() {
    Status st;
    switch (plan_.walk) {
      case Walk::first_starts: st = by_first_start(); break;
      case Walk::modifications: st = by_modification(); break;
      case Walk::window: st = window(); break;
      case Walk::modified_since:
      case Walk::every_event: st = every_event(); break;
    }
    if (!st) return st.error();
    if (s_.over_budget || s_.refused) {
      s_.items.clear();
      return std::move(s_);
    }
    // The index walks give their page in order; every other candidate is sorted here.
    bool in_order = plan_.walk == Walk::first_starts || plan_.walk == Walk::modifications;
    if (!in_order)
      if (auto sorted = sort_and_cut(); !sorted) return sorted.error();
    return std::move(s_);
  }

 private:
  Result<std::optional<storage::EventView>> read(std::string_view id) {
    return ev::get(txn_, db_, cal_.name, id);
  }

  // The view kept for the selection's lifetime (items point to it).
  const storage::EventView& keep(const storage::EventView& v) {
    s_.views.push_back(v);
    return s_.views.back();
  }

  static Item item_of(const storage::EventView& v) {
    Item i;
    i.view = &v;
    i.start = v.first_start;
    i.end = v.first_end;
    return i;
  }

  bool wanted(const storage::EventView& v) const {
    return (!v.deleted() || plan_.tombstones) && passes_filters(v, q_);
  }

  // Walks event_time's first occurrences: the page's records only are read.
  Status by_first_start() {
    auto state = ev::read_state(txn_, db_, cal_.name);
    if (!state) return state.error();
    s_.count = state.value() ? state.value()->listed : 0;
    std::size_t steps = 0;
    std::size_t seen = 0;
    std::optional<Error> error;
    bool reached_end = true;
    auto st = ev::walk_first_occurrences(txn_, db_, cal_.name, plan_.order == Order::start_desc, steps,
                                         [&](const ev::IndexedOccurrence& o) {
                                           if (steps > budget_) {
                                             s_.over_budget = true;
                                             return false;
                                           }
                                           if (seen++ < plan_.offset) return true;
                                           if (s_.items.size() == plan_.limit) {
                                             reached_end = false;
                                             return false;
                                           }
                                           return page_item(o.id, error);
                                         });
    if (!st) return st;
    if (error) return *error;
    // An event with no occurrence at all (every one excluded) is in no time
    // index: the count is what the walk found when it got to the end.
    if (reached_end && !s_.over_budget) s_.count = std::min<std::uint64_t>(s_.count, seen);
    return {};
  }

  // Walks event_modified (tombstones with show_deleted).
  Status by_modification() {
    std::int64_t since = q_.modified_since_us.value_or(std::numeric_limits<std::int64_t>::min());
    auto counted = ev::count_modified_since(txn_, db_, cal_.name, since, plan_.tombstones);
    if (!counted) return counted.error();
    s_.count = *counted;
    std::size_t steps = 0;
    std::size_t seen = 0;
    std::optional<Error> error;
    auto st = ev::walk_modified(txn_, db_, cal_.name, since, plan_.order == Order::modified_desc, steps,
                                [&](const ev::Modification& m) {
                                  if (steps > budget_) {
                                    s_.over_budget = true;
                                    return false;
                                  }
                                  if (m.deleted && !plan_.tombstones) return true;
                                  if (seen++ < plan_.offset) return true;
                                  if (s_.items.size() == plan_.limit) return false;
                                  return page_item(m.id, error);
                                });
    if (!st) return st;
    if (error) return *error;
    return {};
  }

  // An index walk's item: its event read (false, with `error`, to stop).
  bool page_item(std::string_view id, std::optional<Error>& error) {
    auto v = read(id);
    if (!v) {
      error = v.error();
      return false;
    }
    if (v.value() && wanted(**v)) s_.items.push_back(item_of(keep(**v)));
    return true;
  }

  // Every event (or those modified since), each read.
  Status every_event() {
    std::size_t seen = 0;
    auto take = [&](const storage::EventView& v) {
      if (++seen > budget_) {
        s_.over_budget = true;
        return false;
      }
      if (wanted(v)) s_.items.push_back(item_of(keep(v)));
      return true;
    };
    if (plan_.walk == Walk::modified_since)
      return ev::for_each_modified_since(txn_, db_, cal_.name, *q_.modified_since_us, take);
    return ev::for_each(txn_, db_, cal_.name, take);
  }

  // The items overlapping the window: from the materialized occurrences,
  // then from series expanded past them; with tombstones, deleted events by
  // their last times.
  Status window() {
    auto found = ev::occurrences_overlapping(txn_, db_, cal_.name, plan_.from, plan_.to, budget_);
    if (!found) return found.error();
    if (found->over_budget || found->occurrences.size() > budget_) {
      s_.over_budget = true;
      return {};
    }
    // Sorted by (id, start): with Unit::event, an event's first is its item.
    for (const auto& o : found->occurrences) {
      auto v = live(o.id);
      if (!v) return v.error();
      if (*v == nullptr || (plan_.unit == Unit::event && has_item(**v))) continue;
      if ((*v)->recurring() && o.start >= plan_.series_to) continue;
      add_occurrence(**v, o.start, o.end);
    }
    ExpansionBudget steps = expansion_budget(budget_, found->occurrences.size() + found->partial.size());
    for (const auto& partial : found->partial) {
      if (partial.resume_from >= plan_.series_to) continue;
      auto v = live(partial.id);
      if (!v) return v.error();
      if (*v == nullptr || (plan_.unit == Unit::event && has_item(**v))) continue;
      if (auto st = expand(**v, partial.resume_from, steps); !st) return st;
      if (steps.ran_out()) {
        s_.refused = expansion_refusal(steps, q_);
        s_.over_budget = !s_.refused;
        return {};
      }
    }
    if (plan_.tombstones) {
      auto st = ev::for_each_tombstone(txn_, db_, cal_.name, [&](const storage::EventView& v) {
        if (v.first_start < plan_.to && v.last_end > plan_.from && passes_filters(v, q_))
          s_.items.push_back(item_of(keep(v)));
        return true;
      });
      if (!st) return st;
    }
    if (s_.items.size() > budget_) s_.over_budget = true;
    return {};
  }

  // A live event that passes the filters, read once (nullptr: not wanted).
  Result<const storage::EventView*> live(std::string_view id) {
    auto it = events_.find(id);
    if (it == events_.end()) {
      auto v = read(id);
      if (!v) return v.error();
      const storage::EventView* kept = nullptr;
      if (v.value() && !v.value()->deleted() && passes_filters(**v, q_)) kept = &keep(**v);
      it = events_.emplace(id, Seen{kept, false}).first;
    }
    return it->second.view;
  }

  bool has_item(const storage::EventView& v) const { return events_.find(v.id)->second.has_item; }

  void add_occurrence(const storage::EventView& v, std::int64_t start, std::int64_t end) {
    Item i = item_of(v);
    i.start = start;
    i.end = end;
    i.of_series = v.recurring() && plan_.unit == Unit::occurrence;
    s_.items.push_back(i);
    events_.find(v.id)->second.has_item = true;
  }

  // A series past its materialized occurrences, from the window on.
  Status expand(const storage::EventView& v, std::int64_t resume_from, ExpansionBudget& steps) {
    Event e;
    if (!event_from_view(v, e)) return damaged_event(v.id);
    std::size_t most = plan_.unit == Unit::event ? 1 : kMaxExpansionSteps;
    for (const auto& o : occurrences_between(e, resume_from, plan_.from, plan_.series_to, steps, most))
      add_occurrence(v, o.start, o.end);
    return {};
  }

  // Every candidate was read: sorted, one page kept.
  Status sort_and_cut() {
    auto& items = s_.items;
    if (plan_.order == Order::name) {
      VeventStyle style = vevent_style(cal_, q_.lang);
      std::uint64_t signature = rendition_signature(storage::RenditionKind::name_key, style);
      for (auto& i : items)
        if (auto st = name_key_of(i, style, signature); !st) return st;
    }
    s_.count = items.size();
    std::size_t from = std::min(plan_.offset, items.size());
    std::size_t to = items.size() - from > plan_.limit ? from + plan_.limit : items.size();
    auto less = [&](const Item& a, const Item& b) { return before(a, b, plan_.order); };
    auto mid = items.begin() + static_cast<std::ptrdiff_t>(to);
    if (mid == items.end()) {
      std::sort(items.begin(), items.end(), less);
    } else {
      std::partial_sort(items.begin(), mid, items.end(), less);
    }
    items.erase(mid, items.end());
    items.erase(items.begin(), items.begin() + static_cast<std::ptrdiff_t>(from));
    return {};
  }

  // The item's name as sorted: stored with the event, or made now (stored
  // before the calendar's languages changed).
  Status name_key_of(Item& i, const VeventStyle& style, std::uint64_t signature) {
    if (auto k = i.view->find_rendition(storage::RenditionKind::name_key, q_.lang, signature)) {
      i.name_key = *k;
      return {};
    }
    Event e;
    if (!event_from_view(*i.view, e)) return damaged_event(i.view->id);
    s_.kept.push_back(name_sort_key(name_in(e, style.chain), q_.lang));
    i.name_key = s_.kept.back();
    return {};
  }

  struct Seen {
    const storage::EventView* view;  // nullptr: deleted or filtered out
    bool has_item;
  };

  const storage::Txn& txn_;
  const storage::Databases& db_;
  const CalendarConfig& cal_;
  const FeedQuery& q_;
  const QueryPlan& plan_;
  std::size_t budget_;
  Selection s_;
  std::unordered_map<std::string_view, Seen> events_;  // window: each event read once
};

}  // namespace

Result<Selection> select(const storage::Txn& txn, const storage::Databases& db, const CalendarConfig& cal,
                                  const FeedQuery& q, const QueryPlan& plan, std::size_t budget) {
  return Selector(txn, db, cal, q, plan, budget).run();
}

bool passes_filters(const storage::EventView& v, const FeedQuery& q) {
  if (q.statuses && !(q.statuses & (1u << v.status))) return false;
  if (q.is_free && v.is_free != (*q.is_free ? 1 : 2)) return false;
  if (!q.keyword_any.empty() &&
      std::none_of(q.keyword_any.begin(), q.keyword_any.end(), [&](const auto& k) { return v.has_keyword(k); }))
    return false;
  if (!std::all_of(q.keyword_all.begin(), q.keyword_all.end(), [&](const auto& k) { return v.has_keyword(k); }))
    return false;
  if (std::any_of(q.keyword_none.begin(), q.keyword_none.end(), [&](const auto& k) { return v.has_keyword(k); }))
    return false;
  if (!q.locations.empty() && std::find(q.locations.begin(), q.locations.end(), v.location_id) == q.locations.end())
    return false;
  if (!q.text.empty() && v.search_text.find(q.text) == std::string_view::npos) return false;
  if (q.modified_since_us && v.modified_us < *q.modified_since_us) return false;
  return true;
}

ExpansionBudget expansion_budget(std::size_t budget, std::size_t spent) {
  std::size_t left = budget > spent ? budget - spent : 0;
  return ExpansionBudget(std::min(left / kStepWeight, kMaxExpansionSteps));
}

std::optional<FieldError> expansion_refusal(const ExpansionBudget& steps, const FeedQuery& q) {
  if (steps.used() + steps.left() < kMaxExpansionSteps) return std::nullopt;
  FieldError e;
  e.kind = FieldError::Kind::syntax;
  e.field = q.end ? "end" : "start";
  e.message = "asks for more occurrences of recurring events than one request may expand (" +
              std::to_string(kMaxExpansionSteps) + " steps): give a shorter range with start and end";
  return e;
}

Result<std::optional<storage::EventView>> live_event(const storage::Txn& txn, const storage::Databases& db,
                                                              std::string_view calendar, std::string_view id) {
  auto view = ev::get(txn, db, calendar, id);
  if (!view) return view.error();
  if (view.value() && view.value()->deleted()) return std::optional<storage::EventView>{};
  return view;
}

Error damaged_event(std::string_view id) {
  return Error(Error::kCorrupt, "read event " + std::string(id), "the stored event is damaged");
}

}  // namespace civic::calendar
