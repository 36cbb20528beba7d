// The forms of one configuration, by name, in the order they were defined.
// Built while nginx reads its configuration, then only read.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "forms/form.hpp"

namespace civic::forms {

class Forms {
 public:
  const Form* find(std::string_view name) const {
    for (const auto& f : forms_)
      if (f->name == name) return f.get();
    return nullptr;
  }
  void add(Form form) { forms_.push_back(std::make_unique<Form>(std::move(form))); }
  std::vector<std::string_view> names() const {
    std::vector<std::string_view> out;
    for (const auto& f : forms_) out.push_back(f->name);
    return out;
  }

 private:
  std::vector<std::unique_ptr<Form>> forms_;  // stable addresses
};

}  // namespace civic::forms
