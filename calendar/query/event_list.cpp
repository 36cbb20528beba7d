#include "calendar/query/event_list.hpp"

#include <algorithm>
#include <deque>
#include <limits>
#include <map>
#include <optional>
#include <vector>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "calendar/model/event.hpp"
#include "calendar/formats/event_json.hpp"
#include "calendar/formats/event_json_template.hpp"
#include "calendar/stored/event_record.hpp"
#include "calendar/query/name_key.hpp"
#include "calendar/model/recurrence.hpp"
#include "calendar/formats/vevent.hpp"
#include "storage/event_index.hpp"
#include "storage/event_store.hpp"
#include "common/url.hpp"

namespace civic::calendar {

namespace ev = storage::events;

namespace {

enum class Order { start, start_desc, end, end_desc, modified, modified_desc, name };

Order order_of(std::string_view sort) {
  if (sort == "-start_time") return Order::start_desc;
  if (sort == "end_time") return Order::end;
  if (sort == "-end_time") return Order::end_desc;
  if (sort == "last_modified_time") return Order::modified;
  if (sort == "-last_modified_time") return Order::modified_desc;
  if (sort == "name") return Order::name;
  return Order::start;  // the default, as the iCal feed is ordered
}

// One item of the list: an event, or one occurrence of a recurring one. A
// series gives many: they share its view.
struct Item {
  const storage::EventView* view = nullptr;
  std::optional<OccurrenceTimes> occurrence;
  std::int64_t start = 0;
  std::int64_t end = 0;
  std::string_view name_key;
};

bool has_filters(const FeedQuery& q) {
  return q.statuses || q.is_free || !q.keyword_any.empty() || !q.keyword_all.empty() || !q.keyword_none.empty() ||
         !q.locations.empty() || !q.text.empty();
}

storage::Error damaged(std::string_view id) {
  return storage::Error(storage::Error::kCorrupt, "read event " + std::string(id), "the stored event is damaged");
}

// Writes items into the envelope; keeps what it renders.
class ListWriter {
 public:
  // `base`: the "@id" base, JSON-escaped; the body keeps views of it.
  ListWriter(const CalendarConfig& cal, std::string_view base)
      : cal_(cal), base_(base), signature_(rendition_signature(storage::RenditionKind::json, VeventStyle{})) {}

  // False if the stored event cannot be read back.
  bool append(Body& body, const Item& item) {
    std::string_view stored;
    if (auto found = item.view->find_rendition(storage::RenditionKind::json, "", signature_)) {
      stored = *found;
    } else {
      Event e;
      if (!event_from_view(*item.view, e)) return false;
      rendered_.push_back(e.deleted ? deleted_event_json(e.id, e.modified_us) : event_json_template(e, cal_.name));
      stored = rendered_.back();
    }
    EventClock clock{item.view->zone, item.view->all_day()};
    return append_event_json(body, stored, base_, item.occurrence, clock);
  }

  std::deque<std::string> take_rendered() { return std::move(rendered_); }

