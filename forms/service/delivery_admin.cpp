#include "forms/service/delivery_admin.hpp"

#include <algorithm>
#include <cstdio>
#include <optional>
#include <string>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "common/time_text.hpp"
#include "forms/service/delivery_round.hpp"
#include "storage/outbox.hpp"
#include "storage/submission_store.hpp"

namespace civic::forms {

namespace {

namespace ob = storage::outbox;

Reply failure(std::string_view form, std::string_view what, const Error& error) {
  return internal_error("form \"" + std::string(form) + "\": " + std::string(what), error.message());
}

// The receipt a stored submission carries ("" if it is gone).
std::string receipt_of(const storage::Txn& txn, const storage::Databases& db, std::string_view form, std::uint64_t seq) {
  auto found = storage::list_submissions(txn, db, form, seq - 1, 1);
  if (!found || found->empty() || found->front().seq != seq) return {};
  rapidjson::Document doc;
  doc.Parse(found->front().json.data(), found->front().json.size());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("receipt") || !doc["receipt"].IsString()) return {};
  return doc["receipt"].GetString();
}

template <class Writer>
void text(Writer& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

template <class Writer>
void time_or_null(Writer& w, std::int64_t ms) {
  if (ms > 0) text(w, iso_utc(ms / 1000));
  else w.Null();
}

// "PAL-2026-K7QD-000042.c7c8d904" -> receipt and target.
std::optional<std::pair<std::string_view, std::uint32_t>> parse_id(std::string_view id) {
  std::size_t dot = id.rfind('.');
  if (dot == std::string_view::npos || id.size() - dot - 1 != 8) return std::nullopt;
  std::uint32_t target = 0;
  for (char c : id.substr(dot + 1)) {
    int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (v < 0) return std::nullopt;
    target = target * 16 + static_cast<std::uint32_t>(v);
  }
  return std::make_pair(id.substr(0, dot), target);
}

}  // namespace

Reply delivery_list(storage::Store& store, std::string_view form, std::string_view state, const Window& window) {
  auto txn = storage::Txn::begin_read(store.env());
  if (!txn) return failure(form, "list deliveries", txn.error());
  std::optional<ob::State> only;
  if (state == "pending") only = ob::State::pending;
  if (state == "failed") only = ob::State::failed;
  auto page = ob::list(*txn, store.db(), form, only, window.since,
                       static_cast<std::size_t>(window.limit.value_or(kDefaultListLimit)));
  if (!page) return failure(form, "list deliveries", page.error());
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> w(out);
  std::uint64_t next = window.since;
  w.StartObject();
  w.Key("data");
  w.StartArray();
  for (const auto& e : *page) {
    std::string receipt = receipt_of(*txn, store.db(), form, e.key.seq);
    w.StartObject();
    w.Key("id");
    text(w, delivery_id(receipt, e.key.target));
    w.Key("receipt");
    text(w, receipt);
    w.Key("seq");
    w.Uint64(e.key.seq);
    char target[16];
    std::snprintf(target, sizeof target, "%08x", e.key.target);
    w.Key("target");
    w.String(target);
    w.Key("state");
    w.String(e.entry.state == ob::State::pending ? "pending" : "failed");
    w.Key("attempts");
    w.Uint(e.entry.attempts);
    w.Key("created_time");
    time_or_null(w, e.entry.created_ms);
    w.Key("next_try_time");
    time_or_null(w, e.entry.state == ob::State::pending ? e.entry.due_ms : 0);
    w.Key("last_attempt_time");
    time_or_null(w, e.entry.last_attempt_ms);
    w.Key("last_error");
    if (e.entry.last_error.empty()) w.Null();
    else text(w, e.entry.last_error);
    w.EndObject();
    next = e.key.seq;
  }
  w.EndArray();
  w.Key("next_since");
  w.Uint64(next);
  w.EndObject();
  return json_reply(200, std::string(out.GetString(), out.GetSize()));
}

Reply delivery_retry(storage::Store& store, std::string_view form, std::string_view id, std::int64_t now_ms) {
  auto parsed = parse_id(id);
  if (!parsed) return error_reply(404, "no such delivery", "id");
  auto txn = storage::Txn::begin_write(store.env());
  if (!txn) return failure(form, "retry a delivery", txn.error());
  auto found = storage::find_submission(*txn, store.db(), form, parsed->first);
  if (!found) return failure(form, "retry a delivery", found.error());
  if (!found.value()) return error_reply(404, "no such delivery", "id");
  auto done = ob::retry(*txn, store.db(), {std::string(form), found.value()->seq, parsed->second}, now_ms);
  if (!done) return failure(form, "retry a delivery", done.error());
  if (!*done) {
    auto listed = ob::list(*txn, store.db(), form, std::nullopt, found.value()->seq - 1, 64);
    bool exists = listed && std::any_of(listed->begin(), listed->end(), [&](const ob::Listed& l) {
      return l.key.seq == found.value()->seq && l.key.target == parsed->second;
    });
    if (!exists) return error_reply(404, "no such delivery", "id");
    return error_reply(409, "the delivery is not failed: it is pending, and is tried on its own", "id");
  }
  if (auto st = txn->commit(); !st) return failure(form, "retry a delivery", st.error());
  Reply r = json_reply(200, "{\"id\":\"" + std::string(id) + "\",\"state\":\"pending\"}");
  r.log = "form \"" + std::string(form) + "\": delivery " + std::string(id) + " put back to be tried again";
  r.log_notice = true;
  return r;
}

}  // namespace civic::forms
