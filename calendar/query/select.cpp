#include "calendar/query/select.hpp"

#include <algorithm>
#include <limits>

#include "calendar/formats/vevent.hpp"
#include "calendar/model/event.hpp"
#include "calendar/query/name_key.hpp"
#include "calendar/stored/event_record.hpp"
#include "storage/event_index.hpp"
#include "storage/event_numbers.hpp"
#include "storage/search_words.hpp"

namespace civic::calendar {

namespace ev = storage::events;

namespace {

// Sorts items[0, to) into place, by `key`, then id, then occurrence start;
// a descending order is the exact reverse of the ascending one.
template <bool Descending, class Key>
void sort_prefix(std::vector<Item>& items, std::size_t to, Key key) {
  auto less = [&](const Item& a, const Item& b) {
    const Item& x = Descending ? b : a;
    const Item& y = Descending ? a : b;
    auto kx = key(x), ky = key(y);
    if (kx != ky) return kx < ky;
    if (x.view != y.view)
      if (int c = x.view->id.compare(y.view->id); c != 0) return c < 0;
    return x.start < y.start;
  };
  auto mid = items.begin() + static_cast<std::ptrdiff_t>(to);
  if (mid == items.end()) {
    std::sort(items.begin(), items.end(), less);
  } else {
    std::partial_sort(items.begin(), mid, items.end(), less);
  }
}

void sort_prefix(std::vector<Item>& items, std::size_t to, Order order) {
  auto start = [](const Item& i) { return i.start; };
  auto end = [](const Item& i) { return i.end; };
  auto modified = [](const Item& i) { return i.view->modified_us; };
  switch (order) {
    case Order::start: return sort_prefix<false>(items, to, start);
    case Order::start_desc: return sort_prefix<true>(items, to, start);
    case Order::end: return sort_prefix<false>(items, to, end);
    case Order::end_desc: return sort_prefix<true>(items, to, end);
    case Order::modified: return sort_prefix<false>(items, to, modified);
    case Order::modified_desc: return sort_prefix<true>(items, to, modified);
    case Order::name: return sort_prefix<false>(items, to, [](const Item& i) { return i.name_key; });
  }
}

// Views are collected first and items made from them once the last one is
// in (a vector's elements move while it grows): until then a candidate names
// its view by index.
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
      case Walk::words: st = by_words(); break;
      case Walk::names: st = by_name(); break;
    }
    if (!st) return st.error();
    if (s_.over_budget || s_.refused) return std::move(s_);
    s_.items.reserve(candidates_.size());
    for (const auto& c : candidates_) s_.items.push_back(Item{&s_.views[c.view], c.start, c.end, c.of_series, {}});
    // The index walks give their page in order; every other candidate is sorted here.
    bool in_order = plan_.walk == Walk::first_starts || plan_.walk == Walk::modifications || paged_;
    if (!in_order)
      if (auto sorted = sort_and_cut(); !sorted) return sorted.error();
    return std::move(s_);
  }

 private:
  static constexpr std::size_t kNone = static_cast<std::size_t>(-1);

  // An item before the views are complete: its view by index.
  struct Candidate {
    std::size_t view;
    std::int64_t start;
    std::int64_t end;
    bool of_series;
  };

  Result<std::optional<storage::EventView>> read(std::string_view id) {
    return ev::get(txn_, db_, cal_.name, id);
  }

  // The view kept for the selection's lifetime: its index.
  std::size_t keep(const storage::EventView& v) {
    s_.views.push_back(v);
    return s_.views.size() - 1;
  }

  // The event as one item, at its first occurrence.
  void add_event(const storage::EventView& v) {
    candidates_.push_back(Candidate{keep(v), v.first_start, v.first_end, false});
  }

  void add_occurrence(std::size_t view, std::int64_t start, std::int64_t end) {
    bool of_series = s_.views[view].recurring() && plan_.unit == Unit::occurrence;
    candidates_.push_back(Candidate{view, start, end, of_series});
  }

  bool wanted(const storage::EventView& v) const {
    return (!v.deleted() || plan_.tombstones) && passes_filters(v, q_, plan_.walk == Walk::words);
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
                                           if (candidates_.size() == plan_.limit) {
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
                                  if (candidates_.size() == plan_.limit) return false;
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
    if (v.value() && wanted(**v)) add_event(**v);
    return true;
  }

  // The events the word index gives for the text. By start with no other
  // filter, the page is cut from the postings (in the order sort_prefix
  // gives: start, then id); else each event is read and the rest filters.
  Status by_words() {
    auto matched = ev::match_words(txn_, db_, cal_.name, q_.text_words, budget_);
    if (!matched) return matched.error();
    if (matched->over_budget) {
      s_.over_budget = true;
      return {};
    }
    const auto& found = matched->postings;
    bool by_start = plan_.order == Order::start || plan_.order == Order::start_desc;
    if (plan_.text_only && by_start) return page_of_postings(found, plan_.order == Order::start_desc);
    if (found.size() + matched->chunks > budget_) {
      s_.over_budget = true;
      return {};
    }
    s_.views.reserve(std::min<std::size_t>(found.size(), 4096));
    for (const auto& p : found) {
      auto v = numbered(p.number);
      if (!v) return v.error();
      if (wanted(*v)) add_event(*v);
    }
    return {};
  }

  // The live event with `number` (the word index names no other).
  Result<storage::EventView> numbered(std::uint32_t number) {
    auto id = ev::id_of_number(txn_, db_, cal_.name, number);
    if (!id) return id.error();
    if (!id.value()) return damaged_event("number " + std::to_string(number));
    auto v = read(**id);
    if (!v) return v.error();
    if (!v.value() || v.value()->deleted()) return damaged_event(**id);
    return std::move(**v);
  }

  // The page [offset, offset + limit) of the postings, in (start, id) order
  // (or its reverse): the postings are in (start, number) order, so events
  // that share a start with the page's first or last are ordered by id here.
  Status page_of_postings(const std::vector<ev::Posting>& found, bool descending) {
    s_.count = found.size();
    std::size_t n = found.size();
    std::size_t from = std::min(plan_.offset, n);
    std::size_t to = n - from > plan_.limit ? from + plan_.limit : n;
    paged_ = true;
    if (from == to) return {};
    // Positions in the requested order; p(i) is the posting at position i.
    auto at = [&](std::size_t i) -> const ev::Posting& { return descending ? found[n - 1 - i] : found[i]; };
    std::size_t lo = from, hi = to;
    while (lo > 0 && at(lo - 1).start == at(from).start) --lo;
    while (hi < n && at(hi).start == at(to - 1).start) ++hi;
    if (hi - lo > budget_) {  // thousands of events at one start: read in the pool
      s_.over_budget = true;
      return {};
    }
    struct Numbered {
      std::int64_t start;
      storage::EventView view;
    };
    std::vector<Numbered> span;
    span.reserve(hi - lo);
    for (std::size_t i = lo; i < hi; ++i) {
      auto v = numbered(at(i).number);
      if (!v) return v.error();
      span.push_back(Numbered{at(i).start, std::move(*v)});
    }
    std::stable_sort(span.begin(), span.end(), [&](const Numbered& a, const Numbered& b) {
      if (a.start != b.start) return descending ? a.start > b.start : a.start < b.start;
      int c = a.view.id.compare(b.view.id);
      return descending ? c > 0 : c < 0;
    });
    s_.views.reserve(to - from);
    for (std::size_t i = from; i < to; ++i) add_event(span[i - lo].view);
    return {};
  }

  // The page by name from the name index, if it holds every live event
  // under the calendar's languages as they are now; else every event.
  Status by_name() {
    auto state = ev::read_state(txn_, db_, cal_.name);
    if (!state) return state.error();
    std::uint64_t live = state.value() ? state.value()->live : 0;
    VeventStyle style = vevent_style(cal_, q_.lang);
    auto signature = static_cast<std::uint32_t>(rendition_signature(storage::RenditionKind::name_key, style));
    auto held = ev::count_names(txn_, db_, cal_.name, q_.lang, signature);
    if (!held) return held.error();
    if (*held != live) return every_event();
    s_.count = live;
    // The entries up to the page's end (and on, while their keys are the
    // same as the last one's: they may belong before it), entries with the
    // same key put in order, then the page read. Of the entries before the
    // page, only those with the key of the last one are kept.
    struct Named {
      std::string key;  // as indexed
      std::uint32_t number;
      std::string_view id;  // found for the entries on the page
    };
    std::vector<Named> entries;
    std::size_t skipped = 0;  // entries before entries[0]
    std::size_t end = plan_.limit > kUnlimited - plan_.offset ? kUnlimited : plan_.offset + plan_.limit;
    std::size_t steps = 0;
    auto st = ev::walk_names(txn_, db_, cal_.name, q_.lang, signature, steps, [&](const ev::NameItem& item) {
      if (steps > budget_) {
        s_.over_budget = true;
        return false;
      }
      std::size_t walked = skipped + entries.size();
      if (walked >= end && item.key != entries.back().key) return false;
      if (walked < plan_.offset && !entries.empty() && entries.back().key != item.key) {
        skipped = walked;
        entries.clear();
      }
      entries.push_back(Named{item.key, item.number, {}});
      return true;
    });
    if (!st) return st;
    if (s_.over_budget) return {};
    std::size_t from = std::min(plan_.offset, skipped + entries.size()) - skipped;
    std::size_t to = std::min(end, skipped + entries.size()) - skipped;
    for (std::size_t i = 0; i < entries.size();) {
      std::size_t j = i + 1;
      while (j < entries.size() && entries[j].key == entries[i].key) ++j;
      if (i < to && j > from)  // on the page
        if (auto sorted = in_order(entries, i, j, signature); !sorted) return sorted;
      i = j;
    }
    s_.views.reserve(to - from);
    for (std::size_t i = from; i < to; ++i) {
      auto v = read(entries[i].id);
      if (!v) return v.error();
      if (!v.value() || v.value()->deleted()) return damaged_event(entries[i].id);
      add_event(**v);
    }
    paged_ = true;
    return {};
  }

  // Entries [from, to) share a key as indexed: their ids found, and put in
  // order by whole key (if the indexed one was cut), then id.
  template <class Named>
  Status in_order(std::vector<Named>& entries, std::size_t from, std::size_t to, std::uint32_t signature) {
    std::vector<std::pair<std::string, Named>> whole;
    bool cut = entries[from].key.size() >= storage::events::kIndexedNameKeyBytes;
    for (std::size_t i = from; i < to; ++i) {
      auto id = ev::id_of_number(txn_, db_, cal_.name, entries[i].number);
      if (!id) return id.error();
      if (!id.value()) return damaged_event("number " + std::to_string(entries[i].number));
      entries[i].id = **id;
      std::string key;
      if (cut) {
        auto v = read(entries[i].id);
        if (!v) return v.error();
        if (!v.value()) return damaged_event(entries[i].id);
        auto names = v.value()->name_keys();
        if (!names) return damaged_event(entries[i].id);
        for (const auto& n : *names)
          if (n.lang == q_.lang && n.signature == signature) key = n.key;
      }
      whole.emplace_back(std::move(key), entries[i]);
    }
    std::sort(whole.begin(), whole.end(), [](const auto& a, const auto& b) {
      if (a.first != b.first) return a.first < b.first;
      return a.second.id < b.second.id;
    });
    for (std::size_t i = from; i < to; ++i) entries[i] = whole[i - from].second;
    return {};
  }

  // Every event (or those modified since), each read.
  Status every_event() {
    auto state = ev::read_state(txn_, db_, cal_.name);
    if (!state) return state.error();
    if (state.value()) {
      std::uint64_t events = state.value()->live + state.value()->deleted;
      s_.views.reserve(static_cast<std::size_t>(std::min<std::uint64_t>({events, budget_, 4096})));
    }
    std::size_t seen = 0;
    auto take = [&](const storage::EventView& v) {
      if (++seen > budget_) {
        s_.over_budget = true;
        return false;
      }
      if (wanted(v)) add_event(v);
      return true;
    };
    if (plan_.walk == Walk::modified_since)
      return ev::for_each_modified_since(txn_, db_, cal_.name, *q_.modified_since_us, take);
    return ev::for_each(txn_, db_, cal_.name, take);
  }

  // The items overlapping the window: from the materialized occurrences,
  // then from series expanded past them; with tombstones, deleted events by
  // their last times. Each event is read once: the occurrences come grouped
  // by event, and the series are looked up among the events they gave.
  Status window() {
    auto found = ev::occurrences_overlapping(txn_, db_, cal_.name, plan_.from, plan_.to, budget_);
    if (!found) return found.error();
    if (found->over_budget || found->occurrences.size() > budget_) {
      s_.over_budget = true;
      return {};
    }
    if (plan_.page_from_index && found->partial.empty()) return page_from_index(found->occurrences);
    std::vector<Seen> seen;  // in ev::event_order
    s_.views.reserve(std::min<std::size_t>(found->occurrences.size() + found->partial.size(), 4096));
    for (const auto& o : found->occurrences) {
      if (seen.empty() || seen.back().hash != o.hash || seen.back().id != o.id) {
        auto v = live(o.id);
        if (!v) return v.error();
        seen.push_back(Seen{o.id, o.hash, *v, false});
      }
      Seen& e = seen.back();
      if (e.view == kNone || (plan_.unit == Unit::event && e.has_item)) continue;
      if (s_.views[e.view].recurring() && o.start >= plan_.series_to) continue;
      add_occurrence(e.view, o.start, o.end);
      e.has_item = true;
    }
    ExpansionBudget steps = expansion_budget(budget_, found->occurrences.size() + found->partial.size());
    for (const auto& partial : found->partial) {
      if (partial.resume_from >= plan_.series_to) continue;
      std::uint64_t hash = ev::id_hash(partial.id);
      auto at = std::lower_bound(seen.begin(), seen.end(), partial.id, [&](const Seen& e, std::string_view id) {
        return ev::event_order(e.hash, e.id, hash, id);
      });
      std::size_t view = kNone;
      if (at != seen.end() && at->id == partial.id) {
        if (plan_.unit == Unit::event && at->has_item) continue;
        view = at->view;
      } else {
        auto v = live(partial.id);
        if (!v) return v.error();
        view = *v;
      }
      if (view == kNone) continue;
      if (auto st = expand(view, partial.resume_from, steps); !st) return st;
      if (steps.ran_out()) {
        s_.refused = expansion_refusal(steps, q_);
        s_.over_budget = !s_.refused;
        return {};
      }
    }
    if (plan_.tombstones) {
      auto st = ev::for_each_tombstone(txn_, db_, cal_.name, [&](const storage::EventView& v) {
        if (v.first_start < plan_.to && v.last_end > plan_.from && passes_filters(v, q_)) add_event(v);
        return true;
      });
      if (!st) return st;
    }
    if (candidates_.size() > budget_) s_.over_budget = true;
    return {};
  }

  // A live event that passes the filters: its kept view (kNone: not wanted).
  Result<std::size_t> live(std::string_view id) {
    auto v = read(id);
    if (!v) return v.error();
    if (v.value() && !v.value()->deleted() && passes_filters(**v, q_)) return keep(**v);
    return kNone;
  }

  // A series past its materialized occurrences, from the window on.
  Status expand(std::size_t view, std::int64_t resume_from, ExpansionBudget& steps) {
    Event e;
    if (!event_from_view(s_.views[view], e)) return damaged_event(s_.views[view].id);
    std::size_t most = plan_.unit == Unit::event ? 1 : kMaxExpansionSteps;
    for (const auto& o : occurrences_between(e, resume_from, plan_.from, plan_.series_to, steps, most))
      add_occurrence(view, o.start, o.end);
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
    sort_prefix(items, to, plan_.order);
    items.erase(items.begin() + static_cast<std::ptrdiff_t>(to), items.end());
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

  // The window's page by start from its index entries (every one is a live
  // event's: the time index holds no deleted event), in the order
  // sort_prefix gives (start, id); only the page's events are read.
  Status page_from_index(const std::vector<ev::IndexedOccurrence>& found) {
    std::vector<const ev::IndexedOccurrence*> in;
    in.reserve(found.size());
    for (const auto& o : found)
      if (!(o.series && o.start >= plan_.series_to)) in.push_back(&o);
    s_.count = in.size();
    std::size_t from = std::min(plan_.offset, in.size());
    std::size_t to = in.size() - from > plan_.limit ? from + plan_.limit : in.size();
    auto less = [](const ev::IndexedOccurrence* a, const ev::IndexedOccurrence* b) {
      if (a->start != b->start) return a->start < b->start;
      if (int c = a->id.compare(b->id); c != 0) return c < 0;
      return false;
    };
    std::partial_sort(in.begin(), in.begin() + static_cast<std::ptrdiff_t>(to), in.end(), less);
    s_.views.reserve(to - from);
    for (std::size_t i = from; i < to; ++i) {
      auto v = live(in[i]->id);
      if (!v) return v.error();
      if (*v == kNone) return damaged_event(in[i]->id);  // in the time index, not live: a damaged store
      add_occurrence(*v, in[i]->start, in[i]->end);
    }
    paged_ = true;
    return {};
  }

  // An event of the window's occurrences.
  struct Seen {
    std::string_view id;
    std::uint64_t hash;  // ev::id_hash(id)
    std::size_t view;  // kNone: deleted or filtered out
    bool has_item;
  };

  const storage::Txn& txn_;
  const storage::Databases& db_;
  const CalendarConfig& cal_;
  const FeedQuery& q_;
  const QueryPlan& plan_;
  std::size_t budget_;
  Selection s_;
  bool paged_ = false;      // page_from_index, page_of_postings or by_name made the page
  std::vector<Candidate> candidates_;
};

}  // namespace

