#include "calendar/model/lang_text.hpp"

#include <algorithm>

namespace civic::calendar {

void LangText::set(std::string lang, std::string text) {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), lang,
                             [](const Entry& e, const std::string& l) { return e.first < l; });
  if (it != entries_.end() && it->first == lang) {
    it->second = std::move(text);
  } else {
    entries_.insert(it, Entry{std::move(lang), std::move(text)});
  }
}

const std::string* LangText::get(std::string_view lang) const noexcept {
  for (const auto& e : entries_)
    if (e.first == lang) return &e.second;
  return nullptr;
}

const LangText::Entry* LangText::pick(const std::vector<std::string>& chain) const noexcept {
  for (const auto& lang : chain)
    for (const auto& e : entries_)
      if (e.first == lang) return &e;
  return entries_.empty() ? nullptr : &entries_.front();
}

bool is_language_tag(std::string_view tag) {
  if (tag.empty() || tag.size() > 35) return false;
  std::size_t i = 0;
  while (i < tag.size() && tag[i] >= 'a' && tag[i] <= 'z') ++i;
  if (i < 2 || i > 3) return false;
  while (i < tag.size()) {
    if (tag[i] != '-') return false;
    std::size_t start = ++i;
    while (i < tag.size() && ((tag[i] >= 'a' && tag[i] <= 'z') || (tag[i] >= 'A' && tag[i] <= 'Z') ||
                              (tag[i] >= '0' && tag[i] <= '9')))
      ++i;
    if (i - start < 1 || i - start > 8) return false;
  }
  return true;
}

}  // namespace civic::calendar
