// civic_admin: a form's submissions for case workers and integrations.
//
//   GET    forms/{form}/submissions?since=N&limit=M      {"data":[...],"next_since":K}
//   GET    forms/{form}/submissions.csv|.xml?since&limit  streamed export
//   GET    forms/{form}/submissions/{receipt}             one submission
//   GET    forms/{form}/submissions/{receipt}/files/{field}[?index=I]
//   DELETE forms/{form}/submissions/{receipt}             erasure (204)
//
// Lists and exports read in pool threads (an export a bounded chunk at a
// time, the next chunk read only once the previous one has been sent), the
// erasure commits there; one submission and one file are small reads.
#include "module/admin_forms.hpp"

#include <charconv>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "common/query_string.hpp"
#include "common/url.hpp"
#include "forms/form.hpp"
#include "forms/file_type.hpp"
#include "forms/submission_export.hpp"
#include "module/form_conf.hpp"
#include "module/form_versions.hpp"
#include "module/request_info.hpp"
#include "module/module.hpp"
#include "module/offload.hpp"
#include "module/request_ctx.hpp"
#include "module/response.hpp"
#include "storage/submission_removal.hpp"
#include "storage/submission_store.hpp"

namespace civic::module {

namespace {

constexpr std::size_t kDefaultListLimit = 100;
constexpr std::size_t kMaxListLimit = 1000;
// An export chunk: this many submissions or about this many bytes, whichever
// comes first; one chunk is in memory at a time.
constexpr std::size_t kExportRowsPerChunk = 64;
constexpr std::size_t kExportChunkBytes = 256 * 1024;

storage::Store* store_or_null() {
  auto& store = worker_store();
  return store ? &*store : nullptr;
}

std::optional<std::uint64_t> parse_u64(std::string_view s) {
  if (s.empty() || s.size() > 19) return std::nullopt;
  std::uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

// since=N&limit=M. nullopt limit: no limit given.
struct Window {
  std::uint64_t since = 0;
  std::optional<std::uint64_t> limit;
};

using QueryProblem = std::optional<std::pair<std::string, std::string>>;  // message, field

// The request's query parameters among `known`, decoded and each at most
// once (common/query_string.hpp: the rule the feeds follow too).
struct AdminQuery {
  std::vector<QueryParameter> params;
  const std::string* get(std::string_view name) const {
    for (const auto& p : params)
      if (p.name == name) return &p.value;
    return nullptr;
  }
};

QueryProblem read_query(ngx_http_request_t* r, std::span<const std::string_view> known, AdminQuery& q) {
  if (auto error = parse_query(ngx::view(r->args), known, q.params))
    return std::pair<std::string, std::string>{error->parameter + (error->parameter.empty() ? "" : " ") + error->message,
                                               error->parameter};
  return std::nullopt;
}

// An error message and field if the query is bad.
QueryProblem parse_window(const AdminQuery& q, Window& w, std::uint64_t max_limit) {
  if (const std::string* value = q.get("since")) {
    auto v = parse_u64(*value);
    if (!v) return std::pair<std::string, std::string>{"since must be a whole number (a seq)", "since"};
    w.since = *v;
  }
  if (const std::string* value = q.get("limit")) {
    auto v = parse_u64(*value);
    if (!v || *v == 0 || *v > max_limit)
      return std::pair<std::string, std::string>{"limit must be a whole number from 1 to " + std::to_string(max_limit),
                                                 "limit"};
    w.limit = *v;
  }
  return std::nullopt;
}

// ---- the list --------------------------------------------------------------

class ListJob : public Job {
 public:
  ListJob(std::string form, Window w) : form_(std::move(form)), window_(w) {}

  void run() noexcept override {
    try {
      storage::Store* store = store_or_null();
      if (store == nullptr) {
        error_ = "the store is not open; see the error log";
        return;
      }
      auto txn = storage::Txn::begin_read(store->env());
      if (!txn) {
        error_ = txn.error().message();
        return;
      }
      auto page = storage::list_submissions(*txn, store->db(), form_, window_.since,
                                            static_cast<std::size_t>(window_.limit.value_or(kDefaultListLimit)));
      if (!page) {
        error_ = page.error().message();
        return;
      }
      // The records are stored as the JSON the API returns: copied, not re-encoded.
      std::uint64_t next = window_.since;
      body_ = "{\"data\":[";
      bool first = true;
      for (const auto& s : *page) {
        if (!first) body_ += ',';
        first = false;
        body_ += s.json;
        next = s.seq;
      }
      body_ += "],\"next_since\":";
      body_ += std::to_string(next);
      body_ += '}';
    } catch (const std::exception& e) {
      error_ = e.what();
    }
  }

  ngx_int_t answer(ngx_http_request_t* r) noexcept override {
    if (!error_.empty()) {
      ngx_log_error(NGX_LOG_ERR, r->connection->log, 0, "civic: list submissions: %s", error_.c_str());
      return send_error(r, NGX_HTTP_INTERNAL_SERVER_ERROR, error_);
    }
    return send_json(r, NGX_HTTP_OK, body_);
  }

 private:
  std::string form_;
  Window window_;
  std::string body_;
  std::string error_;
};

// ---- streamed exports ------------------------------------------------------

// What an export carries from chunk to chunk; freed with the request.
struct ExportState {
  std::string form;
  std::uint64_t after = 0;
  std::optional<std::uint64_t> remaining;
  std::unique_ptr<forms::SubmissionExport> writer;
  bool began = false;
  bool finished = false;
  bool headers_sent = false;
  std::string content_type;
  std::string filename;
  u_char* sent_chunk = nullptr;  // the previous chunk's buffer, freed once it is out
};

class ExportJob : public Job {
 public:
  explicit ExportJob(ExportState* state) : state_(state) {}
  void run() noexcept override;
  ngx_int_t answer(ngx_http_request_t* r) noexcept override;

 private:
  ExportState* state_;
  std::string chunk_;
  std::string error_;
};

void ExportJob::run() noexcept {
  try {
    ExportState& s = *state_;
    storage::Store* store = store_or_null();
    if (store == nullptr) {
      error_ = "the store is not open; see the error log";
      return;
    }
    if (!s.began) {
      s.writer->begin(chunk_);
      s.began = true;
    }
    // A new read transaction per chunk: the cursor is the seq, so nothing is
    // missed or repeated, and no snapshot is held while the client reads.
    auto txn = storage::Txn::begin_read(store->env());
    if (!txn) {
      error_ = txn.error().message();
      return;
    }
    while (chunk_.size() < kExportChunkBytes) {
      std::size_t want = kExportRowsPerChunk;
      if (s.remaining && *s.remaining < want) want = static_cast<std::size_t>(*s.remaining);
      if (want == 0) {
        s.finished = true;
        break;
      }
      auto page = storage::list_submissions(*txn, store->db(), s.form, s.after, want);
      if (!page) {
        error_ = page.error().message();
        return;
      }
      for (const auto& sub : *page) {
        s.writer->row(sub.json, chunk_);
        s.after = sub.seq;
      }
      if (s.remaining) *s.remaining -= page->size();
      if (page->size() < want) {
        s.finished = true;
        break;
      }
    }
    if (s.finished) s.writer->end(s.after, chunk_);
  } catch (const std::exception& e) {
    error_ = e.what();
  }
}

void export_write_ready(ngx_http_request_t* r);

// Sends `chunk` (and the headers before the first); then either finishes,
// reads the next chunk, or waits for the client to take what is buffered.
ngx_int_t send_chunk(ngx_http_request_t* r, ExportState& s, std::string_view chunk) {
  if (!s.headers_sent) {
    r->headers_out.status = NGX_HTTP_OK;
    r->headers_out.content_length_n = -1;  // chunked: the length is not known ahead
    r->headers_out.content_type.len = s.content_type.size();
    r->headers_out.content_type.data = reinterpret_cast<u_char*>(s.content_type.data());
    r->headers_out.content_type_len = s.content_type.size();
    r->headers_out.content_type_lowcase = nullptr;
    if (add_header(r, "Content-Disposition", "attachment; filename=\"" + s.filename + "\"") != NGX_OK)
      return NGX_ERROR;
    if (add_header(r, "X-Content-Type-Options", "nosniff") != NGX_OK) return NGX_ERROR;
    s.headers_sent = true;
    ngx_int_t rc = ngx_http_send_header(r);
    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) return rc;
  }
  if (s.sent_chunk != nullptr) {
    ngx_pfree(r->pool, s.sent_chunk);
    s.sent_chunk = nullptr;
  }
  ngx_buf_t* b = static_cast<ngx_buf_t*>(ngx_calloc_buf(r->pool));
  if (b == nullptr) return NGX_ERROR;
  if (!chunk.empty()) {
    // Large enough to be a pool's "large" allocation, which ngx_pfree gives back.
    u_char* mem = static_cast<u_char*>(ngx_palloc(r->pool, chunk.size() > 8192 ? chunk.size() : 8192 + 1));
    if (mem == nullptr) return NGX_ERROR;
    std::memcpy(mem, chunk.data(), chunk.size());
    s.sent_chunk = mem;
    b->start = b->pos = mem;
    b->end = b->last = mem + chunk.size();
    b->temporary = 1;
  }
  b->last_buf = s.finished ? 1 : 0;
  b->last_in_chain = 1;
  b->flush = s.finished ? 0 : 1;
  if (chunk.empty() && !s.finished) return NGX_OK;
  ngx_chain_t out{b, nullptr};
  ngx_int_t rc = ngx_http_output_filter(r, &out);
  return rc;
}

bool output_pending(ngx_http_request_t* r) {
  return r->out != nullptr || (r->connection->buffered & NGX_HTTP_WRITE_BUFFERED) != 0 || r->buffered != 0;
}

ngx_int_t next_chunk_or_wait(ngx_http_request_t* r, ExportState& s) {
  if (!output_pending(r)) return offload_from_handler(r, std::make_unique<ExportJob>(&s));
  // Backpressure: the client has not taken the last chunk yet.
  r->main->count++;
  r->write_event_handler = export_write_ready;
  auto* clcf = static_cast<ngx_http_core_loc_conf_t*>(ngx_http_get_module_loc_conf(r, ngx_http_core_module));
  ngx_event_t* wev = r->connection->write;
  if (!wev->delayed) ngx_add_timer(wev, clcf->send_timeout);
  if (ngx_handle_write_event(wev, clcf->send_lowat) != NGX_OK) return NGX_ERROR;
  return NGX_DONE;
}

void export_write_ready(ngx_http_request_t* r) {
  ngx_event_t* wev = r->connection->write;
  if (wev->timedout) {
    ngx_log_error(NGX_LOG_INFO, r->connection->log, NGX_ETIMEDOUT, "civic: export: client timed out");
    r->connection->timedout = 1;
    ngx_http_finalize_request(r, NGX_HTTP_REQUEST_TIME_OUT);
    return;
  }
  ngx_int_t rc = ngx_http_output_filter(r, nullptr);
  if (rc == NGX_ERROR) {
    ngx_http_finalize_request(r, NGX_ERROR);
    return;
  }
  auto* ctx = request_ctx<ExportState>(r);
  if (output_pending(r) || ctx == nullptr) {
    auto* clcf = static_cast<ngx_http_core_loc_conf_t*>(ngx_http_get_module_loc_conf(r, ngx_http_core_module));
    if (!wev->delayed) ngx_add_timer(wev, clcf->send_timeout);
    if (ngx_handle_write_event(wev, clcf->send_lowat) != NGX_OK) ngx_http_finalize_request(r, NGX_ERROR);
    return;
  }
  if (wev->timer_set) ngx_del_timer(wev);
  r->write_event_handler = ngx_http_request_empty_handler;
  ngx_int_t posted = offload_from_handler(r, std::make_unique<ExportJob>(ctx));
  if (posted != NGX_DONE) {
    ngx_http_finalize_request(r, NGX_ERROR);
    return;
  }
  ngx_http_finalize_request(r, NGX_DONE);  // the count taken while waiting
}

ngx_int_t ExportJob::answer(ngx_http_request_t* r) noexcept {
  try {
    ExportState& s = *state_;
    if (!error_.empty()) {
      ngx_log_error(NGX_LOG_ERR, r->connection->log, 0, "civic: export of \"%s\": %s", s.form.c_str(),
                    error_.c_str());
      if (!s.headers_sent) return send_error(r, NGX_HTTP_INTERNAL_SERVER_ERROR, error_);
      return NGX_ERROR;  // mid-body: the connection is closed, the client sees a cut export
    }
    ngx_int_t rc = send_chunk(r, s, chunk_);
    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) return rc;
    if (s.finished) return rc;
    return next_chunk_or_wait(r, s);
  } catch (const std::exception& e) {
    ngx_log_error(NGX_LOG_ERR, r->connection->log, 0, "civic: export: %s", e.what());
  }
  return NGX_ERROR;
}

ngx_int_t start_export(ngx_http_request_t* r, const forms::Form& form, bool csv) {
  static constexpr std::string_view kKnown[] = {"since", "limit", "delimiter", "bom", "labels", "lang"};
  AdminQuery q;
  Window w;
  QueryProblem bad = read_query(r, kKnown, q);
  if (!bad) bad = parse_window(q, w, UINT64_MAX / 2);
  if (bad) return send_error(r, NGX_HTTP_BAD_REQUEST, bad->first, bad->second);
  auto* state = make_request_ctx<ExportState>(r);
  if (state == nullptr) return NGX_HTTP_INTERNAL_SERVER_ERROR;
  state->form = form.name;
  state->after = w.since;
  state->remaining = w.limit;
  if (csv) {
    forms::CsvOptions options;
    std::vector<forms::CsvColumn> columns;
    if (auto e = forms::csv_export_request(form, q.params, columns, options))
      return send_error(r, NGX_HTTP_BAD_REQUEST, e->parameter + " " + e->message, e->parameter);
    // Links to the files: this URL without ".csv", then /RECEIPT/files/FIELD.
    std::string_view uri = ngx::view(r->uri);
    options.file_url_base = request_origin(r) + std::string(uri.substr(0, uri.size() - 4)) + "/";
    state->writer = forms::make_csv_export(std::move(columns), std::move(options));
    state->content_type = "text/csv; charset=utf-8";
    state->filename = form.name + ".csv";
  } else {
    state->writer = forms::make_xml_export(form.name);
    state->content_type = "application/xml; charset=utf-8";
    state->filename = form.name + ".xml";
  }
  if (r->method & NGX_HTTP_HEAD) {
    state->finished = true;
    r->header_only = 1;
    return send_chunk(r, *state, {});
  }
  return offload_from_handler(r, std::make_unique<ExportJob>(state));
}

// ---- one submission, a file, erasure --------------------------------------

// attachment; filename="ascii"; filename*=UTF-8''percent-encoded (RFC 6266):
// quotes, backslashes, control characters and non-ASCII never reach the quoted form.
std::string content_disposition(std::string_view filename) {
  std::string ascii;
  for (unsigned char c : filename) {
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '/' ) ascii += static_cast<char>(c);
    else ascii += '_';
  }
  if (ascii.empty()) ascii = "file";
  return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + url::encoded(filename, url::Keep::attr_char);
}

