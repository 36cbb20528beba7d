#include "storage/store_check.hpp"

#include <cstdio>
#include <map>
#include <optional>
#include <set>

#include <rapidjson/document.h>

#include "storage/event_store.hpp"
#include "storage/form_definitions.hpp"
#include "storage/keys.hpp"
#include "storage/record_codec.hpp"
#include "storage/retention.hpp"
#include "storage/submission_keys.hpp"
#include "storage/submission_store.hpp"

namespace civic::storage {

namespace {

using submission_keys::form_key;
using submission_keys::seq_key;

// A key as a person can read it: printable ASCII as is, the rest as \xNN.
std::string printable(std::string_view key) {
  std::string out;
  for (unsigned char c : key) {
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out.push_back(static_cast<char>(c));
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  return out;
}

class Checker {
 public:
  Checker(const Txn& txn, const Databases& db, CheckReport& report) : txn_(txn), db_(db), report_(report) {}

  Status run() {
    if (auto st = check_meta(); !st) return st;
    if (auto st = check_forms(); !st) return st;
    return check_calendars();
  }

 private:
  void problem(std::string text) {
    if (report_.problems.size() < kMaxProblems) report_.problems.push_back(std::move(text));
    else report_.more_problems++;
  }

  // Calls fn(Entry) for every entry of `db`, counting them.
  template <class Fn>
  Status each(Db db, Fn&& fn) {
    return for_each_with_prefix(txn_, db, "", [&](const Entry& e) {
      report_.entries++;
      fn(e);
      return true;
    });
  }

  Result<bool> exists(Db db, std::string_view key) {
    auto v = txn_.get(db, key);
    if (!v) return v.error();
    return v.value().has_value();
  }

  // ---- meta

  Status check_meta() {
    for (std::string_view key : {"schema_version", "store_id", "form_token_secret"}) {
      auto found = exists(db_.meta, key);
      if (!found) return found.error();
      if (!*found) problem("meta: \"" + std::string(key) + "\" is missing");
    }
    return {};
  }

  // ---- forms

  struct FormCounts {
    std::optional<std::uint64_t> last_seq, live;  // from form_counters
    std::uint64_t submissions = 0, max_seq = 0, receipts = 0, files_listed = 0, attachments = 0;
  };

  Status check_forms() {
    if (auto st = check_counters(); !st) return st;
    if (auto st = check_submissions(); !st) return st;
    if (auto st = check_receipts(); !st) return st;
    if (auto st = check_attachments(); !st) return st;
    if (auto st = check_replays(); !st) return st;
    if (auto st = check_definitions(); !st) return st;
    for (const auto& [form, c] : forms_) {
      std::string where = "form \"" + form + "\": ";
      if (!c.live) {
        if (c.submissions > 0) problem(where + "has submissions but no counter in form_counters");
        continue;
      }
      if (*c.live != c.submissions)
        problem(where + "form_counters says " + std::to_string(*c.live) + " live submissions, the store holds " +
                std::to_string(c.submissions));
      if (c.max_seq > *c.last_seq)
        problem(where + "submission " + std::to_string(c.max_seq) + " is above the counter's last number " +
                std::to_string(*c.last_seq));
      if (c.receipts != c.submissions)
        problem(where + std::to_string(c.receipts) + " receipt index entries for " + std::to_string(c.submissions) +
                " submissions");
      if (c.attachments != c.files_listed)
        problem(where + std::to_string(c.attachments) + " stored files for " + std::to_string(c.files_listed) +
                " files listed by the submissions");
    }
    return {};
  }

  Status check_counters() {
    return each(db_.form_counters, [&](const Entry& e) {
      std::string_view key = e.key;
      auto form = keys::take_name(key);
      std::string_view v = e.value;
      auto last = keys::take_u64(v);
      auto live = keys::take_u64(v);
      if (!form || !key.empty() || !last || !live || !v.empty()) {
        problem("form_counters: malformed entry " + printable(e.key));
        return;
      }
      FormCounts& c = forms_[std::string(*form)];
      c.last_seq = *last;
      c.live = *live;
    });
  }

  Status check_submissions() {
    std::optional<Error> failure;
    auto st = each(db_.submissions, [&](const Entry& e) {
      if (failure) return;
      report_.submissions++;
      auto key = submission_keys::parse_seq_key(e.key);
      if (!key || !key->rest.empty()) {
        problem("submissions: malformed key " + printable(e.key));
        return;
      }
      std::string form(key->form);
      std::string where = "submissions: " + form + " #" + std::to_string(key->seq) + ": ";
      FormCounts& c = forms_[form];
      c.submissions++;
      c.max_seq = std::max(c.max_seq, key->seq);
      std::string_view value = e.value;
      if (!keys::take_i64(value)) {
        problem(where + "malformed record");
        return;
      }
      rapidjson::Document doc;
      doc.Parse(value.data(), value.size());
      if (doc.HasParseError() || !doc.IsObject()) {
        problem(where + "the stored JSON does not parse");
        return;
      }
      auto str = [&](const char* name) -> std::optional<std::string_view> {
        auto it = doc.FindMember(name);
        if (it == doc.MemberEnd() || !it->value.IsString()) return std::nullopt;
        return std::string_view(it->value.GetString(), it->value.GetStringLength());
      };
      auto receipt = str("receipt");
      auto seq = doc.FindMember("seq");
      auto data = doc.FindMember("data");
      if (!receipt || str("form") != std::optional<std::string_view>(form) || !str("created_time") ||
          !str("language") || seq == doc.MemberEnd() || !seq->value.IsUint64() || data == doc.MemberEnd() ||
          !data->value.IsObject()) {
        problem(where + "the stored JSON lacks receipt, form, seq, created_time, language or data, or names another form");
        return;
      }
      if (seq->value.GetUint64() != key->seq) problem(where + "the stored JSON names seq " + std::to_string(seq->value.GetUint64()));
      // The receipt index must lead back here.
      auto indexed = txn_.get(db_.receipts, form_key(form) + std::string(*receipt));
      if (!indexed) {
        failure = indexed.error();
        return;
      }
      std::string_view iv = indexed.value().value_or(std::string_view());
      auto indexed_seq = keys::take_u64(iv);
      if (!indexed.value()) problem(where + "receipt " + std::string(*receipt) + " is not in the receipts index");
      else if (!indexed_seq || *indexed_seq != key->seq)
        problem(where + "the receipts index entry of " + std::string(*receipt) + " points elsewhere");
      // Every file it lists is stored, with the size it says.
      for (auto& m : data->value.GetObject()) {
        if (!m.value.IsArray()) continue;
        std::uint32_t index = 0;
        for (auto& item : m.value.GetArray()) {
          if (!item.IsObject() || !item.HasMember("filename")) break;
          c.files_listed++;
          std::string field(m.name.GetString(), m.name.GetStringLength());
          auto file = txn_.get(db_.attachments, submission_keys::attachment_key(form, key->seq, field, index));
          if (!file) {
            failure = file.error();
            return;
          }
          auto size = item.FindMember("size");
          if (!file.value())
            problem(where + "file " + field + "[" + std::to_string(index) + "] is listed but not stored");
          else if (size == item.MemberEnd() || !size->value.IsUint64() || size->value.GetUint64() != file.value()->size())
            problem(where + "file " + field + "[" + std::to_string(index) + "] has another size than listed");
          ++index;
        }
      }
    });
    if (!st) return st;
    if (failure) return *failure;
    return {};
  }

  Status check_receipts() {
    std::optional<Error> failure;
    auto st = each(db_.receipts, [&](const Entry& e) {
      if (failure) return;
      std::string_view key = e.key;
      auto form = keys::take_name(key);
      std::string_view v = e.value;
      auto seq = keys::take_u64(v);
      if (!form || key.empty() || !seq || !v.empty()) {
        problem("receipts: malformed entry " + printable(e.key));
        return;
      }
      forms_[std::string(*form)].receipts++;
      auto found = exists(db_.submissions, seq_key(*form, *seq));
      if (!found) failure = found.error();
      else if (!*found)
        problem("receipts: " + std::string(*form) + " " + printable(key) + " points to submission #" +
                std::to_string(*seq) + ", which does not exist");
    });
    if (!st) return st;
    if (failure) return *failure;
    return {};
  }

  Status check_attachments() {
    std::optional<Error> failure;
    std::string last_checked;
    bool last_exists = false;
    auto st = each(db_.attachments, [&](const Entry& e) {
      if (failure) return;
      auto key = submission_keys::parse_seq_key(e.key);
      std::string_view rest = key ? key->rest : std::string_view();
      auto field = keys::take_name(rest);
      auto index = keys::take_u32(rest);
      if (!key || !field || !index || !rest.empty()) {
        problem("attachments: malformed key " + printable(e.key));
        return;
      }
      forms_[std::string(key->form)].attachments++;
      std::string owner = seq_key(key->form, key->seq);
      if (owner != last_checked) {
        auto found = exists(db_.submissions, owner);
        if (!found) {
          failure = found.error();
          return;
        }
        last_checked = owner;
        last_exists = *found;
      }
      if (!last_exists)
        problem("attachments: " + std::string(key->form) + " #" + std::to_string(key->seq) + " " +
                std::string(*field) + "[" + std::to_string(*index) + "] belongs to no submission");
    });
    if (!st) return st;
    if (failure) return *failure;
    return {};
  }

  // The seq a receipt of `form` leads to, if any.
  Result<std::optional<std::uint64_t>> seq_of(std::string_view form, std::string_view receipt) {
    auto v = txn_.get(db_.receipts, form_key(form) + std::string(receipt));
    if (!v) return v.error();
    if (!v.value()) return std::optional<std::uint64_t>{};
    std::string_view s = **v;
    auto seq = keys::take_u64(s);
    if (!seq) return std::optional<std::uint64_t>{};
    return std::optional<std::uint64_t>{*seq};
  }

  Status check_replays() {
    std::optional<Error> failure;
    std::uint64_t replays = 0, expiries = 0, owners = 0;
    auto st = each(db_.replays, [&](const Entry& e) {
      if (failure) return;
      replays++;
      std::string_view key = e.key;
      auto form = keys::take_name(key);
      std::string_view v = e.value;
      auto expires = keys::take_i64(v);
      if (!form || key.empty() || !expires || v.empty()) {
        problem("replays: malformed entry " + printable(e.key));
        return;
      }
      std::string where = "replays: " + std::string(*form) + " " + printable(key) + ": ";
      std::string expiry;
      keys::append_i64(expiry, *expires);
      expiry += e.key;
      auto has_expiry = exists(db_.replay_expiry, expiry);
      auto seq = seq_of(*form, v);
      if (!has_expiry || !seq) {
        failure = !has_expiry ? has_expiry.error() : seq.error();
        return;
      }
      if (!*has_expiry) problem(where + "has no replay_expiry entry");
      if (!seq.value()) {
        problem(where + "answers with receipt " + std::string(v) + ", which is not stored");
        return;
      }
      std::string owner = seq_key(*form, **seq);
      owner += key;
      auto has_owner = exists(db_.replay_owners, owner);
      if (!has_owner) {
        failure = has_owner.error();
        return;
      }
      if (!*has_owner) problem(where + "is not listed in replay_owners");
    });
    if (!st) return st;
    if (failure) return *failure;
    st = each(db_.replay_expiry, [&](const Entry& e) {
      if (failure) return;
      expiries++;
      std::string_view key = e.key;
      auto expires = keys::take_i64(key);
      if (!expires || key.empty()) {
        problem("replay_expiry: malformed key " + printable(e.key));
        return;
      }
      auto record = txn_.get(db_.replays, key);
      if (!record) {
        failure = record.error();
        return;
      }
      std::string_view v = record.value().value_or(std::string_view());
      auto recorded = keys::take_i64(v);
      if (!record.value() || !recorded || *recorded != *expires)
        problem("replay_expiry: " + printable(e.key) + " has no replay record of that expiry");
    });
    if (!st) return st;
    if (failure) return *failure;
    st = each(db_.replay_owners, [&](const Entry& e) {
      if (failure) return;
      owners++;
      auto key = submission_keys::parse_seq_key(e.key);
      if (!key || key->rest.empty()) {
        problem("replay_owners: malformed key " + printable(e.key));
        return;
      }
      std::string replay_key = form_key(key->form);
      replay_key += key->rest;
      auto record = txn_.get(db_.replays, replay_key);
      if (!record) {
        failure = record.error();
        return;
      }
      std::string where = "replay_owners: " + std::string(key->form) + " #" + std::to_string(key->seq) + " " +
                          printable(key->rest) + ": ";
      if (!record.value()) {
        problem(where + "lists a replay record that does not exist");
        return;
      }
      std::string_view v = **record;
      keys::take_i64(v);
      auto seq = seq_of(key->form, v);
      if (!seq) {
        failure = seq.error();
        return;
      }
      if (seq.value() != std::optional<std::uint64_t>(key->seq)) problem(where + "the replay record answers for another submission");
    });
    if (!st) return st;
    if (failure) return *failure;
    if (expiries != replays)
      problem("replay_expiry has " + std::to_string(expiries) + " entries for " + std::to_string(replays) + " replay records");
    if (owners != replays)
      problem("replay_owners has " + std::to_string(owners) + " entries for " + std::to_string(replays) + " replay records");
    return {};
  }

  Status check_definitions() {
    auto st = each(db_.form_defs, [&](const Entry& e) {
      std::string_view key = e.key;
      auto name = keys::take_name(key);
      if (!name || !key.empty()) {
        problem("form_defs: malformed key " + printable(e.key));
        return;
      }
      auto def = read_form_definition(txn_, db_, *name);
      if (!def) problem("form_defs: " + std::string(*name) + ": " + def.error().message());
    });
    if (!st) return st;
    st = each(db_.form_purges, [&](const Entry& e) {
      std::string_view key = e.key;
      auto name = keys::take_name(key);
      if (!name || !key.empty()) {
        problem("form_purges: malformed key " + printable(e.key));
        return;
      }
      auto record = read_purge_record(txn_, db_, *name);
      if (!record) problem("form_purges: " + std::string(*name) + ": " + record.error().message());
    });
    if (!st) return st;
    return each(db_.form_days, [&](const Entry& e) {
      std::string_view key = e.key;
      auto name = keys::take_name(key);
      if (!name || !key.empty()) {
        problem("form_days: malformed key " + printable(e.key));
        return;
      }
      auto count = submissions_on_day(txn_, db_, *name, 0);
      if (!count) problem("form_days: " + std::string(*name) + ": " + count.error().message());
    });
  }

  // ---- calendars

  struct CalendarCounts {
    std::uint64_t live = 0, deleted = 0, series = 0;
    std::uint64_t occurrences = 0, long_entries = 0, with_occurrences = 0;  // what the events need
    std::uint64_t time_entries = 0, long_seen = 0, modified = 0, tombstones = 0, series_seen = 0,
                  occurrence_records = 0;  // what the indexes hold
  };

  static std::string event_key(std::string_view cal, std::string_view id) {
    std::string k;
    keys::append_name(k, cal);
    keys::append_name(k, id);
    return k;
  }

  static std::string time_key(std::string_view cal, std::int64_t t, std::string_view id) {
    std::string k;
    keys::append_name(k, cal);
    keys::append_i64(k, t);
    keys::append_name(k, id);
    return k;
  }

  // An index entry's key: cal\0 t id\0 [tail].
  struct TimeKey {
    std::string_view cal, id;
    std::int64_t t = 0;
    std::string_view tail;
  };
  static std::optional<TimeKey> parse_time_key(std::string_view key) {
    TimeKey k;
    auto cal = keys::take_name(key);
    auto t = keys::take_i64(key);
    auto id = keys::take_name(key);
    if (!cal || !t || !id) return std::nullopt;
    k.cal = *cal;
    k.t = *t;
    k.id = *id;
    k.tail = key;
    return k;
  }

  static std::int64_t week_of(std::int64_t t) { return t >= 0 ? t / kWeek : -((-t + kWeek - 1) / kWeek); }

  // The event an index entry names; nullopt (and a problem) if it is missing.
  Result<std::optional<EventView>> event_for(std::string_view db_name, std::string_view cal, std::string_view id,
                                             std::string_view entry) {
    auto ev = events::get(txn_, db_, cal, id);
    if (!ev) {
      problem(std::string(db_name) + ": " + printable(entry) + ": " + ev.error().message());
      return std::optional<EventView>{};
    }
    if (!ev.value()) problem(std::string(db_name) + ": " + printable(entry) + " names no event");
    return ev;
  }

  Status check_calendars() {
    std::optional<Error> failure;
    auto fail = [&](const Error& e) { failure = e; };

    // The records, and the entries each needs.
    auto st = each(db_.events, [&](const Entry& e) {
      if (failure) return;
      std::string_view key = e.key;
      auto cal = keys::take_name(key);
      auto id = keys::take_name(key);
      if (!cal || !id || !key.empty()) {
        problem("events: malformed key " + printable(e.key));
        return;
      }
      report_.events++;
      CalendarCounts& c = calendars_[std::string(*cal)];
      std::string where = "events: " + std::string(*cal) + " " + printable(*id) + ": ";
      EventView v;
      if (!events::decode(*id, e.value, v)) {
        problem(where + "the record does not decode");
        return;
      }
      auto modified = exists(db_.event_modified, time_key(*cal, v.modified_us, *id));
      if (!modified) return fail(modified.error());
      if (!*modified) problem(where + "has no event_modified entry");
      if (v.deleted()) {
        c.deleted++;
        auto tomb = exists(db_.event_tombstones, time_key(*cal, v.modified_us, *id));
        if (!tomb) return fail(tomb.error());
        if (!*tomb) problem(where + "is deleted but has no event_tombstones entry");
        return;
      }
      c.live++;
      if (v.flags & kTruncated) {
        c.series++;
        auto s = exists(db_.event_series, event_key(*cal, *id));
        if (!s) return fail(s.error());
        if (!*s) problem(where + "is a series materialized in part but has no event_series entry");
      }
      auto occ = txn_.get(db_.event_occurrences, event_key(*cal, *id));
      if (!occ) return fail(occ.error());
      if (!occ.value()) return;
      c.with_occurrences++;
      // event_occurrences: u32 count, then (start i64, end i64) each
      // (storage/event_store.cpp encode_occurrences).
      RecordReader r(**occ);
      std::uint32_t n = r.u32();
      if (!r.ok() || r.rest().size() != std::size_t{n} * 16) {
        problem(where + "its event_occurrences record is malformed");
        return;
      }
      for (std::uint32_t i = 0; i < n; ++i) {
        std::int64_t start = r.i64(), end = r.i64();
        c.occurrences++;
        auto t = txn_.get(db_.event_time, time_key(*cal, start, *id));
        if (!t) return fail(t.error());
        std::string_view tv = t.value().value_or(std::string_view());
        auto indexed_end = keys::take_i64(tv);
        if (!t.value() || !indexed_end || *indexed_end != end)
          problem(where + "occurrence at " + std::to_string(start) + " is missing from event_time");
        if (end - start <= kShortSpan) continue;
        for (std::int64_t w = week_of(start), last = week_of(end - 1); w <= last; ++w) {
          c.long_entries++;
          std::string lk;
          keys::append_name(lk, *cal);
          keys::append_i64(lk, w);
          keys::append_name(lk, *id);
          keys::append_i64(lk, start);
          auto l = exists(db_.event_long, lk);
          if (!l) return fail(l.error());
          if (!*l) problem(where + "long occurrence at " + std::to_string(start) + " is missing from event_long");
        }
      }
    });
    if (!st) return st;
    if (failure) return *failure;

    // The indexes: every entry names an event that needs it.
    auto time_index = [&](Db db, const char* name, auto&& check) -> Status {
      auto s = each(db, [&](const Entry& e) {
        if (failure) return;
        auto k = parse_time_key(e.key);
        if (!k) {
          problem(std::string(name) + ": malformed key " + printable(e.key));
          return;
        }
        auto ev = event_for(name, k->cal, k->id, e.key);
        if (!ev) return fail(ev.error());
        if (ev.value()) check(*k, **ev, calendars_[std::string(k->cal)], e);
      });
      if (!s) return s;
      if (failure) return *failure;
      return {};
    };
    if (auto s = time_index(db_.event_time, "event_time", [&](const TimeKey& k, const EventView& v, CalendarCounts& c, const Entry& e) {
          c.time_entries++;
          if (v.deleted()) problem("event_time: " + printable(e.key) + " names a deleted event");
          if (!k.tail.empty()) problem("event_time: malformed key " + printable(e.key));
        });
        !s)
      return s;
    if (auto s = time_index(db_.event_modified, "event_modified", [&](const TimeKey& k, const EventView& v, CalendarCounts& c, const Entry& e) {
          c.modified++;
          if (v.modified_us != k.t) problem("event_modified: " + printable(e.key) + " is not the event's modification time");
        });
        !s)
      return s;
    if (auto s = time_index(db_.event_tombstones, "event_tombstones", [&](const TimeKey& k, const EventView& v, CalendarCounts& c, const Entry& e) {
          c.tombstones++;
          if (!v.deleted() || v.modified_us != k.t) problem("event_tombstones: " + printable(e.key) + " does not match a deleted event");
        });
        !s)
      return s;
    // event_long: cal week id start.
    st = each(db_.event_long, [&](const Entry& e) {
      if (failure) return;
      auto k = parse_time_key(e.key);
      std::string_view tail = k ? k->tail : std::string_view();
      if (!k || !keys::take_i64(tail) || !tail.empty()) {
        problem("event_long: malformed key " + printable(e.key));
        return;
      }
      auto ev = event_for("event_long", k->cal, k->id, e.key);
      if (!ev) return fail(ev.error());
      calendars_[std::string(k->cal)].long_seen++;
    });
    if (!st) return st;
    if (failure) return *failure;
    // event_series and event_occurrences: cal id.
    for (auto [db, name] : {std::pair{db_.event_series, "event_series"}, std::pair{db_.event_occurrences, "event_occurrences"}}) {
      st = each(db, [&, db = db, name = name](const Entry& e) {
        if (failure) return;
        std::string_view key = e.key;
        auto cal = keys::take_name(key);
        auto id = keys::take_name(key);
        if (!cal || !id || !key.empty()) {
          problem(std::string(name) + ": malformed key " + printable(e.key));
          return;
        }
        auto ev = event_for(name, *cal, *id, e.key);
        if (!ev) return fail(ev.error());
        CalendarCounts& c = calendars_[std::string(*cal)];
        if (db.dbi == db_.event_series.dbi) c.series_seen++;
        else c.occurrence_records++;
        if (ev.value() && ev.value()->deleted()) problem(std::string(name) + ": " + printable(e.key) + " names a deleted event");
      });
      if (!st) return st;
      if (failure) return *failure;
    }
    st = each(db_.calendar_defs, [&](const Entry& e) {
      if (e.value.size() < 8) problem("calendar_defs: " + printable(e.key) + ": malformed value");
    });
    if (!st) return st;

    // Counts: nothing left over, the state records right.
    for (const auto& [cal, c] : calendars_) {
      std::string where = "calendar \"" + cal + "\": ";
      auto count = [&](std::uint64_t have, std::uint64_t need, const char* what) {
        if (have != need)
          problem(where + std::to_string(have) + " " + what + " entries where the events need " + std::to_string(need));
      };
      count(c.time_entries, c.occurrences, "event_time");
      count(c.long_seen, c.long_entries, "event_long");
      count(c.modified, c.live + c.deleted, "event_modified");
      count(c.tombstones, c.deleted, "event_tombstones");
      count(c.series_seen, c.series, "event_series");
      count(c.occurrence_records, c.with_occurrences, "event_occurrences");
      auto state = events::read_state(txn_, db_, cal);
      if (!state) {
        problem(where + state.error().message());
        continue;
      }
      if (!state.value()) {
        if (c.live + c.deleted > 0) problem(where + "has events but no calendar_state record");
        continue;
      }
      const CalendarState& s = **state;
      if (s.live != c.live || s.deleted != c.deleted || s.series != c.series)
        problem(where + "calendar_state counts " + std::to_string(s.live) + " live, " + std::to_string(s.deleted) +
                " deleted, " + std::to_string(s.series) + " partial series; the store holds " +
                std::to_string(c.live) + ", " + std::to_string(c.deleted) + ", " + std::to_string(c.series));
      if (s.listed != c.with_occurrences)
        problem(where + "calendar_state counts " + std::to_string(s.listed) + " events with occurrences; the store holds " +
                std::to_string(c.with_occurrences));
    }
    return {};
  }

  const Txn& txn_;
  const Databases& db_;
  CheckReport& report_;
  std::map<std::string, FormCounts> forms_;
  std::map<std::string, CalendarCounts> calendars_;
};

}  // namespace

Result<CheckReport> check_store(Store& store) {
  CheckReport report;
  auto txn = Txn::begin_read(store.env());
  if (!txn) return txn.error();
  Checker checker(*txn, store.db(), report);
  if (auto st = checker.run(); !st) return st.error();
  return report;
}

}  // namespace civic::storage
