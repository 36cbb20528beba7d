#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlwriter.h>

#include <memory>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "forms/submission_export.hpp"

namespace civic::forms {

namespace {

const xmlChar* x(const char* s) { return reinterpret_cast<const xmlChar*>(s); }

// XML 1.0 §2.2 allows tab, LF, CR and U+0020 and up except U+FFFE and
// U+FFFF; stored text is valid UTF-8 without controls, but what the XML
// cannot hold is replaced by U+FFFD rather than trusted.
std::string xml_text(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size();) {
    auto c = static_cast<unsigned char>(in[i]);
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
    bool ok = len > 0 && i + len <= in.size();
    for (std::size_t k = 1; ok && k < len; ++k) ok = (static_cast<unsigned char>(in[i + k]) & 0xc0) == 0x80;
    if (ok && len == 1) ok = c >= 0x20 || c == '\t' || c == '\n' || c == '\r';
    if (ok && len == 3 && c == 0xef && static_cast<unsigned char>(in[i + 1]) == 0xbf &&
        static_cast<unsigned char>(in[i + 2]) >= 0xbe)
      ok = false;  // U+FFFE, U+FFFF
    if (ok) {
      out.append(in.substr(i, len));
      i += len;
    } else {
      out += "\xEF\xBF\xBD";
      i += len > 0 && i + len <= in.size() ? len : 1;
    }
  }
  return out;
}

struct WriterDeleter {
  void operator()(xmlTextWriter* w) const { xmlFreeTextWriter(w); }
};
struct BufferDeleter {
  void operator()(xmlBuffer* b) const { xmlBufferFree(b); }
};

class XmlExport final : public SubmissionExport {
 public:
  explicit XmlExport(std::string form) : form_(std::move(form)) {
    buffer_.reset(xmlBufferCreate());
    if (buffer_) writer_.reset(xmlNewTextWriterMemory(buffer_.get(), 0));
    if (!writer_) throw std::bad_alloc();
    xmlTextWriterSetIndent(writer_.get(), 1);
    xmlTextWriterSetIndentString(writer_.get(), x("  "));
  }

  void begin(std::string& out) override {
    xmlTextWriterStartDocument(writer_.get(), "1.0", "UTF-8", nullptr);
    xmlTextWriterStartElement(writer_.get(), x("submissions"));
    attribute("form", form_);
    take(out);
  }

  bool row(std::string_view record, std::string& out) override {
    rapidjson::Document doc;
    doc.Parse(record.data(), record.size());
    if (doc.HasParseError() || !doc.IsObject()) return false;
    xmlTextWriter* w = writer_.get();
    xmlTextWriterStartElement(w, x("submission"));
    for (const char* name : {"receipt", "seq", "created_time", "language"}) {
      auto it = doc.FindMember(name);
      if (it != doc.MemberEnd()) attribute(name, scalar(it->value));
    }
    if (auto sealed = doc.FindMember("sealed"); sealed != doc.MemberEnd()) {
      sealed_element(sealed->value);
      xmlTextWriterEndElement(w);  // submission
      take(out);
      return true;
    }
    xmlTextWriterStartElement(w, x("data"));
    auto data = doc.FindMember("data");
    if (data != doc.MemberEnd() && data->value.IsObject()) {
      for (const auto& m : data->value.GetObject()) field(std::string(m.name.GetString(), m.name.GetStringLength()), m.value);
    }
    xmlTextWriterEndElement(w);  // data
    xmlTextWriterEndElement(w);  // submission
    take(out);
    return true;
  }

  void end(std::uint64_t next_since, std::string& out) override {
    xmlTextWriterWriteElement(writer_.get(), x("next_since"), x(std::to_string(next_since).c_str()));
    xmlTextWriterEndDocument(writer_.get());  // closes <submissions>
    take(out);
  }

