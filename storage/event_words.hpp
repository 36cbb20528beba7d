// The word index of the `text` filter: for every word (storage/search_words.hpp)
// of a calendar's live events, the events that have it, as a posting list
// sorted by (first start, event number) in chunks of at most kChunkPostings:
//
//   event_words   cal word \0 start number  -> the chunk's other postings
//
// A chunk's key is its first posting; its value the number of the others and
// each of them as varints: the start's distance from the one before, and the
// number's (zigzag: events written together have near numbers; less one
// when the starts are equal, as the numbers then rise). Two to five bytes a
// word an event.
//
// A query reads the chunks of the words its words begin (prefix walks) and
// intersects them: the events that match, already in the JSON list's order
// by start, so that its count is the list's length and its first page the
// list's head, without reading any other event.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "storage/lmdb.hpp"
#include "storage/store.hpp"

namespace civic::storage::events {

inline constexpr std::size_t kChunkPostings = 128;

// An event in a posting list: its first start and its number (storage/event_numbers.hpp).
struct Posting {
  std::int64_t start = 0;
  std::uint32_t number = 0;
  auto operator<=>(const Posting&) const = default;
};

// Changes to the word index, applied once per word: a batch of event writes
// touches a common word's last chunk once, not once per event.
class WordChanges {
 public:
  void add(std::string_view cal, std::string_view word, Posting p) { note(cal, word, p, true); }
  void remove(std::string_view cal, std::string_view word, Posting p) { note(cal, word, p, false); }
  bool empty() const noexcept { return by_word_.empty(); }
  // Applies every change in `txn` (the last one of a posting wins); then empty.
  Status apply(Txn& txn, const Databases& db);

 private:
  struct Change {
    Posting posting;
    bool add = false;
  };
  void note(std::string_view cal, std::string_view word, Posting p, bool add);
  std::map<std::string, std::vector<Change>, std::less<>> by_word_;  // by key prefix: cal \0 word \0
};

struct WordMatch {
  std::vector<Posting> postings;  // of the events with every word, sorted, each once
  std::size_t chunks = 0;         // chunks read
  bool over_budget = false;       // stopped after `budget` chunks: postings incomplete
};

// The events of `cal` that have, for each of `words`, a word it begins.
// No words: none.
Result<WordMatch> match_words(const Txn& txn, const Databases& db, std::string_view cal,
                              const std::vector<std::string>& words, std::size_t budget);

// An entry of event_words, decoded (for `civicctl verify`).
struct WordChunk {
  std::string_view cal;
  std::string_view word;
  std::vector<Posting> postings;  // the key's first
};
// False if the entry is malformed (its postings out of order included).
bool decode_chunk(std::string_view key, std::string_view value, WordChunk& out);

}  // namespace civic::storage::events
