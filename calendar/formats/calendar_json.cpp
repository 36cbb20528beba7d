#include "calendar/formats/calendar_json.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace civic::calendar {

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void str(Writer& w, std::string_view s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); }

void texts(Writer& w, const LangText& t) {
  w.StartObject();
  for (const auto& [lang, text] : t.entries()) {
    str(w, lang);
    str(w, text);
  }
  w.EndObject();
}

}  // namespace

std::string calendar_list_json(const std::vector<const CalendarConfig*>& calendars, std::string_view base_url) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("data");
  w.StartArray();
  for (const CalendarConfig* c : calendars) {
    w.StartObject();
    w.Key("name");
    str(w, c->name);
    w.Key("title");
    texts(w, c->title);
    w.Key("description");
    texts(w, c->description);
    w.Key("languages");
    w.StartArray();
    for (const auto& l : c->languages) str(w, l);
    w.EndArray();
    w.Key("timezone");
    str(w, c->timezone);
    w.Key("refresh");
    w.Int64(c->refresh_seconds);
    std::string ics = std::string(base_url) + c->name + ".ics";
    w.Key("feeds");
    w.StartObject();
    w.Key("ics");
    str(w, ics);
    // webcal:// makes Apple Calendar and Outlook offer to subscribe.
    auto colon = ics.find("://");
    if (colon != std::string::npos) {
      w.Key("webcal");
      str(w, "webcal" + ics.substr(colon));
    }
    w.EndObject();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string write_counts_json(const WriteCounts& counts) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("created");
  w.Uint64(counts.created);
  w.Key("updated");
  w.Uint64(counts.updated);
  w.Key("unchanged");
  w.Uint64(counts.unchanged);
  if (counts.mode == WriteMode::replace || counts.deleted > 0) {
    w.Key("deleted");
    w.Uint64(counts.deleted);
  }
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string field_error_json(const FieldError& e) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("error");
  str(w, e.message);
  if (!e.field.empty()) {
    w.Key("field");
    str(w, e.field);
  }
  if (!e.component.empty()) {
    w.Key("component");
    str(w, e.component);
  }
  if (e.line > 0) {
    w.Key("line");
    w.Int(e.line);
  }
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace civic::calendar
