// A ByteSource read a chunk at a time: the bytes a stream reader has in
// hand (json_array_stream, ics_stream).
#pragma once

#include <cstddef>
#include <string_view>
#include <utility>
#include <vector>

#include "calendar/formats/event_stream.hpp"

namespace civic::calendar {

class ByteChunks {
 public:
  explicit ByteChunks(ByteSource source, std::size_t chunk_bytes = std::size_t{64} << 10)
      : source_(std::move(source)), buffer_(chunk_bytes) {}

  // The bytes in hand, after reading the next chunk if none are left; empty
  // at the end of the text (a source that claims more than it was given
  // room for ends it too).
  std::string_view available() {
    if (pos_ == filled_ && !eof_) {
      filled_ = source_(buffer_.data(), buffer_.size());
      pos_ = 0;
      if (filled_ == 0 || filled_ > buffer_.size()) {
        filled_ = 0;
        eof_ = true;
      }
    }
    return std::string_view(buffer_.data() + pos_, filled_ - pos_);
  }
  // Takes `n` of the bytes available() gave.
  void consume(std::size_t n) { pos_ += n; }
  // Whether the text has ended and every byte of it was taken.
  bool at_end() const { return eof_ && pos_ == filled_; }

 private:
  ByteSource source_;
  std::vector<char> buffer_;
  std::size_t pos_ = 0;
  std::size_t filled_ = 0;
  bool eof_ = false;
};

}  // namespace civic::calendar
