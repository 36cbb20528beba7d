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
#include "calendar/model/timezone.hpp"
#include "calendar/formats/vevent.hpp"

namespace civic::calendar {

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

// Collects the VEVENTs of a feed and writes the VCALENDAR around them.
class FeedAssembler {
 public:
  FeedAssembler(const CalendarConfig& cal, std::string_view lang, Format format)
      : cal_(cal),
        lang_(lang),
        format_(format),
        style_(vevent_style(cal, lang)),
        signature_(rendition_signature(rendition_of(format), style_)) {}

  // The event in the feed's format (nullopt: the stored event cannot be read
  // back, a damaged store). Valid as long as the transaction and this.
  std::optional<std::string_view> text_of(const storage::EventView& v) {
    if (auto stored = v.find_rendition(rendition_of(format_), lang_, signature_, unpacked_)) return *stored;
    // Stored before the calendar's languages changed: rendered now.
    Event e;
    if (!event_from_view(v, e)) return std::nullopt;
    ComponentTree tree;
    std::string vevent = render_vevent(e, style_, format_ == Format::ics ? nullptr : &tree);
    if (format_ == Format::jcal) vevent = component_jcal(tree);
    if (format_ == Format::xcal) vevent = component_xcal(tree);
    rendered_.push_back(std::move(vevent));
    return rendered_.back();
  }

  // Adds events in the order of the feed, with their text_of.
  void add(const storage::EventView& v, std::string_view text) {
    texts_.push_back(text);
    if (!v.tzid.empty() && std::find(zones_.begin(), zones_.end(), v.tzid) == zones_.end()) zones_.push_back(v.tzid);
  }

  // The body. Its views stay valid as long as the transaction the events
  // were read in.
  Body finish() {
    std::sort(zones_.begin(), zones_.end());
    Body body;
    if (format_ == Format::ics) {
      body.append_owned(render_calendar_head(cal_, lang_));
      for (auto z : zones_) body.append(vtimezone_text(z));  // cached for the process
      for (auto text : texts_) body.append(text);
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
      for (auto text : texts_) {
        separate();
        body.append(text);
      }
      body.append_owned(std::move(tail_));
    }
    body.keep(std::move(rendered_));  // views of texts_ point into them
    body.keep(unpacked_.take());
    return body;
  }

 private:
  const CalendarConfig& cal_;
  std::string lang_;
  Format format_;
  std::string tail_;
  VeventStyle style_;
  std::uint64_t signature_;
  std::vector<std::string_view> texts_;
  std::deque<std::string> rendered_;  // stable addresses for texts_
  storage::TextArena unpacked_;       // likewise, for packed texts
  std::vector<std::string_view> zones_;
};

}  // namespace

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

Result<FeedAnswer> build_ics_feed(const storage::Txn& txn, const storage::Databases& db,
                                           const CalendarConfig& cal, const FeedQuery& q, std::size_t budget,
                                           Format format) {
  FeedAnswer answer;
  auto selected = select(txn, db, cal, q, plan_feed(q), budget);
  if (!selected) return selected.error();
  if (selected->over_budget || selected->refused) {
    answer.over_budget = selected->over_budget;
    answer.refused = std::move(selected->refused);
    return answer;
  }
  FeedAssembler feed(cal, q.lang, format);
  // The texts are found in the order the events were read, while their
  // records are still in the processor's cache, and written in the feed's.
  const auto& views = selected->views;
  auto index = [&](const Item& item) { return static_cast<std::size_t>(item.view - views.data()); };
  std::vector<bool> in_feed(views.size());
  for (const Item& item : selected->items) in_feed[index(item)] = true;
  std::vector<std::string_view> texts(views.size());
  for (std::size_t i = 0; i < views.size(); ++i) {
    if (!in_feed[i]) continue;
    auto text = feed.text_of(views[i]);
    if (!text) return damaged_event(views[i].id);
    texts[i] = *text;
  }
  for (const Item& item : selected->items) feed.add(*item.view, texts[index(item)]);
  answer.body = feed.finish();
  return answer;
}

Result<FeedAnswer> build_event_ics(const storage::Txn& txn, const storage::Databases& db,
                                            const CalendarConfig& cal, std::string_view id, const FeedQuery& q,
                                            Format format) {
  auto view = live_event(txn, db, cal.name, id);
  if (!view) return view.error();
  if (!view.value()) return FeedAnswer::not_found();
  FeedAnswer answer;
  FeedAssembler feed(cal, q.lang, format);
  auto text = feed.text_of(**view);
  if (!text) return damaged_event(id);
  feed.add(**view, *text);
  answer.body = feed.finish();
  return answer;
}

}  // namespace civic::calendar
