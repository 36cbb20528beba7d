#include "calendar/service/event_admin.hpp"

#include <utility>
#include <vector>

#include "calendar/formats/calendar_json.hpp"
#include "calendar/formats/event_json.hpp"
#include "calendar/service/calendar_writer.hpp"
#include "calendar/service/event_import.hpp"
#include "calendar/stored/event_record.hpp"
#include "common/media_type.hpp"
#include "common/query_string.hpp"
#include "storage/event_store.hpp"

namespace civic::calendar {

namespace {

using Action = EventAdminPlan::Action;

// The route a path names: the collection ("events") or one event.
struct EventRoute {
  std::string_view calendar;
  std::optional<std::string_view> id;  // nullopt: the collection
};

std::optional<EventRoute> route_event_path(std::string_view path) {
  std::size_t slash = path.find('/');
  EventRoute route{path.substr(0, slash), std::nullopt};
  std::string_view rest = slash == std::string_view::npos ? std::string_view() : path.substr(slash + 1);
  if (rest == "events") return route;
  constexpr std::string_view kItem = "events/";
  if (!rest.starts_with(kItem) || rest.size() == kItem.size() || rest.find('/', kItem.size()) != std::string_view::npos)
    return std::nullopt;
  route.id = rest.substr(kItem.size());
  return route;
}

std::variant<EventAdminPlan, Reply> plan_import(EventAdminPlan plan, const EventAdminRequest& request) {
  if (request.method != EventMethod::post) return method_not_allowed("POST");
  MediaType type = parse_media_type(request.content_type);
  bool ics = type.type == "text/calendar", json = type.type == "application/json";
  if (!(ics || json) || !type.utf8())
    return error_reply(415, "send text/calendar (an .ics file) or application/json (an array of events) in UTF-8",
                       "Content-Type");
  static constexpr std::string_view kKnown[] = {"mode"};
  std::vector<QueryParameter> params;
  if (auto bad = parse_query(request.args, kKnown, params)) return error_reply(400, bad->message, bad->parameter);
  for (const auto& p : params) {
    if (p.value == "replace") plan.mode = WriteMode::replace;
    else if (p.value != "upsert") return error_reply(400, "is upsert (the default) or replace", "mode");
  }
  plan.action = ics ? Action::import_ics : Action::import_json;
  return plan;
}

std::variant<EventAdminPlan, Reply> plan_one(EventAdminPlan plan, const EventAdminRequest& request) {
  if (!is_valid_event_id(plan.id)) {
    // No event can have such an id: a write is a bad request, a read finds nothing.
    constexpr std::string_view rule = "an id is 1 to 255 visible ASCII characters without / % ? # or \\";
    if (request.method == EventMethod::put) return error_reply(400, rule, "id");
    return error_reply(404, "no such event: " + std::string(rule));
  }
  switch (request.method) {
    case EventMethod::put: {
      MediaType type = parse_media_type(request.content_type);
      if ((!type.type.empty() && type.type != "application/json") || !type.utf8())
        return error_reply(415, "send the event as application/json in UTF-8", "Content-Type");
      plan.action = Action::put;
      return plan;
    }
    case EventMethod::erase:
      plan.action = Action::erase;
      return plan;
    case EventMethod::get:
    case EventMethod::head:
      plan.action = Action::get;
      return plan;
    default:
      return method_not_allowed("GET, HEAD, PUT, DELETE");
  }
}

// A calendar that follows a source takes its events from there only.
Reply follows_a_source(const CalendarConfig& calendar) {
  const EventSource& source = *calendar.source;
  Reply r = error_reply(409, "calendar \"" + calendar.name + "\" follows " + source.url +
                                 " (source " + std::string(source_kind_name(source.kind)) +
                                 "): its events are written only from there");
  return r;
}

// A body refused: 400 if it is not the format at all, 422 if a value is wrong.
Reply refusal(const FieldError& e) {
  return json_reply(e.kind == FieldError::Kind::syntax ? 400 : kUnprocessableContent, field_error_json(e));
}

std::string what(const CalendarConfig& calendar) { return "calendar \"" + calendar.name + "\""; }

Reply write_failure(const CalendarConfig& calendar, const Error& error) {
  return store_failure(error.map_full(), what(calendar), error.message());
}

EventDefaults defaults_of(const CalendarConfig& calendar) { return {calendar.default_language(), calendar.timezone}; }

Reply event_put(storage::Store& store, const CalendarConfig& calendar, const std::string& id, std::string_view body,
                std::string_view base_url, std::int64_t now_us) {
  std::vector<Event> events(1);
  Event& e = events.front();
  if (auto err = event_from_json(body, defaults_of(calendar), e)) return refusal(*err);
  if (e.id.empty()) e.id = id;
  if (e.id != id) return refusal(FieldError{"id", "does not match the id in the URL (" + id + ")"});
  std::vector<Upserted> outcomes;
  auto counts = upsert_events(store, calendar, events, now_us, &outcomes);
  if (!counts) return write_failure(calendar, counts.error());
  return json_reply(outcomes.front() == Upserted::created ? 201 : 200,
                    event_to_json(e, {true, base_url, calendar.name, {}}));
}

Reply event_import(storage::Store& store, const CalendarConfig& calendar, std::string_view body, ImportFormat format,
                   WriteMode mode, std::int64_t now_us) {
  ImportOutcome outcome = import_events(store, calendar, body, format, kMaxImportEvents, now_us, 1, mode);
  if (auto* refused = std::get_if<FieldError>(&outcome)) return refusal(*refused);
  if (auto* failed = std::get_if<Error>(&outcome)) return write_failure(calendar, *failed);
  return json_reply(200, write_counts_json(std::get<WriteCounts>(outcome)));
}

}  // namespace

std::variant<EventAdminPlan, Reply> plan_event_admin(const Calendars& calendars, const EventAdminRequest& request) {
  auto route = route_event_path(request.path);
  if (!route) return error_reply(404, "no such admin resource");
  EventAdminPlan plan;
  plan.calendar = calendars.find(route->calendar);
  if (plan.calendar == nullptr) return error_reply(404, "no such calendar");
  if (!request.store_open) return store_not_open();
  bool writes = request.method == EventMethod::put || request.method == EventMethod::post ||
                request.method == EventMethod::erase;
  if (writes && plan.calendar->source) return follows_a_source(*plan.calendar);
  if (!route->id) return plan_import(std::move(plan), request);
  plan.id = *route->id;
  return plan_one(std::move(plan), request);
}

Reply event_write(storage::Store& store, const EventAdminPlan& plan, std::string_view body, std::string_view base_url,
                  std::int64_t now_us) {
  if (plan.action == Action::put) return event_put(store, *plan.calendar, plan.id, body, base_url, now_us);
  ImportFormat format = plan.action == Action::import_ics ? ImportFormat::ics : ImportFormat::json_array;
  return event_import(store, *plan.calendar, body, format, plan.mode, now_us);
}

Reply event_erasure(storage::Store& store, const CalendarConfig& calendar, std::string_view id, std::int64_t now_us) {
  auto deleted = delete_event(store, calendar, id, now_us);
  if (!deleted) return write_failure(calendar, deleted.error());
  if (!*deleted) return error_reply(404, "no such event");
  return no_content();
}

Reply one_event(storage::Store& store, const CalendarConfig& calendar, std::string_view id, std::string_view base_url) {
  auto txn = storage::Txn::begin_read(store.env());
  if (!txn) return internal_error(what(calendar), txn.error().message());
  auto view = storage::events::get(*txn, store.db(), calendar.name, id);
  if (!view) return internal_error(what(calendar), view.error().message());
  if (!view.value()) return error_reply(404, "no such event");
  Event e;
  if (!event_from_view(**view, e))
    return internal_error(what(calendar), "the stored event " + std::string(id) + " is damaged");
  return json_reply(200, event_to_json(e, {true, base_url, calendar.name, {}}));
}

}  // namespace civic::calendar
