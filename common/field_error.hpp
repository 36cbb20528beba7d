// A refusal of input, naming what is to blame: what a client (or, for a
// configuration, the sysadmin) is told. Failures of the server itself are
// Errors (common/result.hpp) and go to the log.
#pragma once

#include <string>

namespace civic {

struct FieldError {
  enum class Kind { syntax, invalid };
  std::string field;      // "start_time", "[3].location.position", "DTSTART", a form field's name
  std::string message;
  Kind kind = Kind::invalid;  // syntax: not the format at all (400); invalid: a value refused (422)
  std::string component = {};  // .ics: "VEVENT" (empty elsewhere)
  int line = 0;               // .ics: the line the component or property starts on
};

}  // namespace civic
