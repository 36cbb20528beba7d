// What a test's helper found, as a C string a cmocka assertion can compare:
// kept in static storage, so that a failed assertion's longjmp leaks nothing
// and the message shows what went wrong. Valid until the next call.
#pragma once

#include <string>

namespace civic::test {

inline const char* verdict(std::string text) {
  static std::string last;
  last = std::move(text);
  return last.c_str();
}

}  // namespace civic::test
