// A store with one calendar, "culture" (Finnish and English, Helsinki time),
// for the tests that write events and read them back.
#pragma once

#include "calendar/model/calendar_config.hpp"
#include "tests/support/temp_store.hpp"

namespace civic::test {

struct CalendarStore : TempStore {
  calendar::CalendarConfig cal;

  // Opens the store and defines the calendar; false if the store cannot be made.
  bool open_calendar() {
    cal.name = "culture";
    cal.languages = {"fi", "en"};
    cal.timezone = "Europe/Helsinki";
    return open();
  }
};

}  // namespace civic::test