ngx_int_t get_one(ngx_http_request_t* r, const forms::Form& form, std::string_view receipt) {
  storage::Store* store = store_or_null();
  if (store == nullptr) return send_error(r, NGX_HTTP_SERVICE_UNAVAILABLE, "the store is not open; see the error log");
  auto txn = storage::Txn::begin_read(store->env());
  if (!txn) return send_error(r, NGX_HTTP_INTERNAL_SERVER_ERROR, txn.error().message());
  auto found = storage::find_submission(*txn, store->db(), form.name, receipt);
  if (!found) return send_error(r, NGX_HTTP_INTERNAL_SERVER_ERROR, found.error().message());
  if (!found.value()) return send_error(r, NGX_HTTP_NOT_FOUND, "no such submission", "receipt");
  return send_json(r, NGX_HTTP_OK, found.value()->json);
}

ngx_int_t get_file(ngx_http_request_t* r, const forms::Form& form, std::string_view receipt, std::string_view field) {
  const forms::Field* def = nullptr;
  for (const auto& f : form.fields)
    if (f.name == field) def = &f;
  if (def == nullptr || def->type != forms::FieldType::file)
    return send_error(r, NGX_HTTP_NOT_FOUND, "the form has no file field of that name", "field");
  std::uint32_t index = 0;
  static constexpr std::string_view kKnown[] = {"index"};
  AdminQuery q;
  if (auto bad = read_query(r, kKnown, q)) return send_error(r, NGX_HTTP_BAD_REQUEST, bad->first, bad->second);
  if (const std::string* value = q.get("index")) {
    auto v = parse_u64(*value);
    if (!v || *v > 1000) return send_error(r, NGX_HTTP_BAD_REQUEST, "index must be a whole number", "index");
    index = static_cast<std::uint32_t>(*v);
  }
  storage::Store* store = store_or_null();
  if (store == nullptr) return send_error(r, NGX_HTTP_SERVICE_UNAVAILABLE, "the store is not open; see the error log");
  auto txn = storage::Txn::begin_read(store->env());
  if (!txn) return send_error(r, NGX_HTTP_INTERNAL_SERVER_ERROR, txn.error().message());
  auto found = storage::find_submission(*txn, store->db(), form.name, receipt);
  if (!found) return send_error(r, NGX_HTTP_INTERNAL_SERVER_ERROR, found.error().message());
  if (!found.value()) return send_error(r, NGX_HTTP_NOT_FOUND, "no such submission", "receipt");
  rapidjson::Document doc;
  doc.Parse(found.value()->json.data(), found.value()->json.size());
  std::string filename = "file", content_type;
  bool listed = false;
  if (!doc.HasParseError() && doc.IsObject() && doc.HasMember("data") && doc["data"].IsObject()) {
    auto& data = doc["data"];
    std::string key(field);
    auto it = data.FindMember(key.c_str());
    if (it != data.MemberEnd() && it->value.IsArray() && index < it->value.Size()) {
      const auto& meta = it->value[index];
      if (meta.IsObject()) {
        listed = true;
        if (meta.HasMember("filename") && meta["filename"].IsString()) filename = meta["filename"].GetString();
        if (meta.HasMember("content_type") && meta["content_type"].IsString())
          content_type = meta["content_type"].GetString();
      }
    }
  }
  if (!listed) return send_error(r, NGX_HTTP_NOT_FOUND, "the submission has no such file", "field");
  auto bytes = storage::read_attachment(*txn, store->db(), form.name, found.value()->seq, field, index);
  if (!bytes) return send_error(r, NGX_HTTP_INTERNAL_SERVER_ERROR, bytes.error().message());
  if (!bytes.value()) return send_error(r, NGX_HTTP_NOT_FOUND, "the submission has no such file", "field");
  if (add_header(r, "Content-Disposition", content_disposition(filename)) != NGX_OK) return NGX_ERROR;
  if (add_header(r, "X-Content-Type-Options", "nosniff") != NGX_OK) return NGX_ERROR;
  if (add_header(r, "Content-Security-Policy", "sandbox") != NGX_OK) return NGX_ERROR;
  return send_body(r, NGX_HTTP_OK, forms::served_media_type(content_type), **bytes);
}

