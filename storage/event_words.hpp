// The word index of the `text` filter: for every word (storage/search_words.hpp)
// of a calendar's live events, the events that have it, as a list of
// postings sorted by (first start, event number), in chunks
// (storage/chunked_list.hpp):
//
//   event_words   cal word \0 start number  -> the chunk's other postings
//
// A posting after the first is written as varints: the start's distance from
// the one before, and the number's (zigzag: events written together have
// near numbers; less one when the starts are equal, as the numbers then
// rise). Two to five bytes a word an event.
//
// A query reads the chunks of the words its words begin (prefix walks) and
// intersects them: the events that match, already in the JSON list's order
// by start, so that its count is the list's length and its first page the
// list's head, without reading any other event.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "storage/lmdb.hpp"
#include "storage/record_codec.hpp"
#include "storage/store.hpp"

namespace civic::storage::events {

// An event in a posting list: its first start and its number (storage/event_numbers.hpp).
struct Posting {
  std::int64_t start = 0;
  std::uint32_t number = 0;
  auto operator<=>(const Posting&) const = default;
};

// How postings are stored (the Codec of storage/chunked_list.hpp).
struct PostingCodec {
  using Item = Posting;
  static constexpr std::size_t kMaxItems = 128;  // measured: the smallest index of 32, 64, 128, 256, 384
  static void append_key(std::string& key, const Posting& p);
  static std::optional<Posting> read_key(std::string_view rest);
  static void write_next(RecordWriter& w, const Posting& before, const Posting& p);
  static bool read_next(RecordReader& r, const Posting& before, Posting& p);
};

// The key prefix of a word's list: cal \0 word \0 (a word holds no NUL).
std::string word_list_prefix(std::string_view cal, std::string_view word);

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
