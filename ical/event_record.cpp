#include "ical/event_record.hpp"

#include "ical/event_json.hpp"
#include "ical/html_text.hpp"
#include "ical/recurrence.hpp"
#include "ical/text_fold.hpp"
#include "ical/vevent.hpp"

namespace civic::ical {

namespace {

void add_texts(std::string& out, const LangText& t, bool html) {
  for (const auto& [lang, text] : t.entries()) {
    out.append(html ? html_to_text(text) : text);
    out.push_back('\n');
  }
}

storage::EventFacts facts_of(const Event& e) {
  storage::EventFacts f;
  f.status = static_cast<std::uint8_t>(e.status);
  bool any_offer_says = false;
  for (const auto& o : e.offers) {
    if (!o.is_free) continue;
    any_offer_says = true;
    if (*o.is_free) f.is_free = 1;
  }
  if (any_offer_says && f.is_free == 0) f.is_free = 2;
  if (e.location) f.location_id = e.location->id;
  f.keywords = "\n";
  for (const auto& k : e.keywords) f.keywords.append(k).push_back('\n');
  std::string text;
  add_texts(text, e.name, false);
  add_texts(text, e.short_description, false);
  add_texts(text, e.description, true);
  if (e.location) {
    add_texts(text, e.location->name, false);
    add_texts(text, e.location->street_address, false);
    add_texts(text, e.location->address_locality, false);
  }
  f.search_text = fold_case(text);
  return f;
}

}  // namespace

storage::EventRecord make_record(const Event& e, const CalendarConfig& cal, std::int64_t now_us) {
  storage::EventRecord r;
  r.id = e.id;
  r.sequence = e.sequence;
  r.created_us = e.created_us;
  r.modified_us = e.modified_us;
  r.model_json = canonical_json(e);
  if (e.recurrence) r.flags |= storage::kRecurring;
  if (e.all_day()) r.flags |= storage::kAllDay;
  if (e.deleted) {
    r.flags |= storage::kDeleted;
    return r;  // a tombstone: no VEVENT, no occurrences
  }
  r.tzid = std::string(tzid_used(e));
  r.facts = facts_of(e);
  Expansion x = expand_occurrences(e, now_us / 1000000 + kHorizonSeconds, kMaxOccurrences);
  r.first_start = x.first_start;
  r.last_end = x.last_end;
  if (x.truncated) {
    r.flags |= storage::kTruncated;
    r.resume_from = x.resume_from;
  }
  r.occurrences.reserve(x.occurrences.size());
  for (const auto& o : x.occurrences) r.occurrences.push_back(storage::OccurrenceSpan{o.start, o.end});
  for (const auto& lang : cal.languages) {
    VeventStyle style = vevent_style(cal, lang);
    r.renditions.push_back(
        storage::Rendition{storage::RenditionKind::vevent, lang, render_signature(style), render_vevent(e, style)});
  }
  return r;
}

bool event_from_view(const storage::EventView& v, Event& out) {
  if (!event_from_canonical_json(v.model_json, out)) return false;
  out.sequence = v.sequence;
  out.created_us = v.created_us;
  out.modified_us = v.modified_us;
  out.deleted = v.deleted();
  return true;
}

}  // namespace civic::ical