 private:
  static std::string scalar(const rapidjson::Value& v) {
    if (v.IsString()) return std::string(v.GetString(), v.GetStringLength());
    if (v.IsBool()) return v.GetBool() ? "true" : "false";
    if (v.IsNull()) return {};
    rapidjson::StringBuffer out;
    rapidjson::Writer<rapidjson::StringBuffer> w(out);
    v.Accept(w);
    return std::string(out.GetString(), out.GetSize());
  }

  // A sealed record (sealing/sealed_record.hpp): <sealed key_id size>
  // the answers' envelope in base64, then <file field index size/> for
  // each sealed file.
  void sealed_element(const rapidjson::Value& sealed) {
    xmlTextWriter* w = writer_.get();
    xmlTextWriterStartElement(w, x("sealed"));
    if (sealed.IsObject()) {
      for (const char* name : {"key_id", "size"}) {
        auto it = sealed.FindMember(name);
        if (it != sealed.MemberEnd()) attribute(name, scalar(it->value));
      }
      if (auto data = sealed.FindMember("data"); data != sealed.MemberEnd() && data->value.IsString()) {
        xmlTextWriterStartElement(w, x("data"));
        xmlTextWriterWriteString(w, x(xml_text(scalar(data->value)).c_str()));
        xmlTextWriterEndElement(w);
      }
      if (auto files = sealed.FindMember("files"); files != sealed.MemberEnd() && files->value.IsArray()) {
        for (const auto& f : files->value.GetArray()) {
          if (!f.IsObject()) continue;
          xmlTextWriterStartElement(w, x("file"));
          for (const char* name : {"field", "index", "size"}) {
            auto it = f.FindMember(name);
            if (it != f.MemberEnd()) attribute(name, scalar(it->value));
          }
          xmlTextWriterEndElement(w);
        }
      }
    }
    xmlTextWriterEndElement(w);  // sealed
  }

  void attribute(const char* name, std::string_view value) {
    xmlTextWriterWriteAttribute(writer_.get(), x(name), x(xml_text(value).c_str()));
  }

  // <NAME>text</NAME>, <NAME><value>..</value>...</NAME>, or for files
  // <NAME><file index filename content_type size/>...</NAME>; a field name
  // that is no XML name is written <field name="...">.
  void field(const std::string& name, const rapidjson::Value& v) {
    xmlTextWriter* w = writer_.get();
    if (xmlValidateNCName(x(name.c_str()), 0) == 0) {
      xmlTextWriterStartElement(w, x(name.c_str()));
    } else {
      xmlTextWriterStartElement(w, x("field"));
      attribute("name", name);
    }
    if (v.IsArray()) {
      int index = 0;
      for (const auto& item : v.GetArray()) {
        if (item.IsObject()) {
          xmlTextWriterStartElement(w, x("file"));
          attribute("index", std::to_string(index));
          for (const char* key : {"filename", "content_type", "size"}) {
            auto it = item.FindMember(key);
            if (it != item.MemberEnd()) attribute(key, scalar(it->value));
          }
          xmlTextWriterEndElement(w);
        } else {
          xmlTextWriterWriteElement(w, x("value"), x(xml_text(scalar(item)).c_str()));
        }
        ++index;
      }
    } else {
      xmlTextWriterWriteString(w, x(xml_text(scalar(v)).c_str()));
    }
    xmlTextWriterEndElement(w);
  }

  // Moves what the writer has written so far into `out`.
  void take(std::string& out) {
    xmlTextWriterFlush(writer_.get());
    out.append(reinterpret_cast<const char*>(xmlBufferContent(buffer_.get())),
               static_cast<std::size_t>(xmlBufferLength(buffer_.get())));
    xmlBufferEmpty(buffer_.get());
  }

  std::string form_;
  std::unique_ptr<xmlBuffer, BufferDeleter> buffer_;
  std::unique_ptr<xmlTextWriter, WriterDeleter> writer_;
};

}  // namespace

std::unique_ptr<SubmissionExport> make_xml_export(std::string form) { return std::make_unique<XmlExport>(std::move(form)); }

void init_xml_export() { xmlInitParser(); }

}  // namespace civic::forms
