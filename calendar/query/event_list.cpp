#include "calendar/query/event_list.hpp"

#include <deque>
#include <optional>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "calendar/model/event.hpp"
#include "calendar/formats/event_json.hpp"
#include "calendar/formats/event_json_template.hpp"
#include "calendar/stored/event_record.hpp"
#include "calendar/model/recurrence.hpp"
#include "calendar/formats/vevent.hpp"
#include "common/url.hpp"

namespace civic::calendar {

namespace {

// Writes items into the envelope; keeps what it renders.
class ListWriter {
 public:
  // `base`: the "@id" base, JSON-escaped; the body keeps views of it.
  ListWriter(const CalendarConfig& cal, std::string_view base, unsigned include)
      : cal_(cal),
        base_(base),
        include_(include),
        signature_(rendition_signature(storage::RenditionKind::json, VeventStyle{})) {}

  // False if the stored event cannot be read back.
  bool append(Body& body, const Item& item) {
    std::string_view stored;
    if (auto found = item.view->find_rendition(storage::RenditionKind::json, "", signature_, unpacked_)) {
      stored = *found;
    } else {
      Event e;
      if (!event_from_view(*item.view, e)) return false;
      rendered_.push_back(e.deleted ? deleted_event_json(e.id, e.modified_us)
                                    : event_json_template(e, cal_.name, cal_.default_language()));
      stored = rendered_.back();
    }
    EventClock clock{item.view->zone, item.view->all_day()};
    std::optional<OccurrenceTimes> occurrence;
    if (item.of_series) occurrence = OccurrenceTimes{item.start, item.end};
    return append_event_json(body, stored, base_, occurrence, clock, include_);
  }

  // What the body's views point into, for it to keep.
  std::deque<std::string> take_rendered() { return std::move(rendered_); }
  std::deque<std::string> take_unpacked() { return unpacked_.take(); }

 private:
  const CalendarConfig& cal_;
  std::string_view base_;
  unsigned include_;
  std::uint64_t signature_;
  std::deque<std::string> rendered_;
  storage::TextArena unpacked_;  // packed texts, unpacked (the body keeps views)
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

Result<std::optional<ListPage>> select_list_page(const storage::Txn& txn, const storage::Databases& db,
                                                 const CalendarConfig& cal, const FeedQuery& q, std::size_t budget,
                                                 ListAnswer& answer) {
  auto selected = select(txn, db, cal, q, plan_list(q), budget);
  if (!selected) return selected.error();
  if (selected->over_budget || selected->refused) {
    answer.feed.over_budget = selected->over_budget;
    answer.feed.refused = std::move(selected->refused);
    return std::optional<ListPage>();
  }
  ListPage page{std::move(*selected), 0};
  const auto size = static_cast<std::uint64_t>(q.page_size);
  page.pages = (page.selection.count + size - 1) / size;
  if (q.page > 1 && static_cast<std::uint64_t>(q.page) > page.pages) {
    answer.page_missing = true;
    return std::optional<ListPage>();
  }
  return std::optional<ListPage>(std::move(page));
}

Result<ListAnswer> build_json_list(const storage::Txn& txn, const storage::Databases& db,
                                            const CalendarConfig& cal, const FeedQuery& q, const ListLinks& links,
                                            std::size_t budget) {
  ListAnswer answer;
  auto listed = select_list_page(txn, db, cal, q, budget, answer);
  if (!listed) return listed.error();
  if (!*listed) return answer;
  Selection& s = (*listed)->selection;
  const std::uint64_t pages = (*listed)->pages;
  std::optional<std::string> next, previous;
  if (static_cast<std::uint64_t>(q.page) < pages) next = page_link(links.list_url, links.args, q.page + 1);
  if (q.page > 1) previous = page_link(links.list_url, links.args, q.page - 1);

  Body& body = answer.feed.body;
  std::deque<std::string> base{json_string_content(links.base)};
  ListWriter writer(cal, base.front(), q.include);
  body.append_owned(meta_json(s.count, next, previous));
  bool first = true;
  for (const auto& item : s.items) {
    if (!first) body.append(",");
    first = false;
    if (!writer.append(body, item)) return damaged_event(item.view->id);
  }
  body.append("]}");
  body.keep(std::move(base));  // the items point into these
  body.keep(writer.take_rendered());
  body.keep(writer.take_unpacked());
  body.keep(std::move(s.kept));
  return answer;
}

Result<FeedAnswer> build_event_json(const storage::Txn& txn, const storage::Databases& db,
                                             const CalendarConfig& cal, std::string_view id, const FeedQuery& q,
                                             const ListLinks& links) {
  auto view = live_event(txn, db, cal.name, id);
  if (!view) return view.error();
  if (!view.value()) return FeedAnswer::not_found();
  FeedAnswer answer;
  const storage::EventView& v = **view;
  Item item;
  item.view = &v;
  if (q.recurrence_id) {
    Event e;
    if (!event_from_view(v, e)) return damaged_event(id);
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
    if (!e.recurrence || found.empty() || found.front().start != at) return FeedAnswer::not_found();
    item.start = found.front().start;
    item.end = found.front().end;
    item.of_series = true;
  }
  std::deque<std::string> base{json_string_content(links.base)};
  ListWriter writer(cal, base.front(), q.include);
  if (!writer.append(answer.body, item)) return damaged_event(id);
  answer.body.keep(std::move(base));
  answer.body.keep(writer.take_rendered());
  answer.body.keep(writer.take_unpacked());
  return answer;
}

}  // namespace civic::calendar
