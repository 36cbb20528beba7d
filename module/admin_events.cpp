// civic_admin: event writes below /admin/calendars/{cal}/events.
//
//   PUT    .../events/{id}   event JSON: 201 created / 200 updated, the stored event
//   DELETE .../events/{id}   204
//   GET    .../events/{id}   the stored event (tombstones too)
//   POST   .../events        text/calendar or a JSON array: upsert by UID in one
//                            transaction; {"created","updated","unchanged"}
//
// Bodies are read in a pool thread (they may be in temp files); parsing,
// rendering and the commit run there too.
#include "module/ngx.hpp"

#include <cctype>
#include <exception>
#include <memory>
#include <optional>
#include <string>

#include "common/json_error.hpp"
#include "common/media_type.hpp"
#include "calendar/formats/calendar_json.hpp"
#include "calendar/service/calendar_writer.hpp"
#include "calendar/formats/event_json.hpp"
#include "calendar/stored/event_record.hpp"
#include "calendar/formats/ics_reader.hpp"
#include "module/admin_events.hpp"
#include "module/calendar_conf.hpp"
#include "module/request_info.hpp"
#include "module/module.hpp"
#include "module/offload.hpp"
#include "module/request_body.hpp"
#include "module/request_ctx.hpp"
#include "module/response.hpp"
#include "module/store_full_log.hpp"
#include "storage/event_store.hpp"

namespace civic::module {

namespace {

// Events one POST may carry.
constexpr std::size_t kMaxImportEvents = 100000;

enum class WriteKind : ngx_uint_t { put, import_ics, import_json };

// The request's context while its body is read: plain data in the pool.
struct WriteContext {
  const calendar::CalendarConfig* calendar = nullptr;
  std::string id;
  WriteKind kind = WriteKind::put;
};

struct Answer {
  ngx_uint_t status = NGX_HTTP_INTERNAL_SERVER_ERROR;
  std::string json;
  std::string log;  // for the error log, if something failed inside
};

Answer refusal(const calendar::FieldError& e) {
  Answer a;
  a.status = e.kind == calendar::FieldError::Kind::syntax ? NGX_HTTP_BAD_REQUEST : kUnprocessableContent;
  a.json = calendar::field_error_json(e);
  return a;
}

Answer store_failure(const storage::Error& e) {
  Answer a;
  if (e.map_full()) {
    a.status = 507;
    a.json = json_error("the store is full: nothing was written; raise max_size of civic_store");
  } else {
    a.status = NGX_HTTP_INTERNAL_SERVER_ERROR;
    a.json = json_error("the store could not be written; nothing was written; see the error log");
  }
  a.log = e.message();
  return a;
}

calendar::EventDefaults defaults_of(const calendar::CalendarConfig& cal) { return {cal.default_language(), cal.timezone}; }

std::string public_base_url(ngx_http_request_t* r) {
  auto* mc = static_cast<MainConf*>(ngx_http_get_module_main_conf(r, ngx_http_civic_module));
  if (mc->calendars_prefix.len == 0) return {};
  std::string base = request_origin(r);
  base.append(ngx::view(mc->calendars_prefix));
  if (base.back() != '/') base.push_back('/');
  return base;
}

// What went wrong inside a write, for the error log. A full store is [crit],
// as for submissions (module/store_full_log.hpp).
void log_failure(ngx_http_request_t* r, const calendar::CalendarConfig& cal, const Answer& answer) {
  if (answer.log.empty()) return;
  if (answer.status == NGX_HTTP_INSUFFICIENT_STORAGE) {
    log_store_full(r->connection->log, "calendar \"" + cal.name + "\"", answer.log);
    return;
  }
  ngx_log_error(NGX_LOG_ERR, r->connection->log, 0, "civic: calendar \"%s\": %s", cal.name.c_str(), answer.log.c_str());
}

class WriteJob : public Job {
 public:
  WriteJob(WriteKind kind, const calendar::CalendarConfig& cal, std::string id, RequestBody body, std::string base)
      : kind_(kind), cal_(cal), id_(std::move(id)), body_(std::move(body)), base_(std::move(base)) {}

