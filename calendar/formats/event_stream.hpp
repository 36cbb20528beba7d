// Events read from a file one at a time (civicctl import): the file's bytes
// come from a ByteSource a chunk at a time, and only the event being read is
// held, so memory does not grow with the file. json_array_stream.hpp and
// ics_stream.hpp read the two formats an import takes.
#pragma once

#include <cstddef>
#include <functional>

#include "calendar/model/event.hpp"
#include "common/field_error.hpp"

namespace civic::calendar {

// Fills `buffer` with up to `size` bytes and returns how many; 0 at the end
// (a read error also ends the text: the caller that owns the file checks it).
using ByteSource = std::function<std::size_t(char* buffer, std::size_t size)>;

enum class StreamStep { event, end, refused };

class EventStream {
 public:
  virtual ~EventStream() = default;
  // The next event into `out`, the end of the text, or a refusal in `error`
  // (then the stream is spent).
  virtual StreamStep next(Event& out, FieldError& error) = 0;
  // After a refusal: whether the text may well be fine, read whole (an .ics
  // with a series' changed occurrences apart from it).
  virtual bool needs_whole_text() const { return false; }
};

}  // namespace civic::calendar
