// The event model of the SPEC (Linked Events shaped), independent of any
// format: the JSON and .ics readers produce it, the writers consume it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "calendar/model/civil_time.hpp"
#include "calendar/model/lang_text.hpp"

namespace civic::calendar {

// A start or end: a date (all-day) or a wall-clock time in the event's zone.
struct EventTime {
  CivilTime local;
  bool date_only = false;

  bool operator==(const EventTime&) const = default;
};

struct Position {
  double longitude = 0;  // GeoJSON order: [longitude, latitude]
  double latitude = 0;

  bool operator==(const Position&) const = default;
};

struct Location {
  std::string id;
  LangText name;
  LangText street_address;
  LangText address_locality;
  std::string postal_code;
  std::optional<Position> position;

  bool operator==(const Location&) const = default;
};

struct Offer {
  std::optional<bool> is_free;
  LangText price;
  LangText info_url;
  LangText description;

  bool operator==(const Offer&) const = default;
};

struct Image {
  std::string url;
  std::string name;
  std::string alt_text;

  bool operator==(const Image&) const = default;
};

// schema.org EventStatusType.
enum class EventStatus : std::uint8_t { scheduled = 0, cancelled = 1, postponed = 2, rescheduled = 3 };

std::string_view status_name(EventStatus s);                   // "EventScheduled"
std::optional<EventStatus> status_from_name(std::string_view name);

struct Recurrence {
  std::string rrule;              // RFC 5545 RECUR, as libical writes it back
  std::vector<EventTime> exdates;  // in the event's zone, like the start
  std::vector<EventTime> rdates;

  bool operator==(const Recurrence&) const = default;
};

struct Event {
  std::string id;  // the UID: stable forever
  LangText name;
  LangText short_description;
  LangText description;  // HTML allowed
  EventTime start;
  // Exclusive: for an all-day event the day after the last day (as iCal's
  // DTEND); the JSON writer shows the last day itself.
  std::optional<EventTime> end;
  std::string timezone;  // IANA name, or "UTC"
  std::optional<Location> location;
  std::vector<std::string> keywords;
  std::vector<Offer> offers;
  LangText info_url;
  std::vector<Image> images;
  EventStatus status = EventStatus::scheduled;
  std::optional<Recurrence> recurrence;
  // Linked Events' super_event_type "umbrella": a festival or series that
  // other events are part of (an event of its own, with its own times).
  bool umbrella = false;

  // Kept by the server; what a client sends is not taken as is.
  std::uint32_t sequence = 0;  // at most kMaxSequence
  std::int64_t created_us = 0;
  std::int64_t modified_us = 0;
  bool deleted = false;

  bool all_day() const noexcept { return start.date_only; }
};

// RFC 5545 §3.8.7.4: SEQUENCE is an INTEGER, 32-bit signed (§3.3.8). The
// server's count stops there rather than wrap into a value clients misread.
inline constexpr std::uint32_t kMaxSequence = 2147483647;

// Limits on what one event may hold; a larger one is refused (422).
struct EventLimits {
  static constexpr std::size_t kIdBytes = 255;
  static constexpr std::size_t kNameBytes = 1000;
  static constexpr std::size_t kTextBytes = 65536;  // each description, per language
  static constexpr std::size_t kShortBytes = 4096;
  static constexpr std::size_t kUrlBytes = 2048;
  static constexpr std::size_t kLanguages = 20;
  static constexpr std::size_t kKeywords = 100;
  static constexpr std::size_t kKeywordBytes = 200;
  static constexpr std::size_t kOffers = 20;
  static constexpr std::size_t kImages = 20;
  static constexpr std::size_t kRecurrenceDates = 1000;
};

// An event id as civic accepts it: 1 to 255 visible ASCII characters, no '/'
// (it is a path segment of the event's URL) and no '%' or '?'.
bool is_valid_event_id(std::string_view id);

}  // namespace civic::calendar