class EraseJob : public Job {
 public:
  EraseJob(std::string form, std::string receipt) : form_(std::move(form)), receipt_(std::move(receipt)) {}
  void run() noexcept override {
    try {
      storage::Store* store = store_or_null();
      if (store == nullptr) {
        error_ = "the store is not open; see the error log";
        return;
      }
      auto erased = storage::erase_submission(*store, form_, receipt_);
      if (!erased) {
        error_ = erased.error().message();
        full_ = erased.error().code() == MDB_MAP_FULL;
        return;
      }
      found_ = *erased;
    } catch (const std::exception& e) {
      error_ = e.what();
    }
  }
  ngx_int_t answer(ngx_http_request_t* r) noexcept override {
    if (!error_.empty()) {
      ngx_log_error(NGX_LOG_ERR, r->connection->log, 0, "civic: erase %s/%s: %s", form_.c_str(), receipt_.c_str(),
                    error_.c_str());
      return send_error(r, full_ ? NGX_HTTP_INSUFFICIENT_STORAGE : NGX_HTTP_INTERNAL_SERVER_ERROR, error_);
    }
    if (!found_) return send_error(r, NGX_HTTP_NOT_FOUND, "no such submission", "receipt");
    ngx_log_error(NGX_LOG_NOTICE, r->connection->log, 0, "civic: erased submission %s of form \"%s\"",
                  receipt_.c_str(), form_.c_str());
    r->headers_out.status = NGX_HTTP_NO_CONTENT;
    r->headers_out.content_length_n = 0;
    r->header_only = 1;
    return ngx_http_send_header(r);
  }

