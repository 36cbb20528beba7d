// Accept-Language (and ?lang=) against a form's languages.
#include <string>
#include <string_view>
#include <vector>

#include "common/language.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::vector<std::string> languages{"fi", "sv", "en", "da"};
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto bar = in.find('|');  // "lang|Accept-Language"
  std::string_view query_lang = bar == std::string_view::npos ? std::string_view{} : in.substr(0, bar);
  std::string_view header = bar == std::string_view::npos ? in : in.substr(bar + 1);
  std::string chosen = civic::choose_language(query_lang, header, languages);
  if (chosen.empty()) __builtin_trap();  // always one of the form's languages
  return 0;
}
