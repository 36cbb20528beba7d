#include "calendar/query/agenda_page.hpp"

#include <unicode/datefmt.h>
#include <unicode/locid.h>
#include <unicode/timezone.h>
#include <unicode/unistr.h>

#include <memory>
#include <optional>

#include "calendar/formats/event_json.hpp"
#include "calendar/formats/event_json_template.hpp"
#include "calendar/formats/html_text.hpp"
#include "calendar/model/civil_time.hpp"
#include "calendar/model/timezone.hpp"
#include "calendar/query/plan.hpp"
#include "calendar/query/select.hpp"
#include "calendar/stored/event_record.hpp"
#include "common/html.hpp"
#include "common/url.hpp"
#include "storage/event_store.hpp"

namespace civic::calendar {

namespace {

// ---- the page's words, in Finnish, Swedish and English (English for any other)

enum class Word {
  filter, text, keyword, location, start, end, show, subscribe, subscribe_filter, webcal, google, outlook, ics_file,
  no_events, all_day, free, cancelled, postponed, rescheduled, previous, next, pages, page_of, add_to_calendar, back,
  more_info, when, where, price, languages
};

struct Words {
  Word word;
  const char* fi;
  const char* sv;
  const char* en;
};

constexpr Words kWords[] = {
    {Word::filter, "Rajaa tapahtumia", "Filtrera evenemang", "Filter events"},
    {Word::text, "Hakusana", "Sökord", "Search words"},
    {Word::keyword, "Avainsana", "Nyckelord", "Keyword"},
    {Word::location, "Paikan tunnus", "Platsens id", "Place id"},
    {Word::start, "Alkaen", "Från och med", "From"},
    {Word::end, "Päättyen", "Till och med", "Until"},
    {Word::show, "Näytä", "Visa", "Show"},
    {Word::subscribe, "Tilaa kalenteri", "Prenumerera på kalendern", "Subscribe to the calendar"},
    {Word::subscribe_filter, "Tilaa nämä tapahtumat", "Prenumerera på dessa evenemang", "Subscribe to these events"},
    {Word::webcal, "Kalenterisovellukseen", "Till kalenderappen", "In a calendar app"},
    {Word::google, "Google-kalenteriin", "Till Google Kalender", "In Google Calendar"},
    {Word::outlook, "Outlookiin", "Till Outlook", "In Outlook"},
    {Word::ics_file, "iCal-tiedostona", "Som iCal-fil", "As an iCal file"},
    {Word::no_events, "Ei tapahtumia.", "Inga evenemang.", "No events."},
    {Word::all_day, "koko päivän", "hela dagen", "all day"},
    {Word::free, "Maksuton", "Gratis", "Free"},
    {Word::cancelled, "Peruttu", "Inställt", "Cancelled"},
    {Word::postponed, "Siirretty", "Uppskjutet", "Postponed"},
    {Word::rescheduled, "Aika muuttunut", "Ny tid", "Rescheduled"},
    {Word::previous, "Edelliset", "Föregående", "Previous"},
    {Word::next, "Seuraavat", "Nästa", "Next"},
    {Word::pages, "Sivut", "Sidor", "Pages"},
    {Word::page_of, "Sivu", "Sida", "Page"},
    {Word::add_to_calendar, "Lisää kalenteriin (.ics)", "Lägg till i kalendern (.ics)", "Add to calendar (.ics)"},
    {Word::back, "Kaikki tapahtumat", "Alla evenemang", "All events"},
    {Word::more_info, "Lisätietoja", "Mer information", "More information"},
    {Word::when, "Aika", "Tid", "When"},
    {Word::where, "Paikka", "Plats", "Where"},
    {Word::price, "Hinta", "Pris", "Price"},
    {Word::languages, "Kieli", "Språk", "Language"},
};

std::string_view say(Word w, std::string_view lang) {
  for (const auto& row : kWords)
    if (row.word == w) return lang == "fi" ? row.fi : lang == "sv" ? row.sv : row.en;
  return {};
}

std::string_view language_name(std::string_view lang) {
  if (lang == "fi") return "suomi";
  if (lang == "sv") return "svenska";
  if (lang == "en") return "English";
  return lang;
}

// ---- dates and times as the language writes them (ICU)

class Clock {
 public:
  explicit Clock(std::string_view lang) {
    icu::Locale locale(std::string(lang).c_str());
    day_.reset(icu::DateFormat::createDateInstance(icu::DateFormat::kFull, locale));
    time_.reset(icu::DateFormat::createTimeInstance(icu::DateFormat::kShort, locale));
    for (auto* f : {day_.get(), time_.get()})
      if (f) f->setTimeZone(*icu::TimeZone::getGMT());  // the civil time is given as if it were UTC
  }
  std::string day(const CivilTime& t) const { return format(day_.get(), t, format_iso_date(t)); }
  std::string time(const CivilTime& t) const {
    char hhmm[8];
    std::snprintf(hhmm, sizeof hhmm, "%02d:%02d", t.hour, t.minute);
    return format(time_.get(), t, hhmm);
  }

