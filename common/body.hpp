// The bytes of an answer, in pieces: views of stored texts (valid while the
// read transaction that found them is open) and texts of the request's own,
// copied once into what is sent.
#pragma once

#include <algorithm>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace civic {

class Body {
 public:
  void append(std::string_view part) {
    parts_.push_back(part);
    size_ += part.size();
  }
  void append_owned(std::string text) {
    owned_.push_back(std::move(text));
    append(owned_.back());
  }
  // Texts the parts point into, kept alive with the body (moving a deque
  // leaves its elements where they are).
  void keep(std::deque<std::string> texts) { kept_.push_back(std::move(texts)); }
  std::size_t size() const noexcept { return size_; }
  void copy_to(char* out) const noexcept {
    for (auto p : parts_) out = std::copy(p.begin(), p.end(), out);
  }
  // Each part in order (a server that sends them without a copy).
  template <class Visit>
  void for_each(Visit&& visit) const {
    for (auto p : parts_) visit(p);
  }
  std::string str() const {
    std::string s(size_, '\0');
    copy_to(s.data());
    return s;
  }

 private:
  std::vector<std::string_view> parts_;
  std::deque<std::string> owned_;  // stable addresses
  std::vector<std::deque<std::string>> kept_;
  std::size_t size_ = 0;
};

}  // namespace civic
