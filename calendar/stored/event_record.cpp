#include "calendar/stored/event_record.hpp"

#include "common/hash.hpp"
#include "calendar/formats/event_json.hpp"
#include "calendar/formats/ical_tree.hpp"
#include "calendar/formats/jcal.hpp"
#include "calendar/query/name_key.hpp"
#include "calendar/formats/xcal.hpp"
#include "calendar/formats/html_text.hpp"
#include "calendar/model/recurrence.hpp"
#include "calendar/formats/text_fold.hpp"
#include "calendar/formats/vevent.hpp"

namespace civic::calendar {

namespace {

void add_texts(std::string& out, const LangText& t) {
  for (const auto& [lang, text] : t.entries()) {
    out.append(text);
    out.push_back('\n');
  }
}

// The descriptions as plain text, each converted once for the search text
// and every language's VEVENT.
LangText plain_descriptions(const Event& e) {
  LangText plain;
  for (const auto& [lang, text] : e.description.entries()) plain.set(lang, html_to_text(text));
  return plain;
}

storage::EventFacts facts_of(const Event& e, const LangText& plain_descriptions) {
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
  f.keywords.push_back('\n');
  for (const auto& k : e.keywords) f.keywords.append(k).push_back('\n');
  std::string text;
  add_texts(text, e.name);
  add_texts(text, e.short_description);
  add_texts(text, plain_descriptions);
  if (e.location) {
    add_texts(text, e.location->name);
    add_texts(text, e.location->street_address);
    add_texts(text, e.location->address_locality);
  }
  f.search_text = fold_case(text);
  return f;
}

}  // namespace

std::uint64_t rendition_signature(storage::RenditionKind kind, const VeventStyle& style) {
  // Bumped whenever the writer of that kind writes something differently.
  switch (kind) {
    case storage::RenditionKind::vevent: return render_signature(style);
    case storage::RenditionKind::jcal: return fnv1a64("jcal-1", render_signature(style));
    case storage::RenditionKind::xcal: return fnv1a64("xcal-1", render_signature(style));
    case storage::RenditionKind::name_key: {
      std::uint64_t h = fnv1a64("name-key-1");
      for (const auto& lang : style.chain) h = fnv1a64(lang + ",", h);
      return h;
    }
    case storage::RenditionKind::json: return fnv1a64("json-2");  // 2: places and keywords as resources
  }
  return 0;
}

storage::RenditionKind rendition_of(Format format) {
  switch (format) {
    case Format::json: return storage::RenditionKind::json;
    case Format::jcal: return storage::RenditionKind::jcal;
    case Format::xcal: return storage::RenditionKind::xcal;
    case Format::ics:
    case Format::html: break;
  }
  return storage::RenditionKind::vevent;
}

std::string name_in(const Event& e, const std::vector<std::string>& chain) {
  const LangText::Entry* name = e.name.pick(chain);
  return name ? name->second : std::string();
}

storage::EventRecord make_record(const Event& e, const CalendarConfig& cal, std::int64_t now_us) {
  using storage::RenditionKind;
  storage::EventRecord r;
  r.id = e.id;
  r.sequence = e.sequence;
  r.created_us = e.created_us;
  r.modified_us = e.modified_us;
  r.model_json = canonical_json(e);
  r.zone = e.timezone;
  if (e.recurrence) r.flags |= storage::kRecurring;
  if (e.all_day()) r.flags |= storage::kAllDay;
  if (e.umbrella) r.flags |= storage::kUmbrella;
  LangText plain = plain_descriptions(e);
  r.facts = facts_of(e, plain);
  // A counted series is finite and short (COUNT <= kMaxCount): materialized
  // whole, it is never expanded again, which libical could only do from
  // DTSTART.
  std::int64_t until = has_count(e) ? kOpenEnded : now_us / 1000000 + kHorizonSeconds;
  Expansion x = expand_occurrences(e, until, kMaxOccurrences);
  r.first_start = x.first_start;
  r.first_end = x.occurrences.empty() ? x.first_start + 1 : x.occurrences.front().end;
  r.last_end = x.last_end;
  std::vector<VeventStyle> styles;
  for (const auto& lang : cal.languages) styles.push_back(vevent_style(cal, lang));
  auto add = [&r](RenditionKind kind, std::string lang, const VeventStyle& style, std::string text) {
    r.renditions.push_back(storage::Rendition{kind, std::move(lang), rendition_signature(kind, style), std::move(text)});
  };
  for (std::size_t i = 0; i < styles.size(); ++i)
    add(RenditionKind::name_key, cal.languages[i], styles[i], name_sort_key(name_in(e, styles[i].chain), cal.languages[i]));
  if (e.deleted) {
    // A tombstone: in no time index, no VEVENT; its JSON says it is gone.
    r.flags |= storage::kDeleted;
    add(RenditionKind::json, "", VeventStyle{}, deleted_event_json(e.id, e.modified_us));
    return r;
  }
  r.tzid = std::string(tzid_used(e));
  if (x.truncated) {
    r.flags |= storage::kTruncated;
    r.resume_from = x.resume_from;
  }
  r.occurrences.reserve(x.occurrences.size());
  for (const auto& o : x.occurrences) r.occurrences.push_back(storage::OccurrenceSpan{o.start, o.end});
  add(RenditionKind::json, "", VeventStyle{}, event_json_template(e, cal.name, cal.default_language()));
  for (std::size_t i = 0; i < styles.size(); ++i) {
    // jCal and xCal from the VEVENT's own properties: the three say the same.
    ComponentTree tree;
    std::string vevent = render_vevent(e, styles[i], &tree, &plain);
    add(RenditionKind::jcal, cal.languages[i], styles[i], component_jcal(tree));
    add(RenditionKind::xcal, cal.languages[i], styles[i], component_xcal(tree));
    add(RenditionKind::vevent, cal.languages[i], styles[i], std::move(vevent));
  }
  return r;
}

bool event_from_view(const storage::EventView& v, Event& out) {
  std::string buffer;
  auto model = v.model_json(buffer);
  if (!model || !event_from_canonical_json(*model, out)) return false;
  out.sequence = v.sequence;
  out.created_us = v.created_us;
  out.modified_us = v.modified_us;
  out.deleted = v.deleted();
  return true;
}

}  // namespace civic::calendar
