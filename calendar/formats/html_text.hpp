// Event descriptions may hold HTML; iCal's DESCRIPTION is plain text. libxml2's
// HTML parser reads the fragment (forgiving, as browsers are), and the text is
// laid out with paragraphs and line breaks kept.
#pragma once

#include <string>
#include <string_view>

namespace civic::calendar {

// "<p>Tervetuloa!</p><p>Liput <b>25 €</b></p>" -> "Tervetuloa!\n\nLiput 25 €".
// Links keep their target: "<a href=\"https://x\">liput</a>" -> "liput (https://x)".
std::string html_to_text(std::string_view html);

// Plain text as HTML that html_to_text() turns back into the same text:
// & < > escaped, newlines as <br>.
std::string text_to_html(std::string_view text);

// Once per process, before threads start (libxml2's global initialization).
void init_html_parser();

}  // namespace civic::calendar
