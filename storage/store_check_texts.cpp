// `civicctl verify`, the indexes of the events' texts: every live event has
// a number (and the numbers go both ways), the word index holds exactly the
// words of every live event's search text at its first start, and the name
// index exactly its name keys, with counts that hold. What each event needs
// is summed as it is read (a count and a hash of its entries), and what the
// indexes hold is summed as they are walked: the sums must meet.
#include <map>
#include <optional>
#include <tuple>
#include <unordered_map>

#include "common/hash.hpp"
#include "storage/event_keys.hpp"
#include "storage/event_names.hpp"
#include "storage/event_numbers.hpp"
#include "storage/event_store.hpp"
#include "storage/event_words.hpp"
#include "storage/search_words.hpp"
#include "storage/store_check_walk.hpp"

namespace civic::storage::check {

namespace {

struct Sum {
  std::uint64_t count = 0;
  std::uint64_t hash = 0;  // the sum of the entries' hashes
  void add(std::uint64_t h) {
    ++count;
    hash += h;
  }
  bool operator==(const Sum&) const = default;
};

struct EventNeeds {
  std::int64_t first_start = 0;
  Sum words;  // needed
  Sum seen;   // found in event_words
};

std::uint64_t name_hash(std::string_view lang, std::uint32_t signature, std::string_view key, std::uint32_t number) {
  std::uint64_t h = fnv1a64(lang);
  h = fnv1a64_u64(signature, h);
  h = fnv1a64(key, h);
  return fnv1a64_u64(number, fnv1a64_u64(key.size(), h));
}

class TextsCheck {
 public:
  explicit TextsCheck(Walk& walk) : w_(walk) {}

  Status run() {
    for (auto part : {&TextsCheck::events, &TextsCheck::numbers, &TextsCheck::ids, &TextsCheck::words,
                      &TextsCheck::names})
      if (auto st = (this->*part)(); !st) return st;
    compare();
    return {};
  }

 private:
  // ---- what the live events need

  Status events() {
    return for_each_with_prefix(w_.txn, w_.db.events, "", [&](const Entry& e) {
      std::string_view key = e.key;
      auto cal = keys::take_name(key);
      auto id = keys::take_name(key);
      EventView v;
      // A record that does not decode is reported by the records' check.
      if (!cal || !id || !events::decode(*id, e.value, v) || v.deleted()) return true;
      std::string where = "events: " + std::string(*cal) + " " + printable(*id) + ": ";
      if (auto st = events::attach(w_.txn, w_.db, *cal, v); !st) return true;
      auto number = events::number_of(w_.txn, w_.db, *cal, *id);
      if (!number || !number.value()) {
        w_.problem(where + "is live but has no event number (event_numbers)");
        return true;
      }
      std::string buffer;
      auto search = v.search_text(buffer);
      auto names = v.name_keys();
      if (!search || !names) return true;  // reported by the records' check
      EventNeeds& needs = needs_[std::string(*cal)][**number];
      needs.first_start = v.first_start;
      for (std::string_view word : words_of(*search)) needs.words.add(fnv1a64(word));
      for (const auto& n : *names) {
        auto item = events::name_item(n, **number);
        names_needed_[std::string(*cal)].add(name_hash(n.lang, n.signature, item.key, item.number));
        name_counts_[{std::string(*cal), n.lang, n.signature}].needed++;
      }
      return true;
    });
  }

  // ---- the numbers, both ways

  Status numbers() {
    return w_.each(w_.db.event_numbers, [&](const Entry& e) -> Status {
      std::string_view key = e.key;
      auto cal = keys::take_name(key);
      auto id = keys::take_name(key);
      std::string_view value = e.value;
      auto number = keys::take_u32(value);
      if (!cal || !id || !key.empty() || !number || !value.empty()) {
        w_.problem("event_numbers: malformed entry " + printable(e.key));
        return {};
      }
      auto event = w_.exists(w_.db.events, e.key);
      if (!event) return event.error();
      if (!*event) w_.problem("event_numbers: " + printable(e.key) + " names no event");
      auto back = events::id_of_number(w_.txn, w_.db, *cal, *number);
      if (!back) return back.error();
      if (!back.value() || **back != *id)
        w_.problem("event_numbers: " + printable(e.key) + ": event_ids does not give the id back for number " +
                   std::to_string(*number));
      return {};
    });
  }

