#include "calendar/formats/json_array_stream.hpp"

#include <utility>

namespace civic::calendar {

namespace {

bool json_space(int c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

}  // namespace

JsonArrayStream::JsonArrayStream(ByteSource source, EventDefaults defaults, std::size_t max_events)
    : bytes_(std::move(source)), defaults_(std::move(defaults)), max_events_(max_events) {}

int JsonArrayStream::peek() {
  std::string_view in_hand = bytes_.available();
  return in_hand.empty() ? -1 : static_cast<unsigned char>(in_hand.front());
}

int JsonArrayStream::get() {
  int c = peek();
  if (c >= 0) {
    bytes_.consume(1);
    ++offset_;
  }
  return c;
}

int JsonArrayStream::skip_space() {
  int c = peek();
  while (json_space(c)) {
    get();
    c = peek();
  }
  return c;
}

StreamStep JsonArrayStream::refuse(FieldError::Kind kind, std::string field, std::string message) {
  error_ = FieldError{std::move(field), std::move(message), kind};
  state_ = State::done;
  return StreamStep::refused;
}

bool JsonArrayStream::take_element() {
  element_.clear();
  element_at_ = offset_;
  int depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (;;) {
    int c = peek();
    if (c < 0) {
      error_ = FieldError{"[" + std::to_string(index_) + "]",
                          "the file ends inside this element (at byte " + std::to_string(offset_) + ")",
                          FieldError::Kind::syntax};
      return false;
    }
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (depth == 0) break;  // the array's own ']'
      --depth;
    } else if (c == ',' && depth == 0) {
      break;
    }
    if (element_.size() >= kMaxEventElementBytes) {
      error_ = FieldError{"[" + std::to_string(index_) + "]",
                          "is longer than " + std::to_string(kMaxEventElementBytes >> 20) + " MB",
                          FieldError::Kind::invalid};
      return false;
    }
    element_.push_back(static_cast<char>(get()));
  }
  while (!element_.empty() && json_space(static_cast<unsigned char>(element_.back()))) element_.pop_back();
  return true;
}

StreamStep JsonArrayStream::next(Event& out, FieldError& error) {
  auto refused = [&](StreamStep step) {
    if (step == StreamStep::refused) error = error_;
    return step;
  };
  auto at = [this] { return " (at byte " + std::to_string(offset_) + ")"; };
  switch (state_) {
    case State::done:
      if (!error_.message.empty()) {
        error = error_;
        return StreamStep::refused;
      }
      return StreamStep::end;
    case State::before_array: {
      // A byte order mark is no part of the text (RFC 8259 §8.1 lets a parser skip it).
      if (peek() == 0xEF) {
        for (int expected : {0xEF, 0xBB, 0xBF})
          if (get() != expected) return refused(refuse(FieldError::Kind::syntax, "", "the file is not a JSON array of events" + at()));
      }
      if (skip_space() != '[') return refused(refuse(FieldError::Kind::syntax, "", "the file is not a JSON array of events" + at()));
      get();
      state_ = State::first;
      if (skip_space() == ']') {
        get();
        state_ = State::after_element;
        index_ = 0;
        // An empty array: what follows is checked below, as after an element.
        if (skip_space() >= 0) return refused(refuse(FieldError::Kind::syntax, "", "text after the array's end" + at()));
        state_ = State::done;
        return StreamStep::end;
      }
      break;
    }
    case State::first:
      break;
    case State::after_element: {
      int c = skip_space();
      if (c == ']') {
        get();
        if (skip_space() >= 0) return refused(refuse(FieldError::Kind::syntax, "", "text after the array's end" + at()));
        state_ = State::done;
        return StreamStep::end;
      }
      if (c != ',')
        return refused(refuse(FieldError::Kind::syntax, "",
                              c < 0 ? "the file ends before the array's ]" + at() : "expected , or ] after an element" + at()));
      get();
      break;
    }
  }
  // The next element.
  std::string path = "[" + std::to_string(index_) + "]";
  int c = skip_space();
  if (c == ']' || c == ',' || c < 0)
    return refused(refuse(FieldError::Kind::syntax, path, "expected an event object" + at()));
  if (index_ >= max_events_)
    return refused(refuse(FieldError::Kind::invalid, path, "more than " + std::to_string(max_events_) + " events in one import"));
  if (!take_element()) {
    state_ = State::done;
    error = error_;
    return StreamStep::refused;
  }
  state_ = State::after_element;
  if (auto err = event_from_json_element(element_, defaults_, path, element_at_, out)) {
    error_ = std::move(*err);
    state_ = State::done;
    error = error_;
    return StreamStep::refused;
  }
  ++index_;
  return StreamStep::event;
}

}  // namespace civic::calendar
