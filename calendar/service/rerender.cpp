#include "calendar/service/rerender.hpp"

#include <string>
#include <vector>

#include "calendar/formats/vevent.hpp"
#include "calendar/stored/event_record.hpp"
#include "common/hash.hpp"
#include "storage/event_store.hpp"
#include "storage/keys.hpp"
#include "storage/source_state.hpp"
#include "storage/text_dictionary.hpp"

namespace civic::calendar {

namespace {

namespace ev = storage::events;

std::string progress_key(std::string_view cal) {
  std::string key = "rerender";
  key.push_back('\0');
  key.append(cal);
  return key;
}

struct Progress {
  std::uint64_t signature = 0;
  bool done = false;
  std::string after;  // the last id checked
};

// The calendar's style: the signatures its renditions are written with.
struct Style {
  std::vector<std::string> languages;
  std::vector<std::uint64_t> vevent;
  std::vector<std::uint64_t> name_key;
  std::uint64_t json = 0;
  std::uint64_t signature = 0;  // of all of them
};

Style style_of(const CalendarConfig& cal) {
  Style s;
  s.json = rendition_signature(storage::RenditionKind::json, VeventStyle{});
  s.signature = fnv1a64("rerender-1," + std::to_string(s.json));
  for (const auto& lang : cal.languages) {
    VeventStyle style = vevent_style(cal, lang);
    s.languages.push_back(lang);
    s.vevent.push_back(rendition_signature(storage::RenditionKind::vevent, style));
    s.name_key.push_back(rendition_signature(storage::RenditionKind::name_key, style));
    s.signature = fnv1a64(lang + "," + std::to_string(s.vevent.back()) + "," + std::to_string(s.name_key.back()),
                          s.signature);
  }
  return s;
}

bool is_stale(const storage::EventView& v, const Style& s, storage::TextArena& arena) {
  if (!v.deleted() && !v.find_rendition(storage::RenditionKind::json, "", s.json, arena)) return true;
  for (std::size_t i = 0; i < s.languages.size(); ++i) {
    if (!v.find_rendition(storage::RenditionKind::name_key, s.languages[i], s.name_key[i])) return true;
    if (!v.find_rendition(storage::RenditionKind::vevent, s.languages[i], s.vevent[i], arena)) return true;
  }
  return false;
}

Result<Progress> read_progress(const storage::Txn& txn, const storage::Databases& db, std::string_view cal) {
  auto value = txn.get(db.meta, progress_key(cal));
  if (!value) return value.error();
  Progress p;
  if (!value.value()) return p;
  std::string_view in = **value;
  auto signature = storage::keys::take_u64(in);
  if (!signature || in.empty())
    return Error(Error::kCorrupt, "read the re-rendering of calendar " + std::string(cal), "malformed value");
  p.signature = *signature;
  p.done = in.front() != 0;
  p.after = in.substr(1);
  return p;
}

}  // namespace

Result<bool> rerender_pending(storage::Store& store, const CalendarConfig& cal) {
  auto txn = storage::Txn::begin_read(store.env());
  if (!txn) return txn.error();
  auto progress = read_progress(*txn, store.db(), cal.name);
  if (!progress) return progress.error();
  return !(progress->done && progress->signature == style_of(cal).signature);
}

Result<RerenderStep> rerender_step(storage::Store& store, const CalendarConfig& cal, std::int64_t now_us,
                                   std::size_t max_checked) {
  const Style style = style_of(cal);
  RerenderStep step;
  const auto& db = store.db();
  Progress progress;
  // Rendered before the write lock is taken (submissions commit meanwhile):
  // an event written again in between is left as that write made it.
  struct Rendered {
    std::string id;
    std::int64_t modified_us;
    storage::EventRecord record;
  };
  std::vector<Rendered> stale;
  bool reached_end = true;
  {
    auto txn = storage::Txn::begin_read(store.env());
    if (!txn) return txn.error();
    auto read = read_progress(*txn, db, cal.name);
    if (!read) return read.error();
    progress = std::move(*read);
    if (progress.signature == style.signature && progress.done) {
      step.done = true;
      return step;
    }
    if (progress.signature != style.signature) progress = Progress{style.signature, false, {}};
    // The ids after the last one checked, in key order.
    const std::string prefix = storage::keys::name_prefix(cal.name);
    std::string from = prefix;
    if (!progress.after.empty()) storage::keys::append_name(from, progress.after);
    std::vector<std::string> ids;
    {
      auto cursor = storage::Cursor::open(*txn, db.events);
      if (!cursor) return cursor.error();
      for (auto pos = cursor->seek(from);; pos = cursor->next()) {
        if (!pos) return pos.error();
        if (!pos.value() || !pos.value()->key.starts_with(prefix)) break;
        if (pos.value()->key == from && !progress.after.empty()) continue;
        if (ids.size() >= max_checked) {
          reached_end = false;
          break;
        }
        std::string_view rest = pos.value()->key.substr(prefix.size());
        auto id = storage::keys::take_name(rest);
        if (!id) return Error(Error::kCorrupt, "read the events of calendar " + cal.name, "an event's key is malformed");
        ids.emplace_back(*id);
      }
    }
    storage::TextArena arena;
    for (const auto& id : ids) {
      auto v = ev::get(*txn, db, cal.name, id);
      if (!v) return v.error();
      if (!v.value() || v.value()->deleted()) continue;
      ++step.checked;
      if (!is_stale(**v, style, arena)) continue;
      Event e;
      if (!event_from_view(**v, e))
        return Error(Error::kCorrupt, "read event " + id, "the stored event is damaged");
      stale.push_back(Rendered{id, v.value()->modified_us, make_record(e, cal, now_us)});
    }
    if (!ids.empty()) progress.after = ids.back();
  }
  auto txn = storage::Txn::begin_write(store.env());
  if (!txn) return txn.error();
  ev::TextIndexChanges texts;
  for (const auto& r : stale) {
    auto v = ev::get(*txn, db, cal.name, r.id);
    if (!v) return v.error();
    if (!v.value() || v.value()->deleted() || v.value()->modified_us != r.modified_us) continue;  // written meanwhile
    if (auto st = ev::put(*txn, db, cal.name, r.record, nullptr, &texts); !st) return st.error();
    ++step.rewritten;
  }
  if (auto st = texts.apply(*txn, db); !st) return st.error();
  progress.done = reached_end;
  std::string value;
  storage::keys::append_u64(value, progress.signature);
  value.push_back(progress.done ? 1 : 0);
  value.append(progress.after);
  if (auto st = txn->put(db.meta, progress_key(cal.name), value); !st) return st.error();
  if (auto st = txn->commit(); !st) return st.error();
  step.done = progress.done;
  return step;
}

RerenderRound rerender_round(storage::Store& store, std::span<const CalendarConfig* const> calendars,
                             std::int64_t now_us, std::size_t max_checked) {
  RerenderRound round;
  for (const auto* cal : calendars) {
    auto p = rerender_pending(store, *cal);
    if (!p) {
      round.error = "calendar \"" + cal->name + "\": " + p.error().message();
      return round;
    }
    round.pending = round.pending || *p;
  }
  if (!round.pending) return round;
  auto turn = storage::claim_turn(store, "rerender_turn", now_us / 1000000, 1);
  if (!turn) {
    round.error = turn.error().message();
    return round;
  }
  round.took_turn = *turn;
  if (!round.took_turn) return round;  // another worker's turn, or this one's again within the second
  for (const auto* cal : calendars) {
    auto step = rerender_step(store, *cal, now_us, max_checked);
    if (!step) {
      round.error = "calendar \"" + cal->name + "\": " + step.error().message();
      return round;
    }
    if (step->rewritten > 0) round.rewritten.emplace_back(cal->name, step->rewritten);
    if (step->done) round.done.push_back(cal->name);
  }
  return round;
}

}  // namespace civic::calendar
