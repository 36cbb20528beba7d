#include "calendar/formats/html_text.hpp"

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <cstring>

namespace civic::calendar {

namespace {

bool is_block(const char* name) {
  static constexpr const char* kBlocks[] = {"p", "div", "section", "article", "header", "footer", "h1", "h2",
                                            "h3", "h4", "h5", "h6", "ul", "ol", "li", "table", "tr",
                                            "blockquote", "pre", "dl", "dt", "dd", "figure", "address", "hr"};
  for (const char* b : kBlocks)
    if (std::strcmp(name, b) == 0) return true;
  return false;
}

bool is_skipped(const char* name) {
  return std::strcmp(name, "script") == 0 || std::strcmp(name, "style") == 0 || std::strcmp(name, "head") == 0 ||
         std::strcmp(name, "template") == 0;
}

// Builds the text with collapsed white space; `breaks` counts the newlines
// wanted before the next word (so that blocks give one blank line between
// them and <br> one line break).
class TextLayout {
 public:
  void word_chars(std::string_view text) {
    for (char c : text) {
      bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
      if (space) {
        pending_space_ = true;
        continue;
      }
      flush();
      out_ += c;
    }
  }
  // Blocks: at least `n` newlines before what follows.
  void want_breaks(int n) {
    if (out_.empty()) return;
    if (n > breaks_) breaks_ = n;
    pending_space_ = false;
  }
  // <br>: one more newline each.
  void add_break() {
    if (out_.empty()) return;
    ++breaks_;
    pending_space_ = false;
  }
  void literal(std::string_view s) {
    flush();
    out_ += s;
  }
  std::string take() { return std::move(out_); }

 private:
  void flush() {
    if (breaks_ > 0) {
      out_.append(static_cast<std::size_t>(breaks_), '\n');
    } else if (pending_space_ && !out_.empty()) {
      out_ += ' ';
    }
    breaks_ = 0;
    pending_space_ = false;
  }
  std::string out_;
  int breaks_ = 0;
  bool pending_space_ = false;
};

void walk(xmlNode* node, TextLayout& layout, int depth) {
  if (depth > 200) return;  // absurd nesting: stop, keep what we have
  for (xmlNode* n = node; n != nullptr; n = n->next) {
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
      if (n->content) layout.word_chars(reinterpret_cast<const char*>(n->content));
      continue;
    }
    if (n->type != XML_ELEMENT_NODE) continue;
    const char* name = reinterpret_cast<const char*>(n->name);
    if (is_skipped(name)) continue;
    if (std::strcmp(name, "br") == 0) {
      layout.add_break();
      continue;
    }
    bool block = is_block(name);
    bool item = std::strcmp(name, "li") == 0;
    if (block) layout.want_breaks(item || std::strcmp(name, "tr") == 0 ? 1 : 2);
    if (item) layout.literal("- ");
    walk(n->children, layout, depth + 1);
    if (std::strcmp(name, "a") == 0) {
      xmlChar* href = xmlGetProp(n, reinterpret_cast<const xmlChar*>("href"));
      if (href != nullptr) {
        std::string_view target(reinterpret_cast<const char*>(href));
        if (target.starts_with("http://") || target.starts_with("https://") || target.starts_with("mailto:")) {
          layout.word_chars(" ");
          layout.literal("(");
          layout.literal(target);
          layout.literal(")");
        }
        xmlFree(href);
      }
    } else if (std::strcmp(name, "td") == 0 || std::strcmp(name, "th") == 0) {
      layout.word_chars(" ");
    }
    if (block) layout.want_breaks(item || std::strcmp(name, "tr") == 0 ? 1 : 2);
  }
}

}  // namespace

void init_html_parser() { xmlInitParser(); }

std::string html_to_text(std::string_view html) {
  if (html.find_first_of("<&") == std::string_view::npos) {
    TextLayout plain;  // no markup: only white space to tidy
    plain.word_chars(html);
    return plain.take();
  }
  // Wrapped so that a fragment parses the same wherever it starts.
  std::string doc = "<html><head><meta charset=\"utf-8\"></head><body>";
  doc.append(html);
  doc.append("</body></html>");
  htmlDocPtr parsed = htmlReadMemory(doc.data(), static_cast<int>(doc.size()), nullptr, "UTF-8",
                                     HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                         HTML_PARSE_NONET | HTML_PARSE_NOBLANKS);
  if (parsed == nullptr) return {};
  TextLayout layout;
  walk(xmlDocGetRootElement(parsed), layout, 0);
  xmlFreeDoc(parsed);
  return layout.take();
}

std::string text_to_html(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 16);
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '\r':
        if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
        out += "<br>";
        break;
      case '\n': out += "<br>"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace civic::calendar