Result<Selection> select(const storage::Txn& txn, const storage::Databases& db, const CalendarConfig& cal,
                                  const FeedQuery& q, const QueryPlan& plan, std::size_t budget) {
  return Selector(txn, db, cal, q, plan, budget).run();
}

bool passes_filters(const storage::EventView& v, const FeedQuery& q, bool text_known) {
  if (q.statuses && !(q.statuses & (1u << v.status))) return false;
  if (q.is_free && v.is_free != (*q.is_free ? 1 : 2)) return false;
  if (q.super_event_types) {
    // An umbrella event is one; a series listed as itself is a recurring
    // super event; its occurrences and single events have none.
    auto type = v.umbrella()                         ? FeedQuery::kUmbrella
                : v.recurring() && q.series_as_one() ? FeedQuery::kRecurring
                                                     : FeedQuery::kNoSuperType;
    if (!(q.super_event_types & type)) return false;
  }
  if (!q.keyword_any.empty() &&
      std::none_of(q.keyword_any.begin(), q.keyword_any.end(), [&](const auto& k) { return v.has_keyword(k); }))
    return false;
  if (!std::all_of(q.keyword_all.begin(), q.keyword_all.end(), [&](const auto& k) { return v.has_keyword(k); }))
    return false;
  if (std::any_of(q.keyword_none.begin(), q.keyword_none.end(), [&](const auto& k) { return v.has_keyword(k); }))
    return false;
  if (!q.locations.empty() && std::find(q.locations.begin(), q.locations.end(), v.location_id) == q.locations.end())
    return false;
  if (!q.text.empty() && !text_known) {
    thread_local std::string buffer;
    auto text = v.search_text(buffer);
    if (!text || !storage::text_matches(*text, q.text_words)) return false;
  }
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
