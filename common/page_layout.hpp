// The page around a form or a calendar's agenda: the city's own HTML file
// (`civic_form_layout FILE`, `page_layout FILE` in civic_calendar), read at
// configuration time, or civic's built-in page. The file marks where things
// go with {{form}} or {{content}} (required, once), {{lang}} (the page language, for
// <html lang="...">) and {{title}} (the page title, for <title>); these are
// filled in escaped. The rest of the file is the sysadmin's own HTML, written
// out as it is.
#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/html.hpp"

namespace civic {

class Layout {
 public:
  // A layout from a file's text, or a message saying what is wrong with it.
  static std::variant<Layout, std::string> parse(std::string_view text);
  // civic_form_layout FILE (or another `directive`): the file read (at most
  // 1 MB) and parsed, or the directive's error naming the file.
  static std::variant<Layout, std::string> load(const std::string& file,
                                                std::string_view directive = "civic_form_layout");
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

}  // namespace civic
