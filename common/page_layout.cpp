#include "common/page_layout.hpp"

#include <fstream>
#include <sstream>

#include "common/quote.hpp"
#include "common/utf8.hpp"

namespace civic {

namespace {

// civic's own page: readable without a stylesheet of the city's, contrast
// above WCAG AA (4.5:1) everywhere, visible focus, errors marked by text
// and a border, not by colour alone.
constexpr std::string_view kBuiltin = R"(<!DOCTYPE html>
<html lang="{{lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{title}}</title>
<style>
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; font-size: 1.0625rem; line-height: 1.5; color: #1a1a1a; background: #fff; margin: 0; }
main { max-width: 40rem; margin: 0 auto; padding: 1rem 1.25rem 3rem; }
h1 { font-size: 1.75rem; line-height: 1.25; margin: 1rem 0; }
a { color: #0b4f9c; }
a:focus, input:focus, select:focus, textarea:focus, button:focus { outline: 3px solid #b35900; outline-offset: 2px; }
.civic-languages ul { list-style: none; padding: 0; margin: 0; display: flex; gap: 1rem; }
.civic-field { margin: 0 0 1.5rem; }
.civic-field > label, .civic-field legend { display: block; font-weight: 600; margin-bottom: .25rem; }
.civic-field fieldset { border: 0; padding: 0; margin: 0; }
.civic-required { font-weight: 400; }
.civic-help { color: #4a4a4a; margin: 0 0 .25rem; }
.civic-error { color: #a4121b; font-weight: 600; margin: 0 0 .25rem; }
.civic-field-error input[type=text], .civic-field-error input[type=email], .civic-field-error input[type=tel],
.civic-field-error input[type=url], .civic-field-error input[type=date], .civic-field-error textarea,
.civic-field-error select { border: 2px solid #a4121b; }
input[type=text], input[type=email], input[type=tel], input[type=url], input[type=date], textarea, select {
  font: inherit; width: 100%; box-sizing: border-box; padding: .4rem; border: 2px solid #4a4a4a; border-radius: 2px; background: #fff; color: #1a1a1a; }
textarea { min-height: 8rem; }
.civic-option { display: flex; align-items: flex-start; gap: .5rem; margin: .25rem 0; }
.civic-option input, .civic-check input { width: 1.25rem; height: 1.25rem; margin-top: .15rem; }
.civic-check { display: flex; align-items: flex-start; gap: .5rem; }
.civic-error-summary { border: 4px solid #a4121b; padding: 1rem; margin: 0 0 1.5rem; }
.civic-error-summary h2 { margin-top: 0; font-size: 1.25rem; }
.civic-submit { font: inherit; font-weight: 600; color: #fff; background: #0b4f9c; border: 0; border-radius: 2px; padding: .6rem 1.5rem; cursor: pointer; }
.civic-receipt strong { font-size: 1.25rem; }
.civic-agenda-filter { border: 2px solid #4a4a4a; padding: 1rem; margin: 0 0 1.5rem; }
.civic-agenda-filter h2 { margin-top: 0; font-size: 1.25rem; }
.civic-agenda-day { list-style: none; padding: 0; margin: 0 0 1.5rem; }
.civic-agenda-day li { margin: 0 0 1rem; }
.civic-agenda-day h3 { font-size: 1.125rem; margin: 0; }
.civic-agenda-day p, .civic-event dd { margin: 0; }
.civic-event dt { font-weight: 600; margin-top: .75rem; }
.civic-status { color: #a4121b; font-weight: 600; }
.civic-pages { display: flex; gap: 1.5rem; margin: 1.5rem 0; }
</style>
</head>
<body>
<main id="main">
{{form}}
</main>
</body>
</html>
)";

}  // namespace

std::variant<Layout, std::string> Layout::load(const std::string& file, std::string_view directive) {
  std::string named(directive);
  std::ifstream in(file, std::ios::binary);
  if (!in) return named + ": cannot read " + quoted(file);
  std::ostringstream text;
  text << in.rdbuf();
  if (text.str().size() > (1u << 20)) return named + " " + quoted(file) + ": larger than 1 MB";
  auto parsed = parse(text.str());
  if (auto* error = std::get_if<std::string>(&parsed)) return named + " " + quoted(file) + ": " + *error;
  return parsed;
}

std::variant<Layout, std::string> Layout::parse(std::string_view text) {
  if (!is_valid_utf8(text)) return std::string("the layout is not valid UTF-8");
  Layout layout;
  int forms = 0;
  std::string pending;
  while (!text.empty()) {
    std::size_t open = text.find("{{");
    if (open == std::string_view::npos) {
      pending.append(text);
      break;
    }
    pending.append(text.substr(0, open));
    std::size_t close = text.find("}}", open);
    if (close == std::string_view::npos) {
      pending.append(text.substr(open));
      break;
    }
    std::string_view key = text.substr(open + 2, close - open - 2);
    Slot slot = Slot::none;
    if (key == "form" || key == "content") slot = Slot::form;
    else if (key == "lang") slot = Slot::lang;
    else if (key == "title") slot = Slot::title;
    if (slot == Slot::none) {
      pending.append(text.substr(open, close + 2 - open));
    } else {
      if (slot == Slot::form) ++forms;
      layout.segments_.push_back(Segment{std::move(pending), slot});
      pending.clear();
    }
    text.remove_prefix(close + 2);
  }
  layout.segments_.push_back(Segment{std::move(pending), Slot::none});
  if (forms != 1)
    return std::string("the layout must mark the place of the form or calendar with {{form}} (or {{content}}) exactly once");
  return layout;
}

const Layout& Layout::builtin() {
  static const Layout layout = std::get<Layout>(parse(kBuiltin));
  return layout;
}

std::string Layout::render(std::string_view lang, std::string_view title, const HtmlFragment& content) const {
  std::string out;
  out.reserve(content.str().size() + 4096);
  for (const Segment& s : segments_) {
    out += s.text;
    switch (s.slot) {
      case Slot::lang: append_escaped(out, lang); break;
      case Slot::title: append_escaped(out, title); break;
      case Slot::form: out += content.str(); break;
      case Slot::none: break;
    }
  }
  return out;
}

}  // namespace civic
