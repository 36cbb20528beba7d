// The admin API of a calendar's events (docs/admin-api.md), from a
// copied-out request to the reply:
//
//   PUT    {cal}/events/{id}   event JSON: 201 created / 200 updated, the stored event
//   DELETE {cal}/events/{id}   204
//   GET    {cal}/events/{id}   the stored event (tombstones too)
//   POST   {cal}/events        text/calendar or a JSON array: an import
//                              (event_import.hpp); {"created","updated","unchanged"}
//          ?mode=replace       the import becomes the calendar's whole set: the
//                              live events it does not hold are deleted, in the
//                              same transaction; the answer adds "deleted"
//
// plan_event_admin() reads the path, method and Content-Type and names the
// operation, or the refusal to send as it is (404, 405, 415, 400, 503). The
// operations take the body (read by the server, in a pool thread) and the
// time; writes commit, so the server runs them in a pool thread too.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "calendar/model/calendar_config.hpp"
#include "calendar/model/calendars.hpp"
#include "calendar/model/write_counts.hpp"
#include "common/reply.hpp"
#include "storage/store.hpp"

namespace civic::calendar {

enum class EventMethod { get, head, put, post, erase, other };  // erase: DELETE

// What the server module copies out of a request.
struct EventAdminRequest {
  EventMethod method = EventMethod::get;
  std::string_view path;          // after ".../calendars/": "culture/events/e1"
  std::string_view content_type;  // the Content-Type header, "" if none
  std::string_view args;          // the query string, "" if none
  bool store_open = true;         // false: 503
};

struct EventAdminPlan {
  enum class Action { put, import_ics, import_json, erase, get } action = Action::get;
  const CalendarConfig* calendar = nullptr;
  std::string id;  // put, erase, get
  WriteMode mode = WriteMode::upsert;  // the imports

  // put and the imports take a body; the rest have none to read.
  bool reads_body() const {
    return action == Action::put || action == Action::import_ics || action == Action::import_json;
  }
};

std::variant<EventAdminPlan, Reply> plan_event_admin(const Calendars& calendars, const EventAdminRequest& request);

// `base_url`: where the public feeds are, "https://host/calendars/", for the
// stored event's "@id" and "@context" ("" if there is no civic_calendars
// location). `now_us`: microseconds since the epoch.

// A put or an import, with its body.
Reply event_write(storage::Store& store, const EventAdminPlan& plan, std::string_view body, std::string_view base_url,
                  std::int64_t now_us);
// DELETE: 204, or 404 if there is no such event.
Reply event_erasure(storage::Store& store, const CalendarConfig& calendar, std::string_view id, std::int64_t now_us);
// GET: the stored event's JSON, or 404.
Reply one_event(storage::Store& store, const CalendarConfig& calendar, std::string_view id, std::string_view base_url);

}  // namespace civic::calendar