 private:
  static std::string format(icu::DateFormat* f, const CivilTime& t, std::string fallback) {
    if (f == nullptr) return fallback;
    icu::UnicodeString text;
    f->format(static_cast<UDate>(seconds_from_civil(t)) * 1000.0, text);
    std::string out;
    text.toUTF8String(out);
    return out.empty() ? fallback : out;
  }
  std::unique_ptr<icu::DateFormat> day_, time_;
};

// Making ICU's formatters costs more than a page of events: one per
// language, per thread (a formatter is not to be shared between threads).
const Clock& clock_for(std::string_view lang) {
  thread_local std::vector<std::pair<std::string, std::unique_ptr<Clock>>> clocks;
  for (const auto& [l, c] : clocks)
    if (l == lang) return *c;
  clocks.emplace_back(std::string(lang), std::make_unique<Clock>(lang));
  return *clocks.back().second;
}

std::string text_in(const LangText& t, const std::vector<std::string>& chain) {
  const auto* picked = t.pick(chain);
  return picked ? picked->second : std::string();
}

// A query part kept for the subscription links: the filters, not the range or page.
std::string filter_args(std::string_view args) {
  std::string out;
  std::size_t at = 0;
  while (at <= args.size() && !args.empty()) {
    std::size_t amp = args.find('&', at);
    std::string_view part = args.substr(at, amp == std::string_view::npos ? std::string_view::npos : amp - at);
    std::string_view name = part.substr(0, part.find('='));
    if (name == "text" || name == "keyword" || name == "keyword_AND" || name == "keyword!" || name == "location" ||
        name == "event_status" || name == "is_free" || name == "lang") {
      std::string_view value = part.substr(std::min(part.size(), name.size() + 1));
      if (!value.empty()) url::append_encoded(out.append(out.empty() ? "" : "&"), part, url::Keep::query_text);
    }
    if (amp == std::string_view::npos) break;
    at = amp + 1;
  }
  return out;
}

// The value a query parameter was given, decoded ("" if none).
std::string arg(std::string_view args, std::string_view name) {
  std::size_t at = 0;
  while (at <= args.size() && !args.empty()) {
    std::size_t amp = args.find('&', at);
    std::string_view part = args.substr(at, amp == std::string_view::npos ? std::string_view::npos : amp - at);
    if (part.substr(0, part.find('=')) == name && part.size() > name.size()) {
      std::string value;
      if (url::percent_decode(part.substr(name.size() + 1), value)) return value;
    }
    if (amp == std::string_view::npos) break;
    at = amp + 1;
  }
  return {};
}

void languages_nav(Html& h, const CalendarConfig& cal, std::string_view lang, const std::string& url) {
  if (cal.languages.size() < 2) return;
  h.open("nav", {{"class", "civic-languages"}, {"aria-label", say(Word::languages, lang)}}).open("ul");
  for (const auto& other : cal.languages) {
    if (other == lang) continue;
    std::string href = url + "?lang=" + other;
    h.open("li").element("a", {{"href", href}, {"lang", other}, {"hreflang", other}}, language_name(other)).close();
  }
  h.close().close();
}

void subscribe_links(Html& h, const CalendarConfig& cal, const AgendaLinks& links, Word heading, std::string_view filter) {
  std::string_view lang = links.lang;
  std::string https = links.list.base + cal.name + ".ics" + (filter.empty() ? "" : "?" + std::string(filter));
  std::string webcal = https;
  if (webcal.starts_with("https://")) webcal.replace(0, 8, "webcal://");
  else if (webcal.starts_with("http://")) webcal.replace(0, 7, "webcal://");
  std::string title = text_in(cal.title, cal.fallback_chain(lang));
  if (title.empty()) title = cal.name;
  h.open("section", {{"aria-labelledby", heading == Word::subscribe ? "civic-subscribe" : "civic-subscribe-filter"}});
  h.element("h2", {{"id", heading == Word::subscribe ? "civic-subscribe" : "civic-subscribe-filter"}}, say(heading, lang));
  h.open("ul");
  h.open("li").element("a", {{"href", webcal}}, say(Word::webcal, lang)).close();
  h.open("li")
      .element("a", {{"href", "https://calendar.google.com/calendar/render?cid=" + url::encoded(webcal, url::Keep::unreserved)}},
               say(Word::google, lang))
      .close();
  h.open("li")
      .element("a",
               {{"href", "https://outlook.live.com/calendar/0/addfromweb?url=" + url::encoded(https, url::Keep::unreserved) +
                             "&name=" + url::encoded(title, url::Keep::unreserved)}},
               say(Word::outlook, lang))
      .close();
  h.open("li").element("a", {{"href", https}, {"type", "text/calendar"}}, say(Word::ics_file, lang)).close();
  h.close().close();
}

void filter_form(Html& h, const CalendarConfig& cal, const AgendaLinks& links) {
  std::string_view lang = links.lang;
  std::string_view args = links.list.args;
  h.open("form", {{"class", "civic-agenda-filter"}, {"method", "get"}, {"action", links.list.list_url},
                  {"aria-labelledby", "civic-filter"}});
  h.element("h2", {{"id", "civic-filter"}}, say(Word::filter, lang));
  auto field = [&](Name name, Word label, Name type) {
    std::string id = std::string("civic-") + name.c_str();
    std::string value = arg(args, name.c_str());
    if (std::string_view(type.c_str()) == "date" && value.size() > 10) value.resize(10);
    h.open("div", {{"class", "civic-field"}});
    h.element("label", {{"for", id}}, say(label, lang));
    h.empty("input", {{"id", id}, {"name", name.c_str()}, {"type", type.c_str()}, optional("value", value)});
    h.close();
  };
  field("text", Word::text, "search");
  field("keyword", Word::keyword, "text");
  field("location", Word::location, "text");
  field("start", Word::start, "date");
  field("end", Word::end, "date");
  if (!arg(args, "lang").empty()) h.empty("input", {{"type", "hidden"}, {"name", "lang"}, {"value", lang}});
  (void)cal;
  h.element("button", {{"type", "submit"}, {"class", "civic-submit"}}, say(Word::show, lang));
  h.close();
}

std::string status_word(const Event& e, std::string_view lang) {
  switch (e.status) {
    case EventStatus::cancelled: return std::string(say(Word::cancelled, lang));
    case EventStatus::postponed: return std::string(say(Word::postponed, lang));
    case EventStatus::rescheduled: return std::string(say(Word::rescheduled, lang));
    case EventStatus::scheduled: break;
  }
  return {};
}

std::string price_of(const Event& e, const std::vector<std::string>& chain, std::string_view lang) {
  for (const Offer& o : e.offers) {
    if (o.is_free && *o.is_free) return std::string(say(Word::free, lang));
    std::string p = text_in(o.price, chain);
    if (!p.empty()) return p;
  }
  return {};
}

// "18.00–20.00", "koko päivän", in the event's own zone.
std::string times_of(const Clock& clock, std::int64_t start, std::int64_t end, const Event& e, std::string_view lang) {
  if (e.all_day()) return std::string(say(Word::all_day, lang));
  std::string out = clock.time(utc_to_local(start, e.timezone));
  if (end > start) out += "–" + clock.time(utc_to_local(end, e.timezone));
  return out;
}

std::string event_page_url(const CalendarConfig& cal, const AgendaLinks& links, std::string_view id) {
  return links.list.base + cal.name + "/events/" + url_path_segment(id) + ".html";
}

Error damaged(std::string_view id) {
  return Error(Error::kCorrupt, "read event " + std::string(id), "the stored event is damaged");
}

}  // namespace

Result<ListAnswer> build_agenda(const storage::Txn& txn, const storage::Databases& db, const CalendarConfig& cal,
                                const FeedQuery& q, const AgendaLinks& links, std::size_t budget) {
  ListAnswer answer;
  auto listed = select_list_page(txn, db, cal, q, budget, answer);
  if (!listed) return listed.error();
  if (!*listed) return answer;
  const Selection& s = (*listed)->selection;
  const std::uint64_t pages = (*listed)->pages;
  const std::string_view lang = links.lang;
  const auto chain = cal.fallback_chain(lang);
  const Clock& clock = clock_for(lang);
  std::string title = text_in(cal.title, chain);
  if (title.empty()) title = cal.name;

  Html h;
  h.element("h1", {}, title);
  std::string description = text_in(cal.description, chain);
  if (!description.empty()) h.element("p", {}, description);
  languages_nav(h, cal, lang, links.list.list_url);
  filter_form(h, cal, links);

  if (s.items.empty()) h.element("p", {}, say(Word::no_events, lang));
  std::optional<CivilTime> day_open;
  for (const Item& item : s.items) {
    Event e;
    if (!event_from_view(*item.view, e)) return damaged(item.view->id);
    std::int64_t start = item.of_series ? item.start : item.view->first_start;
    std::int64_t end = item.of_series ? item.end : item.view->first_end;
    CivilTime local = utc_to_local(start, e.timezone);
    CivilTime day{local.year, local.month, local.day, 0, 0, 0};
    if (!day_open || !(*day_open == day)) {
      if (day_open) h.close();  // ul
      h.element("h2", {}, clock.day(day));
      h.open("ul", {{"class", "civic-agenda-day"}});
      day_open = day;
    }
    h.open("li").open("article");
    h.open("h3").element("a", {{"href", event_page_url(cal, links, e.id)}}, text_in(e.name, chain)).close();
    h.open("p");
    std::string status = status_word(e, lang);
    if (!status.empty()) h.element("span", {{"class", "civic-status"}}, status).text(" · ");
    h.element("time", {{"datetime", occurrence_time_text(start, EventClock{e.timezone, e.all_day()})}},
              times_of(clock, start, end, e, lang));
    if (e.location) {
      std::string place = text_in(e.location->name, chain);
      if (!place.empty()) h.text(" · ").text(place);
    }
    std::string price = price_of(e, chain, lang);
    if (!price.empty()) h.text(" · ").text(price);
    h.close().close().close();  // p, article, li
  }
  if (day_open) h.close();

  if (pages > 1) {
    h.open("nav", {{"class", "civic-pages"}, {"aria-label", say(Word::pages, lang)}});
    if (q.page > 1)
      h.element("a", {{"href", page_link(links.list.list_url, links.list.args, q.page - 1)}, {"rel", "prev"}},
                say(Word::previous, lang));
    h.element("span", {}, std::string(say(Word::page_of, lang)) + " " + std::to_string(q.page) + " / " + std::to_string(pages));
    if (static_cast<std::uint64_t>(q.page) < pages)
      h.element("a", {{"href", page_link(links.list.list_url, links.list.args, q.page + 1)}, {"rel", "next"}},
                say(Word::next, lang));
    h.close();
  }
  std::string filter = filter_args(links.list.args);
  bool filtered = filter.find("text=") != std::string::npos || filter.find("keyword") != std::string::npos ||
                  filter.find("location=") != std::string::npos || filter.find("event_status=") != std::string::npos ||
                  filter.find("is_free=") != std::string::npos;
  // A subscription in the page's language (the feed's default is the calendar's first).
  std::string lang_arg = lang == cal.default_language() ? "" : "lang=" + std::string(lang);
  if (!lang_arg.empty() && filter.find("lang=") == std::string::npos) filter += (filter.empty() ? "" : "&") + lang_arg;
  if (filtered) subscribe_links(h, cal, links, Word::subscribe_filter, filter);
  subscribe_links(h, cal, links, Word::subscribe, lang_arg);

  const Layout& layout = cal.page_layout ? *cal.page_layout : Layout::builtin();
  answer.feed.body.append_owned(layout.render(lang, title, h.take()));
  return answer;
}

Result<FeedAnswer> build_event_page(const storage::Txn& txn, const storage::Databases& db,
                                    const CalendarConfig& cal, std::string_view id, const AgendaLinks& links) {
  auto found = storage::events::get(txn, db, cal.name, id);
  if (!found) return found.error();
  if (!found.value() || found.value()->deleted()) return FeedAnswer::not_found();
  Event e;
  if (!event_from_view(**found, e)) return damaged(id);
  const std::string_view lang = links.lang;
  const auto chain = cal.fallback_chain(lang);
  const Clock& clock = clock_for(lang);
  std::string name = text_in(e.name, chain);

  Html h;
  h.open("p").element("a", {{"href", links.list.list_url}}, say(Word::back, lang)).close();
  h.element("h1", {}, name);
  languages_nav(h, cal, lang, event_page_url(cal, links, e.id));
  std::string status = status_word(e, lang);
  if (!status.empty()) h.element("p", {{"class", "civic-status"}}, status);
  std::string short_text = text_in(e.short_description, chain);
  if (!short_text.empty()) h.element("p", {}, short_text);
  h.open("dl", {{"class", "civic-event"}});
  std::int64_t start = (*found)->first_start;
  std::int64_t end = (*found)->first_end;
  CivilTime local = utc_to_local(start, e.timezone);
  h.element("dt", {}, say(Word::when, lang));
  h.open("dd").element("time", {{"datetime", occurrence_time_text(start, EventClock{e.timezone, e.all_day()})}},
                        clock.day(CivilTime{local.year, local.month, local.day, 0, 0, 0}) + " " +
                            times_of(clock, start, end, e, lang));
  h.close();
  if (e.location) {
    std::string place = text_in(e.location->name, chain);
    std::string address = text_in(e.location->street_address, chain);
    std::string town = text_in(e.location->address_locality, chain);
    std::string where = place;
    for (const std::string& part : {address, e.location->postal_code + (town.empty() ? "" : " " + town)})
      if (!part.empty() && part != " ") where += (where.empty() ? "" : ", ") + part;
    if (!where.empty()) h.element("dt", {}, say(Word::where, lang)).element("dd", {}, where);
  }
  std::string price = price_of(e, chain, lang);
  if (!price.empty()) h.element("dt", {}, say(Word::price, lang)).element("dd", {}, price);
  h.close();
  std::string description = html_to_text(text_in(e.description, chain));
  std::size_t at = 0;
  while (at < description.size()) {
    std::size_t nl = description.find('\n', at);
    std::string_view para = std::string_view(description).substr(at, nl == std::string::npos ? std::string::npos : nl - at);
    if (!para.empty()) h.element("p", {}, para);
    if (nl == std::string::npos) break;
    at = nl + 1;
  }
  std::string info = text_in(e.info_url, chain);
  if (!info.empty()) h.open("p").element("a", {{"href", info}}, say(Word::more_info, lang)).close();
  std::string ics = links.list.base + cal.name + "/events/" + url_path_segment(e.id) + ".ics";
  if (!arg(links.list.args, "lang").empty()) ics += "?lang=" + std::string(lang);
  h.open("p").element("a", {{"href", ics}, {"type", "text/calendar"}}, say(Word::add_to_calendar, lang)).close();

  FeedAnswer answer;
  const Layout& layout = cal.page_layout ? *cal.page_layout : Layout::builtin();
  answer.body.append_owned(layout.render(lang, name, h.take()));
  return answer;
}

}  // namespace civic::calendar