 private:
  const CalendarConfig& cal_;
  std::string_view base_;
  std::uint64_t signature_;
  std::deque<std::string> rendered_;
};

std::string meta_json(std::uint64_t count, const std::optional<std::string>& next,
                      const std::optional<std::string>& previous) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("meta");
  w.StartObject();
  w.Key("count");
  w.Uint64(count);
  w.Key("next");
  if (next) {
    w.String(next->data(), static_cast<rapidjson::SizeType>(next->size()));
  } else {
    w.Null();
  }
  w.Key("previous");
  if (previous) {
    w.String(previous->data(), static_cast<rapidjson::SizeType>(previous->size()));
  } else {
    w.Null();
  }
  w.EndObject();
  w.Key("data");
  w.StartArray();
  w.EndArray();
  w.EndObject();
  // `{"meta":{...},"data":[]}` without its last two bytes: the items follow.
  std::string s(buffer.GetString(), buffer.GetSize());
  s.resize(s.size() - 2);
  return s;
}

// Selected items (views valid in the read transaction) and how many there are.
struct Selection {
  std::vector<Item> page;
  std::uint64_t count = 0;
  bool over_budget = false;
  std::optional<FieldError> refused;  // the query needs more expansion than any request may do
};

// The order of the list: by the sort's key, then id, then occurrence start;
// a descending sort is the exact reverse of the ascending one.
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
           std::size_t budget)
      : txn_(txn),
        db_(db),
        cal_(cal),
        q_(q),
        budget_(budget),
        order_(order_of(q.sort)),
        name_signature_(rendition_signature(storage::RenditionKind::name_key, vevent_style(cal, q.lang))) {}

  storage::Result<Selection> select() {
    bool plain = !q_.has_window() && !has_filters(q_);
    if (plain && !q_.show_deleted && !q_.modified_since_us && (order_ == Order::start || order_ == Order::start_desc))
      return by_first_start();
    if (plain && (order_ == Order::modified || order_ == Order::modified_desc)) return by_modification();
    return by_scan();
  }

  std::deque<std::string> take_kept() { return std::move(kept_); }

 private:
  std::size_t offset() const { return static_cast<std::size_t>(q_.page - 1) * static_cast<std::size_t>(q_.page_size); }

  storage::Result<std::optional<storage::EventView>> read(std::string_view id) { return ev::get(txn_, db_, cal_.name, id); }

  // The view kept for the selection's lifetime (items point to it).
  const storage::EventView& keep(const storage::EventView& v) {
    views_.push_back(v);
    return views_.back();
  }

  static Item item_of(const storage::EventView& v) {
    Item i;
    i.view = &v;
    i.start = v.first_start;
    i.end = v.first_end;
    return i;
  }

  // Walks event_time's first occurrences: the page's records only are read.
  storage::Result<Selection> by_first_start() {
    Selection s;
    auto state = ev::read_state(txn_, db_, cal_.name);
    if (!state) return state.error();
    s.count = state.value() ? state.value()->listed : 0;
    std::size_t steps = 0;
    std::size_t seen = 0;
    std::optional<storage::Error> error;
    bool reached_end = true;
    auto st = ev::walk_first_occurrences(txn_, db_, cal_.name, order_ == Order::start_desc, steps,
                                         [&](const ev::IndexedOccurrence& o) {
                                           if (steps > budget_) {
                                             s.over_budget = true;
                                             return false;
                                           }
                                           if (seen++ < offset()) return true;
                                           if (s.page.size() == static_cast<std::size_t>(q_.page_size)) {
                                             reached_end = false;
                                             return false;
                                           }
                                           auto v = read(o.id);
                                           if (!v) {
                                             error = v.error();
                                             return false;
                                           }
                                           if (v.value() && !v.value()->deleted()) s.page.push_back(item_of(keep(**v)));
                                           return true;
                                         });
    if (!st) return st.error();
    if (error) return *error;
    // An event with no occurrence at all (every one excluded) is in no time
    // index: the count is what the walk found when it got to the end.
    if (reached_end && !s.over_budget) s.count = std::min<std::uint64_t>(s.count, seen);
    return s;
  }

  // Walks event_modified (tombstones with show_deleted).
  storage::Result<Selection> by_modification() {
    Selection s;
    std::int64_t since = q_.modified_since_us.value_or(std::numeric_limits<std::int64_t>::min());
    auto counted = ev::count_modified_since(txn_, db_, cal_.name, since, q_.show_deleted);
    if (!counted) return counted.error();
    s.count = *counted;
    std::size_t steps = 0;
    std::size_t seen = 0;
    std::optional<storage::Error> error;
    auto st = ev::walk_modified(txn_, db_, cal_.name, since, order_ == Order::modified_desc, steps,
                                [&](const ev::Modification& m) {
                                  if (steps > budget_) {
                                    s.over_budget = true;
                                    return false;
                                  }
                                  if (m.deleted && !q_.show_deleted) return true;
                                  if (seen++ < offset()) return true;
                                  if (s.page.size() == static_cast<std::size_t>(q_.page_size)) return false;
                                  auto v = read(m.id);
                                  if (!v) {
                                    error = v.error();
                                    return false;
                                  }
                                  if (v.value()) s.page.push_back(item_of(keep(**v)));
                                  return true;
                                });
    if (!st) return st.error();
    if (error) return *error;
    return s;
  }

  // Every candidate read, sorted, one page copied.
  storage::Result<Selection> by_scan() {
    Selection s;
    std::vector<Item> items;
    if (q_.has_window()) {
      auto st = window_items(items, s);
      if (!st) return st.error();
    } else {
      std::size_t seen = 0;
      std::optional<storage::Error> error;
      auto st = ev::for_each(txn_, db_, cal_.name, [&](const storage::EventView& v) {
        if (++seen > budget_) {
          s.over_budget = true;
          return false;
        }
        if (v.deleted() && !q_.show_deleted) return true;
        if (!passes_filters(v, q_)) return true;
        items.push_back(item_of(keep(v)));
        return true;
      });
      if (!st) return st.error();
    }
    if (s.over_budget || s.refused) return s;
    if (order_ == Order::name) {
      for (auto& i : items) {
        auto st = name_key_of(i);
        if (!st) return st.error();
      }
    }
    s.count = items.size();
    std::size_t from = std::min(offset(), items.size());
    std::size_t to = std::min(items.size(), from + static_cast<std::size_t>(q_.page_size));
    auto less = [&](const Item& a, const Item& b) { return before(a, b, order_); };
    std::partial_sort(items.begin(), items.begin() + static_cast<std::ptrdiff_t>(to), items.end(), less);
    s.page.assign(items.begin() + static_cast<std::ptrdiff_t>(from), items.begin() + static_cast<std::ptrdiff_t>(to));
    return s;
  }

  storage::Status name_key_of(Item& i) {
    if (auto k = i.view->find_rendition(storage::RenditionKind::name_key, q_.lang, name_signature_)) {
      i.name_key = *k;
      return {};
    }
    Event e;
    if (!event_from_view(*i.view, e)) return damaged(i.view->id);
    kept_.push_back(name_sort_key(name_in(e, vevent_style(cal_, q_.lang).chain), q_.lang));
    i.name_key = kept_.back();
    return {};
  }

  // The occurrences overlapping the window: one item each for a recurring
  // event, one for any other event. Without `end`, those of recurring events
  // end at q_.series_end().
  storage::Status window_items(std::vector<Item>& items, Selection& s) {
    std::int64_t qs = q_.start.value_or(std::numeric_limits<std::int64_t>::min() / 2);
    std::int64_t qe = q_.end.value_or(kOpenEnded);
    std::int64_t series_qe = std::min(qe, q_.series_end());
    auto found = ev::occurrences_overlapping(txn_, db_, cal_.name, qs, qe, budget_);
    if (!found) return found.error();
    if (found->over_budget || found->occurrences.size() > budget_) {
      s.over_budget = true;
      return {};
    }
    std::map<std::string_view, const storage::EventView*> events;  // read once each
    auto event = [&](std::string_view id) -> storage::Result<const storage::EventView*> {
      auto it = events.find(id);
      if (it == events.end()) {
        auto v = read(id);
        if (!v) return v.error();
        const storage::EventView* keep_it = nullptr;
        if (v.value() && !v.value()->deleted() && passes_filters(**v, q_)) keep_it = &keep(**v);
        it = events.emplace(id, keep_it).first;
      }
      return it->second;
    };
    for (const auto& o : found->occurrences) {
      auto v = event(o.id);
      if (!v) return v.error();
      if (*v == nullptr) continue;
      bool series = (*v)->recurring();
      if (series && o.start >= series_qe) continue;
      Item i = item_of(**v);
      i.start = o.start;
      i.end = o.end;
      if (series) i.occurrence = OccurrenceTimes{o.start, o.end};
      items.push_back(i);
    }
    // Series that go on past their materialized occurrences: expanded from
    // the window, every step counted.
    ExpansionBudget steps = expansion_budget(budget_, found->occurrences.size() + found->partial.size());
    for (const auto& partial : found->partial) {
      if (partial.resume_from >= series_qe) continue;
      auto v = event(partial.id);
      if (!v) return v.error();
      if (*v == nullptr) continue;
      Event e;
      if (!event_from_view(**v, e)) return damaged(partial.id);
      for (const auto& o : occurrences_between(e, partial.resume_from, qs, series_qe, steps, kMaxExpansionSteps)) {
        Item i = item_of(**v);
        i.start = o.start;
        i.end = o.end;
        i.occurrence = OccurrenceTimes{o.start, o.end};
        items.push_back(i);
      }
      if (steps.ran_out()) {
        s.refused = expansion_refusal(steps, q_);
        s.over_budget = !s.refused;
        return {};
      }
    }
    // Deleted events, for a sync that asks for them: by their last times.
    if (q_.show_deleted) {
      auto st = ev::for_each_tombstone(txn_, db_, cal_.name, [&](const storage::EventView& v) {
        if (v.first_start < qe && v.last_end > qs && passes_filters(v, q_)) items.push_back(item_of(keep(v)));
        return true;
      });
      if (!st) return st;
    }
    if (items.size() > budget_) s.over_budget = true;
    return {};
  }

  const storage::Txn& txn_;
  const storage::Databases& db_;
  const CalendarConfig& cal_;
  const FeedQuery& q_;
  std::size_t budget_;
  Order order_;
  std::uint64_t name_signature_;
  std::deque<std::string> kept_;
  std::deque<storage::EventView> views_;  // stable: items point into it
};