  void run() noexcept override {
    try {
      answer_ = write();
    } catch (const std::exception& e) {
      answer_ = Answer{NGX_HTTP_INTERNAL_SERVER_ERROR, json_error("the write failed; nothing was written"), e.what()};
    } catch (...) {
      answer_ = Answer{NGX_HTTP_INTERNAL_SERVER_ERROR, json_error("the write failed; nothing was written"), "unknown error"};
    }
  }

  ngx_int_t answer(ngx_http_request_t* r) noexcept override {
    try {
      log_failure(r, cal_, answer_);
      return send_json(r, answer_.status, answer_.json);
    } catch (const std::exception& e) {
      ngx_log_error(NGX_LOG_ERR, r->connection->log, 0, "civic: calendar write: %s", e.what());
    }
    return NGX_HTTP_INTERNAL_SERVER_ERROR;
  }

 private:
  Answer write() {
    auto& store = worker_store();
    if (!store) return Answer{NGX_HTTP_SERVICE_UNAVAILABLE, json_error("the store is not open; see the error log"), {}};
    std::string text;
    if (!body_.read_into(text))
      return Answer{NGX_HTTP_INTERNAL_SERVER_ERROR, json_error("the request body could not be read"), "reading the body failed"};

    std::vector<calendar::Event> events;
    if (kind_ == WriteKind::put) {
      calendar::Event e;
      if (auto err = calendar::event_from_json(text, defaults_of(cal_), e)) return refusal(*err);
      if (e.id.empty()) e.id = id_;
      if (e.id != id_) {
        calendar::FieldError err;
        err.field = "id";
        err.message = "does not match the id in the URL (" + id_ + ")";
        return refusal(err);
      }
      events.push_back(std::move(e));
    } else {
      auto err = kind_ == WriteKind::import_ics
                     ? calendar::events_from_ics(text, defaults_of(cal_), events, kMaxImportEvents)
                     : calendar::events_from_json_array(text, defaults_of(cal_), events, kMaxImportEvents);
      if (err) return refusal(*err);
      if (auto dup = calendar::first_duplicate_id(events)) {
        calendar::FieldError e;
        e.field = kind_ == WriteKind::import_ics ? "UID" : "[" + std::to_string(*dup) + "].id";
        e.component = kind_ == WriteKind::import_ics ? "VEVENT" : "";
        e.message = "the id " + events[*dup].id + " is given twice";
        return refusal(e);
      }
    }

    std::vector<calendar::Upserted> outcomes;
    auto counts = calendar::upsert_events(*store, cal_, events, calendar::now_micros(), &outcomes);
    if (!counts) return store_failure(counts.error());
    if (kind_ != WriteKind::put) return Answer{NGX_HTTP_OK, calendar::write_counts_json(*counts), {}};
    Answer a;
    a.status = outcomes.front() == calendar::Upserted::created ? NGX_HTTP_CREATED : NGX_HTTP_OK;
    a.json = calendar::event_to_json(events.front(), {true, base_, cal_.name});
    return a;
  }

  WriteKind kind_;
  const calendar::CalendarConfig& cal_;
  std::string id_;
  RequestBody body_;
  std::string base_;
  Answer answer_;
};

class DeleteJob : public Job {
 public:
  DeleteJob(const calendar::CalendarConfig& cal, std::string id) : cal_(cal), id_(std::move(id)) {}

