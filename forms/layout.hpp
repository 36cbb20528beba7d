// The page around a form: the city's own HTML file (`civic_form_layout FILE`),
// read at configuration time, or civic's built-in page. The file marks where
// things go with {{form}} (required, once), {{lang}} (the page language, for
// <html lang="...">) and {{title}} (the page title, for <title>); these are
// filled in escaped. The rest of the file is the sysadmin's own HTML, written
// out as it is.
#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "forms/html.hpp"

namespace civic::forms {

class Layout {
 public:
  // A layout from a file's text, or a message saying what is wrong with it.
  static std::variant<Layout, std::string> parse(std::string_view text);
  static const Layout& builtin();

  std::string render(std::string_view lang, std::string_view title, const HtmlFragment& content) const;

 private:
  enum class Slot { none, lang, title, form };
  struct Segment {
    std::string text;      // written before the slot
    Slot slot = Slot::none;
  };
  std::vector<Segment> segments_;
};

}  // namespace civic::forms
