#include "calendar/query/calendar_feed.hpp"

#include <algorithm>
#include <cstdio>
#include <deque>
#include <map>
#include <mutex>

#include "common/hash.hpp"
#include "calendar/model/event.hpp"
#include "calendar/formats/event_json.hpp"
#include "calendar/stored/event_record.hpp"
#include "calendar/formats/jcal.hpp"
#include "calendar/formats/xcal.hpp"
#include "calendar/model/recurrence.hpp"
#include "calendar/model/timezone.hpp"
#include "calendar/formats/vevent.hpp"

namespace civic::calendar {

namespace ev = storage::events;

namespace {

// A VTIMEZONE in jCal or xCal: converted once per process (the tz database
// does not change under a running nginx).
const std::string& converted_vtimezone(std::string_view zone, Format format) {
  static std::mutex lock;
  static std::map<std::string, std::string, std::less<>> made;
  std::string key = (format == Format::jcal ? "j:" : "x:") + std::string(zone);
  std::lock_guard<std::mutex> hold(lock);
  auto it = made.find(key);
  if (it != made.end()) return it->second;
  const std::string& text = vtimezone_text(zone);
  std::string converted = format == Format::jcal ? jcal_of_ical(text) : xcal_of_ical(text);
  return made.emplace(std::move(key), std::move(converted)).first->second;
}

}  // namespace

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

namespace {

// Collects the VEVENTs of a feed and writes the VCALENDAR around them.
class FeedAssembler {
 public:
  FeedAssembler(const CalendarConfig& cal, std::string_view lang, Format format)
      : cal_(cal),
        lang_(lang),
        format_(format),
        style_(vevent_style(cal, lang)),
        signature_(rendition_signature(rendition_of(format), style_)) {}

  // False if the stored event cannot be read back (a damaged store).
  bool add(const storage::EventView& v, std::int64_t order) {
    std::string_view text;
    if (auto stored = v.find_rendition(rendition_of(format_), lang_, signature_)) {
      text = *stored;
    } else {
      // Stored before the calendar's languages changed: rendered now.
      Event e;
      if (!event_from_view(v, e)) return false;
      std::string vevent = render_vevent(e, style_);
      if (format_ == Format::jcal) vevent = jcal_of_ical(vevent);
      if (format_ == Format::xcal) vevent = xcal_of_ical(vevent);
      if (vevent.empty()) return false;
      rendered_.push_back(std::move(vevent));
      text = rendered_.back();
    }
    items_.push_back(Item{order, v.id, text});
    if (!v.tzid.empty() && std::find(zones_.begin(), zones_.end(), v.tzid) == zones_.end()) zones_.push_back(v.tzid);
    return true;
  }

  // The body, in order: by start, then id. Its views stay valid as long as
  // the transaction the events were read in.
  Body finish() {
    std::sort(items_.begin(), items_.end(), [](const Item& a, const Item& b) {
      return a.order != b.order ? a.order < b.order : a.id < b.id;
    });
    std::sort(zones_.begin(), zones_.end());
    Body body;
    if (format_ == Format::ics) {
      body.append_owned(render_calendar_head(cal_, lang_));
      for (auto z : zones_) body.append(vtimezone_text(z));  // cached for the process
      for (const auto& i : items_) body.append(i.text);
      body.append(kCalendarTail);
    } else {
      std::string calendar_text = render_calendar_head(cal_, lang_);
      calendar_text.append(kCalendarTail);
      bool first = true;
      auto separate = [&] {
        if (!first && format_ == Format::jcal) body.append(kJcalSeparator);
        first = false;
      };
      if (format_ == Format::jcal) {
        JcalFrame frame = jcal_frame(calendar_text);
        body.append_owned(std::move(frame.head));
        tail_ = std::move(frame.tail);
      } else {
        XcalFrame frame = xcal_frame(calendar_text);
        body.append_owned(std::move(frame.head));
        tail_ = std::move(frame.tail);
      }
      for (auto z : zones_) {
        const std::string& zone = converted_vtimezone(z, format_);
        if (zone.empty()) continue;  // libical could not read it: the events still name their TZID
        separate();
        body.append(zone);
      }
      for (const auto& i : items_) {
        separate();
        body.append(i.text);
      }
      body.append_owned(std::move(tail_));
    }
    body.keep(std::move(rendered_));  // the views of items_ point into them
    return body;
  }