  void run() noexcept override {
    try {
      auto& store = worker_store();
      if (!store) {
        answer_ = Answer{NGX_HTTP_SERVICE_UNAVAILABLE, json_error("the store is not open; see the error log"), {}};
        return;
      }
      auto deleted = calendar::delete_event(*store, cal_, id_, calendar::now_micros());
      if (!deleted) {
        answer_ = store_failure(deleted.error());
      } else if (!*deleted) {
        answer_ = Answer{NGX_HTTP_NOT_FOUND, json_error("no such event"), {}};
      } else {
        answer_ = Answer{NGX_HTTP_NO_CONTENT, {}, {}};
      }
    } catch (const std::exception& e) {
      answer_ = Answer{NGX_HTTP_INTERNAL_SERVER_ERROR, json_error("the delete failed"), e.what()};
    }
  }

  ngx_int_t answer(ngx_http_request_t* r) noexcept override {
    try {
      log_failure(r, cal_, answer_);
      if (answer_.status == NGX_HTTP_NO_CONTENT) {
        r->headers_out.status = NGX_HTTP_NO_CONTENT;
        r->headers_out.content_length_n = 0;
        r->header_only = 1;
        return ngx_http_send_header(r);
      }
      return send_json(r, answer_.status, answer_.json);
    } catch (const std::exception&) {
      return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }
  }

