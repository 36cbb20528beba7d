// An .ics file read a VEVENT at a time (civicctl import): lines are taken
// from a ByteSource and unfolded as they come; each VEVENT, with the
// VTIMEZONEs it names and its calendar's own properties, is read by
// events_from_ics (ics_reader.hpp) as a small calendar of its own, so that
// every check and conversion is the one a whole file gets, and only that
// VEVENT is held.
//
// A changed occurrence (RECURRENCE-ID) is read with its series when the
// VEVENTs of one UID follow each other, as calendar programs write them; a
// changed occurrence whose series is elsewhere in the file is refused.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "calendar/formats/byte_chunks.hpp"
#include "calendar/formats/event_json.hpp"
#include "calendar/formats/event_stream.hpp"

namespace civic::calendar {

// A logical line (unfolded) longer than this is refused rather than held.
inline constexpr std::size_t kMaxIcsLineBytes = 8u << 20;
// The VEVENTs of one UID together, or a calendar's own properties.
inline constexpr std::size_t kMaxIcsGroupBytes = 32u << 20;

class IcsStream final : public EventStream {
 public:
  IcsStream(ByteSource source, EventDefaults defaults, std::size_t max_events);
  StreamStep next(Event& out, FieldError& error) override;
  bool needs_whole_text() const override { return series_apart_; }

 private:
  bool series_apart_ = false;  // refused a changed occurrence not right after its series
  struct Line {
    std::string text;
    int number = 0;  // where it starts in the file (1-based)
  };
  struct Zone {
    std::string tzid;
    std::vector<Line> lines;
  };

  bool read_physical(std::string& raw);  // false at the end
  bool next_line(Line& out);             // unfolded; false at the end or on error_
  bool take_line();                      // one line into the structure; false at the end or on error_
  void flush_group();                    // the VEVENTs of group_ into ready_
  void fail(std::string component, int line, std::string message, FieldError::Kind kind = FieldError::Kind::invalid);

  ByteChunks bytes_;
  EventDefaults defaults_;
  std::size_t max_events_;
  int physical_ = 0;           // lines read
  bool has_pending_ = false;   // pending_ waits for its continuation lines
  Line pending_;

  std::vector<std::pair<std::string, int>> open_;  // components open, with their BEGIN lines
  int calendars_ = 0;
  int calendar_line_ = 0;
  std::vector<Line> header_;     // the current calendar's own properties
  std::size_t header_bytes_ = 0;
  std::vector<Zone> zones_;      // its VTIMEZONEs
  std::vector<Line> component_;  // the VEVENT or VTIMEZONE being read
  std::size_t component_bytes_ = 0;
  std::vector<Line> group_;      // VEVENTs of one UID, not yet read
  std::size_t group_bytes_ = 0;
  std::string group_uid_;
  std::deque<Event> ready_;      // read, not yet returned
  std::size_t events_ = 0;
  bool done_ = false;
  bool failed_ = false;
  FieldError error_;
};

}  // namespace civic::calendar
