#include "calendar/query/event_resources.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <map>
#include <vector>

#include "calendar/stored/event_record.hpp"
#include "common/url.hpp"
#include "storage/event_store.hpp"

namespace civic::calendar {

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void str(Writer& w, std::string_view s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); }

void lang_text(Writer& w, const char* key, const LangText& t) {
  if (t.empty()) return;
  w.Key(key);
  w.StartObject();
  for (const auto& [lang, text] : t.entries()) {
    str(w, lang);
    str(w, text);
  }
  w.EndObject();
}

struct Used {
  std::uint64_t events = 0;
  std::optional<Location> place;  // places: as the first of its events has it
};

void resource_json(Writer& w, ResourceKind kind, const std::string& id, const Used& used, const CalendarConfig& cal,
                   const ListLinks& links) {
  const bool places = kind == ResourceKind::places;
  w.StartObject();
  w.Key("@id");
  str(w, links.base + url::encoded(cal.name, url::Keep::path_segment) + (places ? "/places/" : "/keywords/") +
             url::encoded(id, url::Keep::path_segment) + ".json");
  w.Key("@context");
  w.String("http://schema.org");
  w.Key("@type");
  w.String(places ? "Place" : "Keyword");
  w.Key("id");
  str(w, id);
  if (places && used.place) {
    const Location& p = *used.place;
    lang_text(w, "name", p.name);
    lang_text(w, "street_address", p.street_address);
    lang_text(w, "address_locality", p.address_locality);
    if (!p.postal_code.empty()) {
      w.Key("postal_code");
      str(w, p.postal_code);
    }
    if (p.position) {
      w.Key("position");
      w.StartObject();
      w.Key("type");
      w.String("Point");
      w.Key("coordinates");
      w.StartArray();
      w.Double(p.position->longitude);
      w.Double(p.position->latitude);
      w.EndArray();
      w.EndObject();
    }
  } else if (!places) {
    // civic keeps a keyword as one word: its name in the calendar's first language.
    w.Key("name");
    w.StartObject();
    str(w, cal.default_language());
    str(w, id);
    w.EndObject();
  }
  w.Key("n_events");
  w.Uint64(used.events);
  w.EndObject();
}

}  // namespace

Result<ListAnswer> build_resources(const storage::Txn& txn, const storage::Databases& db, const CalendarConfig& cal,
                                   ResourceKind kind, std::string_view item, const FeedQuery& q,
                                   const ListLinks& links, std::size_t budget) {
  ListAnswer answer;
  std::map<std::string, Used, std::less<>> used;
  std::size_t read = 0;
  bool damaged = false;
  std::string damaged_id;
  auto st = storage::events::for_each(txn, db, cal.name, [&](const storage::EventView& v) {
    if (++read > budget) return false;
    if (v.deleted()) return true;
    if (kind == ResourceKind::places) {
      if (v.location_id.empty() || (!item.empty() && v.location_id != item)) return true;
      Used& u = used[std::string(v.location_id)];
      if (u.events++ == 0) {
        Event e;
        if (!event_from_view(v, e)) {
          damaged = true;
          damaged_id = v.id;
          return false;
        }
        u.place = e.location;
      }
    } else {
      std::string_view words = v.keywords;
      while (!words.empty()) {
        std::size_t nl = words.find('\n');
        std::string_view word = words.substr(0, nl);
        words = nl == std::string_view::npos ? std::string_view() : words.substr(nl + 1);
        if (!word.empty() && (item.empty() || word == item)) used[std::string(word)].events++;
      }
    }
    return true;
  });
  if (!st) return st.error();
  if (damaged) return Error(Error::kCorrupt, "read event " + damaged_id, "the stored event is damaged");
  if (read > budget) {
    answer.feed.over_budget = true;
    return answer;
  }

  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  if (!item.empty()) {
    auto found = used.find(item);
    if (found == used.end()) {
      answer.feed.found = false;
      return answer;
    }
    resource_json(w, kind, found->first, found->second, cal, links);
    answer.feed.body.append_owned(std::string(buffer.GetString(), buffer.GetSize()));
    return answer;
  }
  std::vector<const std::pair<const std::string, Used>*> order;
  order.reserve(used.size());
  for (const auto& entry : used) order.push_back(&entry);
  std::stable_sort(order.begin(), order.end(), [](auto* a, auto* b) { return a->second.events > b->second.events; });
  const std::uint64_t count = order.size();
  const std::uint64_t size = static_cast<std::uint64_t>(q.page_size);
  const std::uint64_t pages = (count + size - 1) / size;
  if (q.page > 1 && static_cast<std::uint64_t>(q.page) > pages) {
    answer.page_missing = true;
    return answer;
  }
  w.StartObject();
  w.Key("meta");
  w.StartObject();
  w.Key("count");
  w.Uint64(count);
  w.Key("next");
  if (static_cast<std::uint64_t>(q.page) < pages) str(w, page_link(links.list_url, links.args, q.page + 1));
  else w.Null();
  w.Key("previous");
  if (q.page > 1) str(w, page_link(links.list_url, links.args, q.page - 1));
  else w.Null();
  w.EndObject();
  w.Key("data");
  w.StartArray();
  const std::uint64_t from = static_cast<std::uint64_t>(q.page - 1) * size;
  for (std::uint64_t i = from; i < std::min(count, from + size); ++i)
    resource_json(w, kind, order[i]->first, order[i]->second, cal, links);
  w.EndArray();
  w.EndObject();
  answer.feed.body.append_owned(std::string(buffer.GetString(), buffer.GetSize()));
  return answer;
}

}  // namespace civic::calendar
