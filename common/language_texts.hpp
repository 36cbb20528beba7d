// One of civic's own texts in the four languages it speaks (Finnish, Swedish,
// Danish, English); any other language gets English. The rows of the text
// tables in forms/texts.cpp and delivery/mail_texts.cpp.
#pragma once

#include <string_view>

namespace civic {

struct LanguageTexts {
  std::string_view fi, sv, da, en;

  constexpr std::string_view in(std::string_view lang) const {
    if (lang == "fi") return fi;
    if (lang == "sv") return sv;
    if (lang == "da") return da;
    return en;
  }
};

// A row of such a table: its key, then the texts in fi, sv, da, en.
template <class Key>
struct LanguageRow {
  constexpr LanguageRow(Key k, std::string_view fi, std::string_view sv, std::string_view da, std::string_view en)
      : key(k), texts{fi, sv, da, en} {}
  Key key;
  LanguageTexts texts;
};

}  // namespace civic
