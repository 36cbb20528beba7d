#include "calendar/formats/jcal.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace civic::calendar {

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void str(Writer& w, std::string_view s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); }

// A number as the iCalendar text has it (so that "60.451800" stays exactly
// that); anything that is not a plain number is written as a string.
void number(Writer& w, std::string_view s) {
  bool plain = !s.empty();
  for (std::size_t i = 0; i < s.size() && plain; ++i) {
    char c = s[i];
    plain = (c >= '0' && c <= '9') || c == '.' || (i == 0 && (c == '-' || c == '+'));
  }
  if (plain && s.front() == '+') s.remove_prefix(1);
  if (plain && !s.empty() && s.front() != '.' && s.back() != '.') {
    w.RawValue(s.data(), s.size(), rapidjson::kNumberType);
  } else {
    str(w, s);
  }
}

void value(Writer& w, const PropertyTree& p, std::string_view v) {
  if (p.numeric) number(w, v); else str(w, v);
}

void property(Writer& w, const PropertyTree& p) {
  w.StartArray();
  str(w, p.name);
  w.StartObject();
  for (const auto& [name, v] : p.params) {
    str(w, name);
    str(w, v);
  }
  w.EndObject();
  str(w, p.type);
  if (p.type == "recur") {
    // RFC 7265 §3.6.10: an object; a part with several values is an array.
    w.StartObject();
    for (const auto& part : p.recur) {
      str(w, part.name);
      if (part.values.size() == 1) {
        if (part.numeric) number(w, part.values.front()); else str(w, part.values.front());
      } else {
        w.StartArray();
        for (const auto& v : part.values)
          if (part.numeric) number(w, v); else str(w, v);
        w.EndArray();
      }
    }
    w.EndObject();
  } else if (p.geo) {
    // RFC 7265 §3.4.1.2: a structured value is an array.
    w.StartArray();
    for (const auto& v : p.values) number(w, v);
    w.EndArray();
  } else {
    for (const auto& v : p.values) value(w, p, v);
  }
  w.EndArray();
}

void properties(Writer& w, const ComponentTree& c) {
  w.StartArray();
  for (const auto& p : c.properties) property(w, p);
  w.EndArray();
}

void component(Writer& w, const ComponentTree& c) {
  w.StartArray();
  str(w, c.name);
  properties(w, c);
  w.StartArray();
  for (const auto& sub : c.components) component(w, sub);
  w.EndArray();
  w.EndArray();
}

}  // namespace

std::string component_jcal(const ComponentTree& c) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  component(w, c);
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string jcal_of_ical(std::string_view text) {
  auto tree = read_component_tree(text);
  return tree ? component_jcal(*tree) : std::string();
}

JcalFrame jcal_frame(std::string_view calendar_text) {
  JcalFrame frame;
  auto tree = read_component_tree(calendar_text);
  ComponentTree cal = tree ? std::move(*tree) : ComponentTree{"vcalendar", {}, {}};
  cal.components.clear();
  // The calendar written with no components: "[...,[]]" split before "]]".
  std::string whole = component_jcal(cal);
  frame.head = whole.substr(0, whole.size() - 2);
  frame.tail = "]]";
  return frame;
}

}  // namespace civic::calendar