 private:
  const calendar::CalendarConfig& cal_;
  std::string id_;
  Answer answer_;
};

void body_read(ngx_http_request_t* r) noexcept {
  try {
    auto* ctx = request_ctx<WriteContext>(r);
    auto body = RequestBody::of(r);
    if (ctx == nullptr || !body) {
      ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
      return;
    }
    std::string base = ctx->kind == WriteKind::put ? public_base_url(r) : std::string();
    offload_after_body(r, std::make_unique<WriteJob>(ctx->kind, *ctx->calendar, ctx->id,
                                                     std::move(*body), std::move(base)));
  } catch (const std::exception& e) {
    ngx_log_error(NGX_LOG_ERR, r->connection->log, 0, "civic: calendar write: %s", e.what());
    ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
  }
}

MediaType media_type(ngx_http_request_t* r) {
  if (r->headers_in.content_type == nullptr) return {};
  return parse_media_type(ngx::view(r->headers_in.content_type->value));
}


ngx_int_t start_write(ngx_http_request_t* r, const calendar::CalendarConfig& cal, std::string_view id, WriteKind kind) {
  // (A body over client_max_body_size never gets here: nginx answers 413
  // itself; docs/admin-api.md shows the error_page that makes that JSON.)
  auto* ctx = make_request_ctx<WriteContext>(r);
  if (ctx == nullptr) return NGX_HTTP_INTERNAL_SERVER_ERROR;
  ctx->calendar = &cal;
  ctx->kind = kind;
  ctx->id = id;
  return read_request_body(r, body_read);
}

ngx_int_t get_event(ngx_http_request_t* r, const calendar::CalendarConfig& cal, std::string_view id) {
  if (ngx_http_discard_request_body(r) != NGX_OK) return NGX_HTTP_INTERNAL_SERVER_ERROR;
  auto& store = worker_store();
  auto txn = storage::Txn::begin_read(store->env());
  if (!txn) return send_error(r, NGX_HTTP_INTERNAL_SERVER_ERROR, txn.error().message());
  auto view = storage::events::get(*txn, store->db(), cal.name, id);
  if (!view) return send_error(r, NGX_HTTP_INTERNAL_SERVER_ERROR, view.error().message());
  if (!view.value()) return send_error(r, NGX_HTTP_NOT_FOUND, "no such event");
  calendar::Event e;
  if (!calendar::event_from_view(**view, e)) return send_error(r, NGX_HTTP_INTERNAL_SERVER_ERROR, "the stored event is damaged");
  txn->abort();
  return send_json(r, NGX_HTTP_OK, calendar::event_to_json(e, {true, public_base_url(r), cal.name}));
}

}  // namespace

ngx_int_t admin_calendar_request(ngx_http_request_t* r, std::string_view path) {
  // path: "{cal}/events" or "{cal}/events/{id}"
  auto slash = path.find('/');
  std::string_view cal_name = path.substr(0, slash);
  std::string_view rest = slash == std::string_view::npos ? std::string_view() : path.substr(slash + 1);
  bool collection = rest == "events";
  bool item = rest.starts_with("events/") && rest.size() > 7 && rest.find('/', 7) == std::string_view::npos;
  if (!collection && !item) {
    if (ngx_http_discard_request_body(r) != NGX_OK) return NGX_HTTP_INTERNAL_SERVER_ERROR;
    return send_error(r, NGX_HTTP_NOT_FOUND, "no such admin resource");
  }
  const calendar::CalendarConfig* cal = calendar_registry(r).find(cal_name);
  if (cal == nullptr) {
    if (ngx_http_discard_request_body(r) != NGX_OK) return NGX_HTTP_INTERNAL_SERVER_ERROR;
    return send_error(r, NGX_HTTP_NOT_FOUND, "no such calendar");
  }
  if (!worker_store()) {
    if (ngx_http_discard_request_body(r) != NGX_OK) return NGX_HTTP_INTERNAL_SERVER_ERROR;
    return send_error(r, NGX_HTTP_SERVICE_UNAVAILABLE, "the store is not open; see the error log");
  }

  if (collection) {
    if (r->method != NGX_HTTP_POST) {
      if (ngx_http_discard_request_body(r) != NGX_OK) return NGX_HTTP_INTERNAL_SERVER_ERROR;
      return send_method_not_allowed(r, "POST");
    }
    MediaType type = media_type(r);
    bool ics = type.type == "text/calendar", json = type.type == "application/json";
    if ((ics || json) && type.utf8()) return start_write(r, *cal, {}, ics ? WriteKind::import_ics : WriteKind::import_json);
    if (ngx_http_discard_request_body(r) != NGX_OK) return NGX_HTTP_INTERNAL_SERVER_ERROR;
    return send_error(r, NGX_HTTP_UNSUPPORTED_MEDIA_TYPE,
                      "send text/calendar (an .ics file) or application/json (an array of events) in UTF-8",
                      "Content-Type");
  }

  std::string_view id = rest.substr(7);
  if (!calendar::is_valid_event_id(id)) {
    if (ngx_http_discard_request_body(r) != NGX_OK) return NGX_HTTP_INTERNAL_SERVER_ERROR;
    // No event can have such an id: a write is a bad request, a read finds nothing.
    constexpr std::string_view rule = "an id is 1 to 255 visible ASCII characters without / % ? # or \\";
    if (r->method == NGX_HTTP_PUT) return send_error(r, NGX_HTTP_BAD_REQUEST, rule, "id");
    return send_error(r, NGX_HTTP_NOT_FOUND, "no such event: " + std::string(rule));
  }
  switch (r->method) {
    case NGX_HTTP_PUT: {
      MediaType type = media_type(r);
      if ((!type.type.empty() && type.type != "application/json") || !type.utf8()) {
        if (ngx_http_discard_request_body(r) != NGX_OK) return NGX_HTTP_INTERNAL_SERVER_ERROR;
        return send_error(r, NGX_HTTP_UNSUPPORTED_MEDIA_TYPE, "send the event as application/json in UTF-8",
                          "Content-Type");
      }
      return start_write(r, *cal, id, WriteKind::put);
    }
    case NGX_HTTP_DELETE:
      if (ngx_http_discard_request_body(r) != NGX_OK) return NGX_HTTP_INTERNAL_SERVER_ERROR;
      return offload_from_handler(r, std::make_unique<DeleteJob>(*cal, std::string(id)));
    case NGX_HTTP_GET:
    case NGX_HTTP_HEAD:
      return get_event(r, *cal, id);
    default:
      if (ngx_http_discard_request_body(r) != NGX_OK) return NGX_HTTP_INTERNAL_SERVER_ERROR;
      return send_method_not_allowed(r, "GET, HEAD, PUT, DELETE");
  }
}

}  // namespace civic::module
