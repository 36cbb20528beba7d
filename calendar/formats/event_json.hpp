// Event JSON (SPEC "Event JSON") to the model and back, with rapidjson.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "calendar/model/event.hpp"
#include "common/field_error.hpp"

namespace civic::calendar {

// What an event takes from its calendar when it does not say.
struct EventDefaults {
  std::string language;  // for a text given as a plain string
  std::string timezone;  // for times without a zone
};

// One event object (a PUT body). `path` prefixes field names in errors, e.g.
// "[3]" for the fourth element of an array.
std::optional<FieldError> event_from_json(std::string_view json, const EventDefaults& defaults, Event& out);

// One element of an array of events, read alone (json_array_stream.hpp):
// `path` ("[3]") prefixes the fields named in errors, the id is required, and
// a syntax error names the byte of the whole text (`offset`: where the
// element starts in it).
std::optional<FieldError> event_from_json_element(std::string_view json, const EventDefaults& defaults,
                                                  std::string_view path, std::uint64_t offset, Event& out);

// A JSON array of event objects (a bulk POST body). At most `max_events`.
std::optional<FieldError> events_from_json_array(std::string_view json, const EventDefaults& defaults,
                                                 std::vector<Event>& out, std::size_t max_events);

struct JsonWriteOptions {
  bool server_fields = true;       // sequence, created_time, last_modified_time, deleted
  std::string_view base_url;       // "https://host/calendars/": adds "@id", "@context", "@type"
  std::string_view calendar;       // with base_url: the calendar's name in "@id"
  std::string_view language;       // a template's: the language of a keyword's name (the calendar's first)
};

std::string event_to_json(const Event& event, const JsonWriteOptions& options);

// The event's JSON as the store keeps it for the public lists: with every
// field (server fields, "@id", "@context", "@type") and marks where each
// request splices in its own parts (calendar/formats/event_json_template.hpp):
// "location" and "keywords" as Linked Events gives them, references
// ({"@id": ".../places/tprek:7254.json"}) or, for `include=`, the objects.
// `language`: the calendar's first, a keyword's name's.
std::string event_json_template(const Event& event, std::string_view calendar, std::string_view language);

// A deleted event in a sync list: {"id", "deleted": true, "last_modified_time"}.
std::string deleted_event_json(std::string_view id, std::int64_t modified_us);

// The form stored with each event and compared to tell "unchanged": the event
// without what the server keeps.
inline std::string canonical_json(const Event& event) { return event_to_json(event, {false, {}, {}, {}}); }

// The stored form back to the model (server fields are then set from the
// record). False if it does not parse, which would mean a damaged store.
bool event_from_canonical_json(std::string_view json, Event& out);

// Percent-encodes an id for use as a URL path segment.
std::string url_path_segment(std::string_view id);

}  // namespace civic::calendar