// A query part as the client sent it, with any byte a URL may not hold
// (RFC 3986 §2: controls, space, non-ASCII, "<>\"\\^`{|}") percent-encoded:
// the link stays a valid URL and the JSON valid UTF-8.
std::string& append_query_text(std::string& out, std::string_view part) {
  return url::append_encoded(out, part, url::Keep::query_text);
}

}  // namespace

std::string page_link(std::string_view list_url, std::string_view args, int page) {
  std::string out(list_url);
  out.push_back('?');
  std::size_t at = 0;
  while (at <= args.size() && !args.empty()) {
    std::size_t amp = args.find('&', at);
    std::string_view part = args.substr(at, amp == std::string_view::npos ? std::string_view::npos : amp - at);
    std::string_view name = part.substr(0, part.find('='));
    if (!part.empty() && name != "page") append_query_text(out, part).push_back('&');
    if (amp == std::string_view::npos) break;
    at = amp + 1;
  }
  out.append("page=").append(std::to_string(page));
  return out;
}

storage::Result<ListAnswer> build_json_list(const storage::Txn& txn, const storage::Databases& db,
                                            const CalendarConfig& cal, const FeedQuery& q, const ListLinks& links,
                                            std::size_t budget) {
  ListAnswer answer;
  Selector selector(txn, db, cal, q, budget);
  auto selected = selector.select();
  if (!selected) return selected.error();
  if (selected->over_budget || selected->refused) {
    answer.feed.over_budget = selected->over_budget;
    answer.feed.refused = std::move(selected->refused);
    return answer;
  }
  const Selection& s = *selected;
  std::uint64_t pages = (s.count + static_cast<std::uint64_t>(q.page_size) - 1) / static_cast<std::uint64_t>(q.page_size);
  if (q.page > 1 && static_cast<std::uint64_t>(q.page) > pages) {
    answer.page_missing = true;
    return answer;
  }
  std::optional<std::string> next, previous;
  if (static_cast<std::uint64_t>(q.page) < pages) next = page_link(links.list_url, links.args, q.page + 1);
  if (q.page > 1) previous = page_link(links.list_url, links.args, q.page - 1);

  Body& body = answer.feed.body;
  std::deque<std::string> base{json_string_content(links.base)};
  ListWriter writer(cal, base.front());
  body.append_owned(meta_json(s.count, next, previous));
  bool first = true;
  for (const auto& item : s.page) {
    if (!first) body.append(",");
    first = false;
    if (!writer.append(body, item)) return damaged(item.view->id);
  }
  body.append("]}");
  body.keep(std::move(base));  // the items point into these
  body.keep(writer.take_rendered());
  body.keep(selector.take_kept());
  return answer;
}

