// A JSON array of events (the Event JSON of SPEC, as a bulk POST takes it)
// read an element at a time: each element is found by its brackets, with
// strings and their escapes skipped, and parsed alone by event_json's reader,
// so that only one event's text is held however long the array is.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "calendar/formats/byte_chunks.hpp"
#include "calendar/formats/event_json.hpp"
#include "calendar/formats/event_stream.hpp"

namespace civic::calendar {

// One event's JSON may hold texts in many languages, each up to 64 KB; an
// element past this is refused rather than held.
inline constexpr std::size_t kMaxEventElementBytes = 16u << 20;

class JsonArrayStream final : public EventStream {
 public:
  JsonArrayStream(ByteSource source, EventDefaults defaults, std::size_t max_events);
  StreamStep next(Event& out, FieldError& error) override;

 private:
  int get();   // the next byte, or -1 at the end
  int peek();  // the same without taking it
  int skip_space();  // peek() after white space
  // Takes one element's text into element_; false (error_ set) if it is not one.
  bool take_element();
  StreamStep refuse(FieldError::Kind kind, std::string field, std::string message);

  enum class State { before_array, first, after_element, done };

  ByteChunks bytes_;
  EventDefaults defaults_;
  std::size_t max_events_;
  std::uint64_t offset_ = 0;  // bytes of the text taken so far
  State state_ = State::before_array;
  std::size_t index_ = 0;        // of the next element
  std::string element_;          // its text
  std::uint64_t element_at_ = 0; // where it starts in the text
  FieldError error_;
};

}  // namespace civic::calendar