  Status ids() {
    return w_.each(w_.db.event_ids, [&](const Entry& e) -> Status {
      std::string_view key = e.key;
      auto cal = keys::take_name(key);
      auto number = keys::take_u32(key);
      if (!cal || !number || !key.empty() || e.value.empty()) {
        w_.problem("event_ids: malformed entry " + printable(e.key));
        return {};
      }
      auto back = events::number_of(w_.txn, w_.db, *cal, e.value);
      if (!back) return back.error();
      if (!back.value() || **back != *number)
        w_.problem("event_ids: " + printable(e.key) + ": event_numbers does not give number " +
                   std::to_string(*number) + " back for " + printable(e.value));
      return {};
    });
  }

  // ---- what the indexes hold

  Status words() {
    events::WordChunk chunk;
    return w_.each(w_.db.event_words, [&](const Entry& e) -> Status {
      if (!events::decode_chunk(e.key, e.value, chunk)) {
        w_.problem("event_words: entry " + printable(e.key) + " does not decode");
        return {};
      }
      auto cal = needs_.find(std::string(chunk.cal));
      std::uint64_t hash = fnv1a64(chunk.word);
      for (const auto& p : chunk.postings) {
        EventNeeds* needs = nullptr;
        if (cal != needs_.end())
          if (auto it = cal->second.find(p.number); it != cal->second.end()) needs = &it->second;
        if (!needs) {
          w_.problem("event_words: " + printable(e.key) + ": number " + std::to_string(p.number) +
                     " is no live event's");
          continue;
        }
        if (needs->first_start != p.start)
          w_.problem("event_words: " + printable(e.key) + ": event number " + std::to_string(p.number) +
                     " is filed at " + std::to_string(p.start) + ", not at its first start " +
                     std::to_string(needs->first_start));
        needs->seen.add(hash);
      }
      return {};
    });
  }

  Status names() {
    events::NameIndexEntry n;
    return w_.each(w_.db.event_names, [&](const Entry& e) -> Status {
      if (!events::decode_name_entry(e.key, e.value, n)) {
        w_.problem("event_names: malformed entry " + printable(e.key));
        return {};
      }
      auto& counts = name_counts_[{std::string(n.cal), std::string(n.lang), n.signature}];
      if (n.counter) {
        counts.counter = n.count;
        return {};
      }
      for (const auto& item : n.items) {
        counts.found++;
        names_seen_[std::string(n.cal)].add(name_hash(n.lang, n.signature, item.key, item.number));
      }
      return {};
    });
  }

  // ---- the sums meet

  void compare() {
    for (auto& [cal, events] : needs_)
      for (auto& [number, needs] : events)
        if (!(needs.words == needs.seen))
          w_.problem("event_words: calendar \"" + cal + "\": event number " + std::to_string(number) + " has " +
                     std::to_string(needs.seen.count) + " entries where its words need " +
                     std::to_string(needs.words.count) + (needs.words.count == needs.seen.count ? " (other words)" : ""));
    for (const auto& [cal, needed] : names_needed_)
      if (!(names_seen_[cal] == needed))
        w_.problem("event_names: calendar \"" + cal + "\": " + std::to_string(names_seen_[cal].count) +
                   " entries where the events need " + std::to_string(needed.count) +
                   (names_seen_[cal].count == needed.count ? " (other keys)" : ""));
    for (const auto& [cal, seen] : names_seen_)
      if (!names_needed_.contains(cal) && seen.count > 0)
        w_.problem("event_names: calendar \"" + cal + "\": " + std::to_string(seen.count) +
                   " entries where the events need none");
    for (const auto& [which, counts] : name_counts_)
      if (counts.counter.value_or(0) != counts.found)
        w_.problem("event_names: calendar \"" + std::get<0>(which) + "\" language " + std::get<1>(which) +
                   ": the count says " + std::to_string(counts.counter.value_or(0)) + " entries, the index holds " +
                   std::to_string(counts.found));
  }

  Walk& w_;
  std::map<std::string, std::unordered_map<std::uint32_t, EventNeeds>> needs_;
  std::map<std::string, Sum> names_needed_, names_seen_;
  // Under each (cal, lang, signature).
  struct NameCounts {
    std::uint64_t needed = 0;  // by the live events
    std::uint64_t found = 0;   // entries in the index
    std::optional<std::uint64_t> counter;
  };
  std::map<std::tuple<std::string, std::string, std::uint32_t>, NameCounts> name_counts_;
};

}  // namespace

Status check_texts(Walk& walk) { return TextsCheck(walk).run(); }

}  // namespace civic::storage::check