 private:
  std::string form_, receipt_, error_;
  bool found_ = false, full_ = false;
};

bool plausible_receipt(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (unsigned char c : s)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
      return false;
  return true;
}

}  // namespace

ngx_int_t admin_form_request(ngx_http_request_t* r, std::string_view path) {
  std::size_t slash = path.find('/');
  std::string_view name = path.substr(0, slash);
  std::string_view rest = slash == std::string_view::npos ? std::string_view{} : path.substr(slash + 1);
  bool is_get = (r->method & (NGX_HTTP_GET | NGX_HTTP_HEAD)) != 0;
  bool is_delete = (r->method & NGX_HTTP_DELETE) != 0;

  std::string_view what = rest;
  std::string_view receipt, field;
  enum class Route { list, csv, xml, one, file, none } route = Route::none;
  if (what == "submissions") route = Route::list;
  else if (what == "submissions.csv") route = Route::csv;
  else if (what == "submissions.xml") route = Route::xml;
  else if (what.starts_with("submissions/")) {
    std::string_view tail = what.substr(12);
    std::size_t s2 = tail.find('/');
    receipt = tail.substr(0, s2);
    if (s2 == std::string_view::npos) route = Route::one;
    else if (tail.substr(s2 + 1).starts_with("files/")) {
      field = tail.substr(s2 + 1 + 6);
      if (!field.empty() && field.find('/') == std::string_view::npos) route = Route::file;
    }
  }
  if (!is_delete || route != Route::one) {
    if (ngx_http_discard_request_body(r) != NGX_OK) return NGX_HTTP_INTERNAL_SERVER_ERROR;
  }
  if (route == Route::none) return send_error(r, NGX_HTTP_NOT_FOUND, "no such admin resource");
  if (store_or_null() == nullptr)
    return send_error(r, NGX_HTTP_SERVICE_UNAVAILABLE, "the store is not open; see the error log");
  // The configured form with every field earlier versions had, or a retired
  // form as the store recorded it (module/form_versions.hpp).
  AdminForm view = admin_form(r, name);
  if (!view.form) return send_error(r, NGX_HTTP_NOT_FOUND, "no such form", "form");
  const forms::Form* form = view.form.get();
  if ((route == Route::one || route == Route::file) && !plausible_receipt(receipt))
    return send_error(r, NGX_HTTP_NOT_FOUND, "no such submission", "receipt");

  if (route == Route::one && is_delete) {
    if (ngx_http_discard_request_body(r) != NGX_OK) return NGX_HTTP_INTERNAL_SERVER_ERROR;
    return offload_from_handler(r, std::make_unique<EraseJob>(form->name, std::string(receipt)));
  }
  if (!is_get) return send_method_not_allowed(r, route == Route::one ? "GET, HEAD, DELETE" : "GET, HEAD");
  switch (route) {
    case Route::list: {
      static constexpr std::string_view kKnown[] = {"since", "limit"};
      AdminQuery q;
      Window w;
      QueryProblem bad = read_query(r, kKnown, q);
      if (!bad) bad = parse_window(q, w, kMaxListLimit);
      if (bad) return send_error(r, NGX_HTTP_BAD_REQUEST, bad->first, bad->second);
      return offload_from_handler(r, std::make_unique<ListJob>(form->name, w));
    }
    case Route::csv:
      return start_export(r, *form, true);
    case Route::xml:
      return start_export(r, *form, false);
    case Route::one:
      return get_one(r, *form, receipt);
    case Route::file:
      return get_file(r, *form, receipt, field);
    default:
      return send_error(r, NGX_HTTP_NOT_FOUND, "no such admin resource");
  }
}

}  // namespace civic::module
