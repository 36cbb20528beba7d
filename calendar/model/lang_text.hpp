// A text in several languages ({"fi": "...", "sv": "..."}), and the choice
// of one language along a fallback chain.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace civic::calendar {

class LangText {
 public:
  using Entry = std::pair<std::string, std::string>;  // language, text

  bool empty() const noexcept { return entries_.empty(); }
  const std::vector<Entry>& entries() const noexcept { return entries_; }

  // Sets the text of `lang` (replacing it); kept sorted by language so that
  // equal texts compare and serialize equal.
  void set(std::string lang, std::string text);
  const std::string* get(std::string_view lang) const noexcept;

  // The first language of `chain` that has a text, else the first text of
  // any language; nullptr if there is none.
  const Entry* pick(const std::vector<std::string>& chain) const noexcept;

  bool operator==(const LangText&) const = default;

 private:
  std::vector<Entry> entries_;
};

// A language tag as civic accepts it: "fi", "sv", "en", "se", "en-GB"
// (2-3 lower-case letters, optional subtags of letters and digits).
bool is_language_tag(std::string_view tag);

}  // namespace civic::calendar
