#include "forms/service/draft_admin.hpp"

#include <string>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "common/time_text.hpp"
#include "storage/drafts.hpp"

namespace civic::forms {

namespace {

namespace dr = storage::drafts;

Reply failure(std::string_view form, std::string_view what, const Error& error) {
  return internal_error("form \"" + std::string(form) + "\": " + std::string(what), error.message());
}

template <class Writer>
void text(Writer& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

}  // namespace

Reply draft_list(storage::Store& store, std::string_view form, std::string_view after, const Window& window) {
  auto txn = storage::Txn::begin_read(store.env());
  if (!txn) return failure(form, "list drafts", txn.error());
  std::size_t limit = static_cast<std::size_t>(window.limit.value_or(kDefaultListLimit));
  auto page = dr::list(*txn, store.db(), form, after, limit);
  if (!page) return failure(form, "list drafts", page.error());
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> w(out);
  w.StartObject();
  w.Key("data");
  w.StartArray();
  for (const dr::DraftInfo& d : *page) {
    w.StartObject();
    w.Key("id");
    text(w, dr::id_hex(d.id));
    w.Key("created_time");
    text(w, iso_utc(d.created));
    w.Key("updated_time");
    text(w, iso_utc(d.updated));
    w.Key("expires_time");
    text(w, iso_utc(d.expires));
    w.Key("language");
    text(w, d.language);
    w.Key("step");
    text(w, d.step);
    w.Key("values");
    w.Uint64(d.values);
    w.Key("files");
    w.Uint64(d.files);
    w.Key("bytes");
    w.Uint64(d.bytes);
    w.EndObject();
  }
  w.EndArray();
  // A full page may have more after it; a short one is the last.
  w.Key("next_after");
  if (page->size() == limit && !page->empty()) text(w, dr::id_hex(page->back().id));
  else w.Null();
  w.EndObject();
  return json_reply(200, std::string(out.GetString(), out.GetSize()));
}

Reply draft_erasure(storage::Store& store, std::string_view form, std::string_view id) {
  std::string hex = dr::id_hex(id);
  auto txn = storage::Txn::begin_write(store.env());
  if (!txn) return failure(form, "erase a draft", txn.error());
  auto removed = dr::remove(*txn, store.db(), form, id);
  if (removed && *removed) {
    if (auto st = txn->commit(); !st) removed = st.error();
  }
  if (!removed)
    return store_failure(removed.error().map_full(), "erase draft " + std::string(form) + "/" + hex,
                         removed.error().message());
  if (!*removed) return error_reply(404, "no such draft", "id");
  Reply done = no_content();
  done.log = "erased draft " + hex + " of form \"" + std::string(form) + "\"";
  done.log_notice = true;
  return done;
}

}  // namespace civic::forms