 private:
  struct Item {
    std::int64_t order;
    std::string_view id;
    std::string_view text;
  };
  const CalendarConfig& cal_;
  std::string lang_;
  Format format_;
  std::string tail_;
  VeventStyle style_;
  std::uint64_t signature_;
  std::vector<Item> items_;
  std::deque<std::string> rendered_;  // stable addresses for the views above
  std::vector<std::string_view> zones_;
};

storage::Error damaged(std::string_view id) {
  return storage::Error(storage::Error::kCorrupt, "read event " + std::string(id), "the stored event is damaged");
}

}  // namespace

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

Validators make_validators(std::string_view store_id, const CalendarConfig& cal,
                           const std::optional<storage::CalendarState>& state, std::string_view resource,
                           const FeedQuery& query, std::string_view variant) {
  std::uint64_t h = fnv1a64(store_id);
  h = fnv1a64(cal.name, h);
  h = fnv1a64_u64(cal.fingerprint(), h);
  if (state) {
    h = fnv1a64_u64(state->version, h);
    h = fnv1a64_u64(static_cast<std::uint64_t>(state->modified_us), h);
  }
  h = fnv1a64(resource, fnv1a64("\x1e", h));
  h = fnv1a64(query.normalized(), h);
  h = fnv1a64(variant, fnv1a64("\x1e", h));
  h = fnv1a64_u64(render_signature(VeventStyle{}), h);  // the VEVENT writer's version
  char etag[24];
  std::snprintf(etag, sizeof etag, "\"%016llx\"", static_cast<unsigned long long>(h));
  Validators v;
  v.etag = etag;
  v.last_modified = std::max<std::int64_t>(state ? state->http_modified : 0, cal.defined_at);
  if (query.time_basis) v.last_modified = std::max(v.last_modified, *query.time_basis);
  return v;
}

storage::Result<FeedAnswer> build_ics_feed(const storage::Txn& txn, const storage::Databases& db,
                                           const CalendarConfig& cal, const FeedQuery& q, std::size_t budget,
                                           Format format) {
  FeedAnswer answer;
  FeedAssembler feed(cal, q.lang, format);
  bool damaged_record = false;
  std::string damaged_id;
  auto take = [&](const storage::EventView& v, std::int64_t order) {
    if (v.deleted() || !passes_filters(v, q)) return true;
    if (!feed.add(v, order)) {
      damaged_record = true;
      damaged_id = v.id;
      return false;
    }
    return true;
  };

  if (q.has_window()) {
    std::int64_t qs = q.start.value_or(std::numeric_limits<std::int64_t>::min() / 2);
    std::int64_t qe = q.end.value_or(kOpenEnded);
    auto found = ev::overlapping(txn, db, cal.name, qs, qe, budget);
    if (!found) return found.error();
    if (found->over_budget || found->hits.size() > budget) {
      answer.over_budget = true;
      return answer;
    }
    // A range without an end ends earlier for recurring events.
    std::int64_t series_qe = std::min(qe, q.series_end());
    std::vector<ev::WindowHit> hits = std::move(found->hits);
    std::size_t materialized = hits.size();
    // Series that go on past their materialized occurrences: looked at by
    // expanding them from the window (or from where materializing stopped).
    ExpansionBudget steps = expansion_budget(budget, hits.size() + found->partial.size());
    for (const auto& partial : found->partial) {
      if (partial.resume_from >= series_qe) continue;
      if (std::any_of(hits.begin(), hits.end(), [&](const auto& h) { return h.id == partial.id; })) continue;
      auto view = ev::get(txn, db, cal.name, partial.id);
      if (!view) return view.error();
      if (!view.value() || view.value()->deleted()) continue;
      Event e;
      if (!event_from_view(**view, e)) return damaged(partial.id);
      if (auto first = first_overlap_after(e, partial.resume_from, qs, series_qe, steps))
        hits.push_back(ev::WindowHit{partial.id, *first});
      if (steps.ran_out()) {
        answer.refused = expansion_refusal(steps, q);
        answer.over_budget = !answer.refused;
        return answer;
      }
    }
    for (std::size_t i = 0; i < hits.size(); ++i) {
      const auto& hit = hits[i];
      auto view = ev::get(txn, db, cal.name, hit.id);
      if (!view) return view.error();
      if (!view.value()) continue;
      // A series whose first occurrence in the range is past its end.
      if (i < materialized && view.value()->recurring() && hit.first_start >= series_qe) continue;
      if (!take(**view, hit.first_start)) break;
    }
  } else if (q.modified_since_us) {
    std::size_t seen = 0;
    auto st = ev::for_each_modified_since(txn, db, cal.name, *q.modified_since_us, [&](const storage::EventView& v) {
      if (++seen > budget) {
        answer.over_budget = true;
        return false;
      }
      return take(v, v.first_start);
    });
    if (!st) return st.error();
  } else {
    std::size_t seen = 0;
    auto st = ev::for_each(txn, db, cal.name, [&](const storage::EventView& v) {
      if (++seen > budget) {
        answer.over_budget = true;
        return false;
      }
      return take(v, v.first_start);
    });
    if (!st) return st.error();
  }
  if (damaged_record) return damaged(damaged_id);
  if (answer.over_budget) return answer;
  answer.body = feed.finish();
  return answer;
}

storage::Result<FeedAnswer> build_event_ics(const storage::Txn& txn, const storage::Databases& db,
                                            const CalendarConfig& cal, std::string_view id, const FeedQuery& q,
                                            Format format) {
  FeedAnswer answer;
  auto view = ev::get(txn, db, cal.name, id);
  if (!view) return view.error();
  if (!view.value() || view.value()->deleted()) {
    answer.found = false;
    return answer;
  }
  FeedAssembler feed(cal, q.lang, format);
  if (!feed.add(**view, 0)) return damaged(id);
  answer.body = feed.finish();
  return answer;
}

}  // namespace civic::calendar