storage::Result<FeedAnswer> build_event_json(const storage::Txn& txn, const storage::Databases& db,
                                             const CalendarConfig& cal, std::string_view id, const FeedQuery& q,
                                             const ListLinks& links) {
  FeedAnswer answer;
  auto view = ev::get(txn, db, cal.name, id);
  if (!view) return view.error();
  if (!view.value() || view.value()->deleted()) {
    answer.found = false;
    return answer;
  }
  const storage::EventView& v = **view;
  Item item;
  item.view = &v;
  if (q.recurrence_id) {
    Event e;
    if (!event_from_view(v, e)) return damaged(id);
    const IsoTime& r = *q.recurrence_id;
    std::int64_t at = r.offset_seconds && !r.date_only
                          ? seconds_from_civil(r.civil) - *r.offset_seconds
                          : instant_of(EventTime{r.civil, r.date_only}, v.zone);
    // Expanded from the occurrence asked for: as cheap in 2040 as now.
    ExpansionBudget steps(kMaxExpansionSteps);
    auto found = occurrences_between(e, at, at, at + 1, steps, 1);
    if (steps.ran_out()) {
      FieldError refusal;
      refusal.kind = FieldError::Kind::syntax;
      refusal.field = "recurrence_id";
      refusal.message = "is further from the series' start than one request may expand (" +
                        std::to_string(kMaxExpansionSteps) + " steps)";
      answer.refused = std::move(refusal);
      return answer;
    }
    if (!e.recurrence || found.empty() || found.front().start != at) {
      answer.found = false;
      return answer;
    }
    item.occurrence = OccurrenceTimes{found.front().start, found.front().end};
  }
  std::deque<std::string> base{json_string_content(links.base)};
  ListWriter writer(cal, base.front());
  if (!writer.append(answer.body, item)) return damaged(id);
  answer.body.keep(std::move(base));
  answer.body.keep(writer.take_rendered());
  return answer;
}

}  // namespace civic::calendar
