// Compressing the texts of event records: zstd frames with a dictionary
// trained on a calendar's own events. An event's VEVENT, jCal and xCal in
// three languages and its JSON repeat one another and every other event's
// property names, so a frame of one text with a shared dictionary is a
// tenth of the text, and reading it back costs well under a microsecond.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace civic::storage {

// Dictionaries are trained from this many texts' worth of events at most,
// and are this big.
inline constexpr std::size_t kDictionaryBytes = 64 * 1024;

// Texts unpacked for one answer, back to back in chunks that never move:
// views of them stay valid as long as the arena, with one allocation for
// many texts.
class TextArena {
 public:
  // Room for `n` bytes at an address that does not change.
  char* reserve(std::size_t n);
  // Gives back the last `n` bytes reserved (an unpack that failed).
  void release(std::size_t n) noexcept { used_ -= n; }
  // The chunks, for whoever keeps the views (common/body.hpp's keep).
  std::deque<std::string> take() {
    used_ = 0;
    return std::move(chunks_);
  }

 private:
  std::deque<std::string> chunks_;
  std::size_t used_ = 0;
};

class TextDictionary {
 public:
  // The dictionary in `bytes` (as train_dictionary made it), ready to pack
  // and unpack; nullptr if zstd cannot load it.
  static std::shared_ptr<const TextDictionary> load(std::string bytes);

  ~TextDictionary();
  TextDictionary(const TextDictionary&) = delete;
  TextDictionary& operator=(const TextDictionary&) = delete;

  // What a record names its dictionary by (with the calendar's sequence
  // number): a hash of the bytes, so that a record is never unpacked with
  // another dictionary.
  std::uint64_t hash() const noexcept { return hash_; }
  const std::string& bytes() const noexcept { return bytes_; }

  // One zstd frame of `plain` (which it records the size of).
  Result<std::string> pack(std::string_view plain) const;
  // Appends the text of a frame `pack` made to `out`; false if the frame is
  // damaged or was packed with another dictionary.
  bool unpack(std::string_view frame, std::string& out) const;
  std::optional<std::string_view> unpack(std::string_view frame, TextArena& arena) const;

 private:
  struct Handles;
  TextDictionary(std::string bytes, std::uint64_t hash, std::unique_ptr<Handles> handles);

  std::string bytes_;
  std::uint64_t hash_ = 0;
  std::unique_ptr<Handles> handles_;
};

// A dictionary from sample texts (zstd's trainer); an error if the samples
// are too few or too alike to train on.
Result<std::string> train_dictionary(const std::vector<std::string_view>& samples);

// The process's loaded dictionaries, by hash: each is loaded from the store
// once and kept (they never change; a calendar has one or a few).
std::shared_ptr<const TextDictionary> cached_dictionary(std::uint64_t hash);
std::shared_ptr<const TextDictionary> remember_dictionary(std::shared_ptr<const TextDictionary> dictionary);

}  // namespace civic::storage
