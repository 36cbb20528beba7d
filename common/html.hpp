// Writing HTML so that escaping cannot be forgotten: tag and attribute names
// can only be string literals written in the code (Name is consteval), and
// every text and attribute value goes through the escaper. There is no way
// to put a string from data into the output unescaped.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace civic {

class Name {
 public:
  consteval Name(const char* literal) : text_(literal) {}  // NOLINT: implicit by design
  const char* c_str() const noexcept { return text_; }

 private:
  const char* text_;
};

struct Attr {
  Name name;
  std::string_view value;
  bool present = true;   // false leaves the attribute out
  bool boolean = false;  // written without a value (required, checked, ...)
};

// A boolean attribute, written only when `on`.
inline Attr flag(Name name, bool on) { return Attr{name, {}, on, true}; }
// An attribute written only when its value is not empty.
inline Attr optional(Name name, std::string_view value) { return Attr{name, value, !value.empty(), false}; }

// &, <, >, " and ' as character references (HTML §13.1.2.6 safe in text and
// in quoted attribute values).
void append_escaped(std::string& out, std::string_view text);
std::string escape_html(std::string_view text);

// HTML that only Html can make: what a page layout takes as its content.
class HtmlFragment {
 public:
  const std::string& str() const noexcept { return text_; }

 private:
  friend class Html;
  explicit HtmlFragment(std::string text) : text_(std::move(text)) {}
  std::string text_;
};

class Html {
 public:
  Html& open(Name tag, std::initializer_list<Attr> attrs = {});
  Html& close();  // the element opened last
  // A void element (input, meta, br): no content, no end tag.
  Html& empty(Name tag, std::initializer_list<Attr> attrs = {});
  Html& text(std::string_view text);
  // open + text + close
  Html& element(Name tag, std::initializer_list<Attr> attrs, std::string_view text);
  Html& newline();

  // The document so far; every element must have been closed.
  HtmlFragment take();

 private:
  void start_tag(Name tag, std::initializer_list<Attr> attrs);
  std::string out_;
  std::vector<const char*> open_;
};

}  // namespace civic
