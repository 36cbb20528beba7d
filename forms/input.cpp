#include "forms/input.hpp"

#include "sealing/sodium_text.hpp"

namespace civic::forms {

std::vector<std::string_view> FormInput::values_of(std::string_view name) const {
  std::vector<std::string_view> out;
  for (const auto& [n, v] : values)
    if (n == name) out.push_back(v);
  return out;
}

std::vector<const UploadedFile*> FormInput::files_of(std::string_view name) const {
  std::vector<const UploadedFile*> out;
  for (const UploadedFile& f : files)
    if (f.field == name) out.push_back(&f);
  return out;
}

const std::string* FormInput::first(std::string_view name) const {
  for (const auto& [n, v] : values)
    if (n == name) return &v;
  return nullptr;
}

void FormInput::wipe() noexcept {
  for (auto& [name, value] : values) {
    sealing::wipe(name);
    sealing::wipe(value);
  }
  for (UploadedFile& f : files) {
    sealing::wipe(f.filename);
    sealing::wipe(f.content);
  }
}

}  // namespace civic::forms
