#include "calendar/formats/followed_page.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>

#include "calendar/model/civil_time.hpp"
#include "calendar/model/lang_text.hpp"

namespace civic::calendar {

namespace {

using rapidjson::Document;
using rapidjson::Value;
using Allocator = Document::AllocatorType;

std::string_view view(const Value& v) { return {v.GetString(), v.GetStringLength()}; }

const Value* member(const Value& object, const char* name) {
  if (!object.IsObject()) return nullptr;
  auto m = object.FindMember(name);
  return m == object.MemberEnd() || m->value.IsNull() ? nullptr : &m->value;
}

std::string text_of(const Value& object, const char* name) {
  const Value* v = member(object, name);
  return v && v->IsString() ? std::string(view(*v)) : std::string();
}

Value string_value(std::string_view s, Allocator& a) {
  return Value(s.data(), static_cast<rapidjson::SizeType>(s.size()), a);
}

std::string serialized(const Value& v) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  v.Accept(w);
  return {buffer.GetString(), buffer.GetSize()};
}

// Microseconds since the epoch of a date-time with an offset; nullopt otherwise.
std::optional<std::int64_t> instant_micros(std::string_view text) {
  auto iso = parse_iso8601(text);
  if (!iso || iso->date_only || !iso->offset_seconds) return std::nullopt;
  return (seconds_from_civil(iso->civil) - *iso->offset_seconds) * 1000000 + iso->micros;
}

// ".../keyword/yso:p1235/" -> "yso:p1235"
std::string last_segment(std::string_view url) {
  while (!url.empty() && url.back() == '/') url.remove_suffix(1);
  std::size_t slash = url.rfind('/');
  return std::string(slash == std::string_view::npos ? url : url.substr(slash + 1));
}

// An object's "id", else the last segment of its "@id".
std::string id_of(const Value& object) {
  std::string id = text_of(object, "id");
  if (id.empty()) id = last_segment(text_of(object, "@id"));
  return id;
}

// A Linked Events text in several languages as civic reads one: string
// texts only, none empty, "zh_hans" as "zh-hans"; nullopt if none is left.
std::optional<Value> lang_text(const Value& v, Allocator& a) {
  if (v.IsString()) {
    if (v.GetStringLength() == 0) return std::nullopt;
    return Value(v, a);
  }
  if (!v.IsObject()) return std::nullopt;
  Value out(rapidjson::kObjectType);
  for (auto m = v.MemberBegin(); m != v.MemberEnd(); ++m) {
    if (!m->value.IsString() || m->value.GetStringLength() == 0) continue;
    std::string lang(view(m->name));
    std::replace(lang.begin(), lang.end(), '_', '-');
    if (!is_language_tag(lang)) continue;
    out.AddMember(string_value(lang, a), Value(m->value, a), a);
  }
  if (out.MemberCount() == 0) return std::nullopt;
  return out;
}

void copy_lang_text(const Value& from, const char* name, Value& to, Allocator& a) {
  const Value* v = member(from, name);
  if (!v) return;
  if (auto t = lang_text(*v, a)) to.AddMember(Value(name, a), std::move(*t), a);
}

// The keyword's name in the first of `languages` it has, else its id.
std::string keyword_word(const Value& k, std::span<const std::string> languages) {
  if (k.IsString()) return std::string(view(k));
  std::string id = id_of(k);
  const Value* name = member(k, "name");
  if (name && name->IsObject()) {
    for (const auto& lang : languages) {
      std::string word = text_of(*name, lang.c_str());
      if (!word.empty() && word.find(',') == std::string::npos) return word;
    }
  }
  return id;
}

Value place(const Value& p, Allocator& a) {
  Value out(rapidjson::kObjectType);
  std::string id = id_of(p);
  if (!id.empty()) out.AddMember("id", string_value(id, a), a);
  for (const char* name : {"name", "street_address", "address_locality"}) copy_lang_text(p, name, out, a);
  std::string postal = text_of(p, "postal_code");
  if (!postal.empty()) out.AddMember("postal_code", string_value(postal, a), a);
  if (const Value* position = member(p, "position"); position && position->IsObject())
    out.AddMember("position", Value(*position, a), a);
  return out;
}

Value offer(const Value& o, Allocator& a) {
  Value out(rapidjson::kObjectType);
  if (const Value* free = member(o, "is_free"); free && free->IsBool()) out.AddMember("is_free", free->GetBool(), a);
  for (const char* name : {"price", "info_url", "description"}) copy_lang_text(o, name, out, a);
  return out;
}

// A Linked Events event object as civic's event JSON (see the header).
void linked_event(const Value& item, std::span<const std::string> languages, Allocator& a, Value& out) {
  out.SetObject();
  out.AddMember("id", string_value(text_of(item, "id"), a), a);
  for (const char* name : {"name", "short_description", "description", "info_url"})
    copy_lang_text(item, name, out, a);
  const Value* start = member(item, "start_time");
  const Value* end = member(item, "end_time");
  if (start) out.AddMember("start_time", Value(*start, a), a);
  if (start && end && start->IsString() && end->IsString()) {
    auto s = parse_iso8601(view(*start));
    auto e = parse_iso8601(view(*end));
    if (s && e && s->date_only == e->date_only) out.AddMember("end_time", Value(*end, a), a);
  }
  if (const Value* loc = member(item, "location"); loc && loc->IsObject()) {
    Value p = place(*loc, a);
    if (p.MemberCount() > 0) out.AddMember("location", std::move(p), a);
  }
  if (const Value* keywords = member(item, "keywords"); keywords && keywords->IsArray()) {
    Value list(rapidjson::kArrayType);
    std::vector<std::string> seen;
    for (const Value& k : keywords->GetArray()) {
      std::string word = keyword_word(k, languages);
      if (word.empty() || std::find(seen.begin(), seen.end(), word) != seen.end()) continue;
      list.PushBack(string_value(word, a), a);
      seen.push_back(std::move(word));
    }
    out.AddMember("keywords", std::move(list), a);
  }
  if (const Value* offers = member(item, "offers"); offers && offers->IsArray()) {
    Value list(rapidjson::kArrayType);
    for (const Value& o : offers->GetArray())
      if (o.IsObject()) list.PushBack(offer(o, a), a);
    out.AddMember("offers", std::move(list), a);
  }
  if (const Value* images = member(item, "images"); images && images->IsArray()) {
    Value list(rapidjson::kArrayType);
    for (const Value& im : images->GetArray()) {
      std::string url = text_of(im, "url");
      if (url.empty()) continue;
      Value one(rapidjson::kObjectType);
      one.AddMember("url", string_value(url, a), a);
      for (const char* name : {"name", "alt_text"}) {
        std::string t = text_of(im, name);
        if (!t.empty()) one.AddMember(Value(name, a), string_value(t, a), a);
      }
      list.PushBack(std::move(one), a);
    }
    out.AddMember("images", std::move(list), a);
  }
  std::string status = text_of(item, "event_status");
  if (status_from_name(status)) out.AddMember("event_status", string_value(status, a), a);
  if (text_of(item, "super_event_type") == "umbrella") out.AddMember("super_event_type", "umbrella", a);
}

FollowedItem malformed(std::string id, std::string problem) {
  FollowedItem f;
  f.kind = FollowedItem::Kind::malformed;
  f.id = std::move(id);
  f.problem = std::move(problem);
  return f;
}

std::string describe(const FieldError& e) {
  return (e.field.empty() ? std::string() : e.field + ": ") + e.message;
}

FollowedItem read_item(const Value& item, SourceKind kind, const EventDefaults& defaults,
                       std::span<const std::string> languages) {
  if (!item.IsObject()) return malformed({}, "is not an object");
  FollowedItem f;
  f.id = text_of(item, "id");
  if (!is_valid_event_id(f.id)) return malformed(f.id, "id: must be 1 to 255 visible ASCII characters without / % ? # or \\");
  f.modified_text = text_of(item, "last_modified_time");
  if (!f.modified_text.empty()) {
    auto us = instant_micros(f.modified_text);
    if (!us) return malformed(f.id, "last_modified_time: must be an ISO 8601 date-time with an offset");
    f.modified_us = *us;
  }
  const Value* deleted = member(item, "deleted");
  if (deleted && deleted->IsBool() && deleted->GetBool()) {
    f.kind = FollowedItem::Kind::deleted;
    return f;
  }
  Document doc;
  std::string json;
  if (kind == SourceKind::linkedevents) {
    // Not events here: a recurring series' parent, and a postponed event
    // without a date. Held ones are deleted.
    if (text_of(item, "super_event_type") == "recurring" || !member(item, "start_time")) {
      f.kind = FollowedItem::Kind::deleted;
      return f;
    }
    Value mapped;
    linked_event(item, languages, doc.GetAllocator(), mapped);
    json = serialized(mapped);
  } else {
    json = serialized(item);
  }
  if (auto err = event_from_json(json, defaults, f.event)) {
    f.kind = FollowedItem::Kind::malformed;
    f.problem = describe(*err);
    return f;  // with its time: the follower moves past it
  }
  if (kind == SourceKind::civic) {
    // The primary's own fields, so that the replica's records are its.
    auto created = instant_micros(text_of(item, "created_time"));
    if (!created || f.modified_us == 0)
      return malformed(f.id, "created_time and last_modified_time: must be ISO 8601 date-times with an offset");
    f.event.created_us = *created;
    f.event.modified_us = f.modified_us;
  }
  return f;
}

}  // namespace

std::optional<FollowedPage> read_followed_page(std::string_view body, SourceKind kind, const EventDefaults& defaults,
                                               std::span<const std::string> languages, std::string& error) {
  Document doc;
  doc.Parse<rapidjson::kParseValidateEncodingFlag>(body.data(), body.size());
  if (doc.HasParseError()) {
    error = "the page is not JSON: " + std::string(rapidjson::GetParseError_En(doc.GetParseError())) + " at byte " +
            std::to_string(doc.GetErrorOffset());
    return std::nullopt;
  }
  const Value* data = member(doc, "data");
  if (!data || !data->IsArray()) {
    error = "the page has no \"data\" array";
    return std::nullopt;
  }
  FollowedPage page;
  if (const Value* meta = member(doc, "meta")) {
    page.next = text_of(*meta, "next");
    if (const Value* count = member(*meta, "count"); count && count->IsInt64()) page.count = count->GetInt64();
  }
  page.items.reserve(data->Size());
  for (const Value& item : data->GetArray()) page.items.push_back(read_item(item, kind, defaults, languages));
  return page;
}

}  // namespace civic::calendar
