// A refusal of input, naming what is to blame.
#pragma once

#include <string>

namespace civic::calendar {

struct FieldError {
  enum class Kind { syntax, invalid };
  Kind kind = Kind::invalid;  // syntax: not JSON / not iCalendar at all (400); invalid: 422
  std::string field;          // "start_time", "[3].location.position", "DTSTART"
  std::string message;
  std::string component;      // .ics: "VEVENT" (empty for JSON)
  int line = 0;               // .ics: the line the component or property starts on
};

}  // namespace civic::calendar
