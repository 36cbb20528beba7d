#include "common/html.hpp"

#include <stdexcept>

namespace civic {

void append_escaped(std::string& out, std::string_view text) {
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out.push_back(c); break;
    }
  }
}

std::string escape_html(std::string_view text) {
  std::string out;
  append_escaped(out, text);
  return out;
}

void Html::start_tag(Name tag, std::initializer_list<Attr> attrs) {
  out_.push_back('<');
  out_ += tag.c_str();
  for (const Attr& a : attrs) {
    if (!a.present) continue;
    out_.push_back(' ');
    out_ += a.name.c_str();
    if (a.boolean) continue;
    out_ += "=\"";
    append_escaped(out_, a.value);
    out_.push_back('"');
  }
  out_.push_back('>');
}

Html& Html::open(Name tag, std::initializer_list<Attr> attrs) {
  start_tag(tag, attrs);
  open_.push_back(tag.c_str());
  return *this;
}

Html& Html::close() {
  if (open_.empty()) throw std::logic_error("Html::close without an open element");
  out_ += "</";
  out_ += open_.back();
  out_.push_back('>');
  open_.pop_back();
  return *this;
}

Html& Html::empty(Name tag, std::initializer_list<Attr> attrs) {
  start_tag(tag, attrs);
  return *this;
}

Html& Html::text(std::string_view text) {
  append_escaped(out_, text);
  return *this;
}

Html& Html::element(Name tag, std::initializer_list<Attr> attrs, std::string_view text) {
  open(tag, attrs);
  append_escaped(out_, text);
  return close();
}

Html& Html::newline() {
  out_.push_back('\n');
  return *this;
}

HtmlFragment Html::take() {
  if (!open_.empty()) throw std::logic_error(std::string("Html::take with <") + open_.back() + "> still open");
  return HtmlFragment(std::move(out_));
}

}  // namespace civic
