#include "calendar/formats/xcal.hpp"

#include <libxml/xmlwriter.h>

#include <memory>
#include <stdexcept>

namespace civic::calendar {

namespace {

const xmlChar* x(const char* s) { return reinterpret_cast<const xmlChar*>(s); }

// An xmlTextWriter into memory; throws if libxml2 fails (out of memory).
class XmlOut {
 public:
  XmlOut() : buffer_(xmlBufferCreate()) {
    if (buffer_ == nullptr) throw std::bad_alloc();
    writer_ = xmlNewTextWriterMemory(buffer_, 0);
    if (writer_ == nullptr) {
      xmlBufferFree(buffer_);
      throw std::bad_alloc();
    }
  }
  ~XmlOut() {
    if (writer_ != nullptr) xmlFreeTextWriter(writer_);
    xmlBufferFree(buffer_);
  }
  XmlOut(const XmlOut&) = delete;
  XmlOut& operator=(const XmlOut&) = delete;

  // Names and texts end in NUL: the tree's strings, or literals.
  void start(const char* name) { check(xmlTextWriterStartElement(writer_, x(name))); }
  void start(const std::string& name) { start(name.c_str()); }
  void end() { check(xmlTextWriterEndElement(writer_)); }
  void text(const char* s) { check(xmlTextWriterWriteString(writer_, x(s))); }
  void element(const char* name, const char* content) {
    check(xmlTextWriterWriteElement(writer_, x(name), x(content)));
  }
  void element(const std::string& name, const std::string& content) { element(name.c_str(), content.c_str()); }
  void attribute(std::string_view name, std::string_view value) {
    check(xmlTextWriterWriteAttribute(writer_, x(std::string(name).c_str()), x(std::string(value).c_str())));
  }
  void start_document() { check(xmlTextWriterStartDocument(writer_, "1.0", "utf-8", nullptr)); }
  void end_document() { check(xmlTextWriterEndDocument(writer_)); }
  // What was written so far (the writer keeps writing after it).
  std::string taken() {
    check(xmlTextWriterFlush(writer_));
    std::string out(reinterpret_cast<const char*>(xmlBufferContent(buffer_)), xmlBufferLength(buffer_));
    xmlBufferEmpty(buffer_);
    return out;
  }

 private:
  static void check(int rc) {
    if (rc < 0) throw std::runtime_error("libxml2 could not write the xCal");
  }
  xmlBufferPtr buffer_;
  xmlTextWriterPtr writer_ = nullptr;
};

// RFC 6321 §3.5: a parameter's value in an element of its type; the
// parameters civic writes (TZID, LANGUAGE, CN, FMTTYPE) are all TEXT.
const char* param_type(std::string_view name) {
  if (name == "altrep" || name == "dir") return "uri";
  if (name == "sent-by" || name == "delegated-from" || name == "delegated-to" || name == "member")
    return "cal-address";
  if (name == "rsvp") return "boolean";
  return "text";
}

void property(XmlOut& out, const PropertyTree& p) {
  out.start(p.name);
  if (!p.params.empty()) {
    out.start("parameters");
    for (const auto& [name, value] : p.params) {
      out.start(name);
      out.element(param_type(name), value.c_str());
      out.end();
    }
    out.end();
  }
  if (p.type == "recur") {
    // RFC 6321 §3.6.10: one element per part, repeated for each value.
    out.start("recur");
    for (const auto& part : p.recur)
      for (const auto& v : part.values) out.element(part.name, v);
    out.end();
  } else if (p.geo) {
    // RFC 6321 §3.4.1.2.
    out.start("geo");
    out.element("latitude", p.values.size() > 0 ? p.values[0].c_str() : "0");
    out.element("longitude", p.values.size() > 1 ? p.values[1].c_str() : "0");
    out.end();
  } else {
    for (const auto& v : p.values) out.element(p.type, v);
  }
  out.end();
}

void component(XmlOut& out, const ComponentTree& c) {
  out.start(c.name);
  out.start("properties");
  for (const auto& p : c.properties) property(out, p);
  out.end();
  if (!c.components.empty()) {
    out.start("components");
    for (const auto& sub : c.components) component(out, sub);
    out.end();
  }
  out.end();
}

}  // namespace

std::string component_xcal(const ComponentTree& c) {
  XmlOut out;
  component(out, c);
  return out.taken();
}

std::string xcal_of_ical(std::string_view text) {
  auto tree = read_component_tree(text);
  return tree ? component_xcal(*tree) : std::string();
}

XcalFrame xcal_frame(std::string_view calendar_text) {
  auto tree = read_component_tree(calendar_text);
  XcalFrame frame;
  XmlOut out;
  out.start_document();
  out.start("icalendar");
  out.attribute("xmlns", kXcalNamespace);
  out.start("vcalendar");
  out.start("properties");
  if (tree)
    for (const auto& p : tree->properties) property(out, p);
  out.end();
  out.start("components");
  out.text("");  // closes the start tag: the components go right after it
  frame.head = out.taken();
  out.end_document();  // closes components, vcalendar, icalendar
  frame.tail = out.taken();
  return frame;
}

}  // namespace civic::calendar
