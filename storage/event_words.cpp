#include "storage/event_words.hpp"

#include <algorithm>
#include <optional>

#include "storage/event_keys.hpp"
#include "storage/keys.hpp"
#include "storage/record_codec.hpp"

namespace civic::storage::events {

namespace {

std::string word_prefix(std::string_view cal, std::string_view word) {
  std::string k = event_keys::cal_prefix(cal);
  k.append(word);
  k.push_back('\0');  // a word holds no NUL (storage/search_words.cpp)
  return k;
}

void append_posting(std::string& key, Posting p) {
  keys::append_i64(key, p.start);
  keys::append_u32(key, p.number);
}

std::optional<Posting> take_posting(std::string_view& in) {
  auto start = keys::take_i64(in);
  auto number = keys::take_u32(in);
  if (!start || !number) return std::nullopt;
  return Posting{*start, *number};
}

// Signed distances as varints: 0, -1, 1, -2 ... as 0, 1, 2, 3 ...
std::uint64_t zigzag(std::int64_t v) { return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63); }
std::int64_t unzigzag(std::uint64_t v) { return static_cast<std::int64_t>(v >> 1) ^ -static_cast<std::int64_t>(v & 1); }

// The value of a chunk whose key holds postings[from].
std::string encode_rest(const std::vector<Posting>& postings, std::size_t from, std::size_t to) {
  RecordWriter w;
  w.varint(to - from - 1);
  for (std::size_t i = from + 1; i < to; ++i) {
    const Posting& a = postings[i - 1];
    const Posting& b = postings[i];
    auto gap = static_cast<std::uint64_t>(b.start) - static_cast<std::uint64_t>(a.start);
    w.varint(gap);
    w.varint(gap == 0 ? b.number - a.number - 1 : zigzag(std::int64_t{b.number} - std::int64_t{a.number}));
  }
  return w.take();
}

// Appends the postings of a chunk (its first from the key) to `out`; false
// if the value is malformed or out of order.
bool decode_rest(Posting first, std::string_view value, std::vector<Posting>& out) {
  RecordReader r(value);
  std::uint64_t more = r.varint();
  if (!r.ok() || more > kChunkPostings * 4 || more > value.size()) return false;
  out.push_back(first);
  Posting at = first;
  for (std::uint64_t i = 0; i < more; ++i) {
    std::uint64_t gap = r.varint();
    std::uint64_t number = r.varint();
    if (!r.ok() || gap > static_cast<std::uint64_t>(INT64_MAX) ||
        at.start > INT64_MAX - static_cast<std::int64_t>(gap))
      return false;
    if (gap == 0) {
      number += std::uint64_t{at.number} + 1;
    } else {
      std::int64_t delta = unzigzag(number);
      if (delta < -std::int64_t{at.number} || delta > std::int64_t{UINT32_MAX} - std::int64_t{at.number}) return false;
      number = static_cast<std::uint64_t>(std::int64_t{at.number} + delta);
    }
    if (number > UINT32_MAX) return false;
    at = Posting{at.start + static_cast<std::int64_t>(gap), static_cast<std::uint32_t>(number)};
    out.push_back(at);
  }
  return r.at_end();
}

Error damaged(std::string_view cal) {
  return Error(Error::kCorrupt, "read the word index of calendar " + std::string(cal),
               "an entry does not decode; `civicctl verify` reports it");
}

// A chunk read for changing: its key and postings (copies: a put moves the map).
struct LoadedChunk {
  std::optional<std::string> key;  // none: the word has no chunk yet
  std::vector<Posting> postings;
  std::optional<Posting> next_first;  // the first posting of the chunk after it
};

// The chunk a posting `p` of the word belongs in: the last whose first is at
// or before p, or the first one if p comes before them all.
Result<LoadedChunk> load_chunk(const Txn& txn, Db d, const std::string& prefix, Posting p) {
  LoadedChunk out;
  auto cursor = Cursor::open(txn, d);
  if (!cursor) return cursor.error();
  std::string probe = prefix;
  append_posting(probe, p);
  probe.push_back('\0');  // past the key of p itself
  auto at = cursor->seek_before(probe);
  if (!at) return at.error();
  if (!at.value() || !at.value()->key.starts_with(prefix)) {
    at = cursor->seek(prefix);
    if (!at) return at.error();
    if (!at.value() || !at.value()->key.starts_with(prefix)) return out;
  }
  std::string_view rest = at.value()->key.substr(prefix.size());
  auto first = take_posting(rest);
  if (!first || !rest.empty() || !decode_rest(*first, at.value()->value, out.postings))
    return Error(Error::kCorrupt, "change the word index", "an entry does not decode; `civicctl verify` reports it");
  out.key = std::string(at.value()->key);
  auto next = cursor->next();
  if (!next) return next.error();
  if (next.value() && next.value()->key.starts_with(prefix)) {
    std::string_view nrest = next.value()->key.substr(prefix.size());
    out.next_first = take_posting(nrest);
  }
  return out;
}

// Writes `postings` in place of the chunk at `old_key`, in chunks of at most
// kChunkPostings (a chunk that grew past it is cut, full ones first).
Status store_chunks(Txn& txn, Db d, const std::string& prefix, const std::optional<std::string>& old_key,
                    const std::vector<Posting>& postings) {
  if (old_key)
    if (auto del = txn.del(d, *old_key); !del) return del.error();
  for (std::size_t from = 0; from < postings.size(); from += kChunkPostings) {
    std::size_t to = std::min(postings.size(), from + kChunkPostings);
    std::string key = prefix;
    append_posting(key, postings[from]);
    if (auto st = txn.put(d, key, encode_rest(postings, from, to)); !st) return st;
  }
  return {};
}

// The changes of one word, sorted by posting with the last of each posting kept.
struct SortedChange {
  Posting posting;
  bool add;
};

Status apply_word(Txn& txn, Db d, const std::string& prefix, std::vector<SortedChange>& changes) {
  std::size_t i = 0;
  while (i < changes.size()) {
    auto chunk = load_chunk(txn, d, prefix, changes[i].posting);
    if (!chunk) return chunk.error();
    // Every change before the next chunk's first posting goes into this one.
    std::vector<Posting> merged;
    merged.reserve(chunk->postings.size() + 8);
    auto old = chunk->postings.begin();
    bool changed = false;
    for (; i < changes.size() && (!chunk->next_first || changes[i].posting < *chunk->next_first); ++i) {
      const SortedChange& c = changes[i];
      while (old != chunk->postings.end() && *old < c.posting) merged.push_back(*old++);
      bool present = old != chunk->postings.end() && *old == c.posting;
      if (present) ++old;
      if (c.add) merged.push_back(c.posting);
      changed = changed || present != c.add;
    }
    if (!changed) continue;
    merged.insert(merged.end(), old, chunk->postings.end());
    if (auto st = store_chunks(txn, d, prefix, chunk->key, merged); !st) return st;
  }
  return {};
}

// The postings of every word that `word` begins, sorted, each once.
Status postings_beginning(const Txn& txn, Db d, std::string_view cal, std::string_view word, std::size_t budget,
                          WordMatch& m, std::vector<Posting>& out) {
  std::string prefix = event_keys::cal_prefix(cal);
  prefix.append(word);
  auto cursor = Cursor::open(txn, d);
  if (!cursor) return cursor.error();
  std::string_view previous_word;
  std::string previous_word_copy;
  std::size_t runs = 0;
  for (auto pos = cursor->seek(prefix);; pos = cursor->next()) {
    if (!pos) return pos.error();
    if (!pos.value() || !pos.value()->key.starts_with(prefix)) break;
    if (++m.chunks > budget) {
      m.over_budget = true;
      return {};
    }
    std::string_view key = pos.value()->key;
    std::size_t nul = key.find('\0', prefix.size() - word.size());
    if (nul == std::string_view::npos) return damaged(cal);
    std::string_view this_word = key.substr(0, nul);
    std::string_view rest = key.substr(nul + 1);
    auto first = take_posting(rest);
    if (!first || !rest.empty() || !decode_rest(*first, pos.value()->value, out)) return damaged(cal);
    if (runs == 0 || this_word != previous_word_copy) {
      ++runs;
      previous_word_copy.assign(this_word);
    }
  }
  (void)previous_word;
  if (runs > 1) {
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
  }
  return {};
}

}  // namespace

void WordChanges::note(std::string_view cal, std::string_view word, Posting p, bool add) {
  std::string prefix = word_prefix(cal, word);
  auto it = by_word_.find(prefix);
  if (it == by_word_.end()) it = by_word_.emplace(std::move(prefix), std::vector<Change>{}).first;
  it->second.push_back(Change{p, add});
}

Status WordChanges::apply(Txn& txn, const Databases& db) {
  std::vector<SortedChange> sorted;
  for (auto& [prefix, changes] : by_word_) {
    // Stable: of one posting's changes, the last (in the order made) wins.
    std::stable_sort(changes.begin(), changes.end(),
                     [](const Change& a, const Change& b) { return a.posting < b.posting; });
    sorted.clear();
    for (std::size_t i = 0; i < changes.size(); ++i)
      if (i + 1 == changes.size() || changes[i + 1].posting != changes[i].posting)
        sorted.push_back(SortedChange{changes[i].posting, changes[i].add});
    if (auto st = apply_word(txn, db.event_words, prefix, sorted); !st) return st;
  }
  by_word_.clear();
  return {};
}

Result<WordMatch> match_words(const Txn& txn, const Databases& db, std::string_view cal,
                              const std::vector<std::string>& words, std::size_t budget) {
  WordMatch m;
  if (words.empty()) return m;
  // The longest word first: usually the fewest postings.
  std::vector<const std::string*> order;
  for (const auto& w : words) order.push_back(&w);
  std::stable_sort(order.begin(), order.end(), [](const auto* a, const auto* b) { return a->size() > b->size(); });
  std::vector<Posting> found, next, kept;
  for (std::size_t i = 0; i < order.size(); ++i) {
    auto& into = i == 0 ? found : next;
    into.clear();
    if (auto st = postings_beginning(txn, db.event_words, cal, *order[i], budget, m, into); !st) return st.error();
    if (m.over_budget) return m;
    if (i > 0) {
      kept.clear();
      std::set_intersection(found.begin(), found.end(), next.begin(), next.end(), std::back_inserter(kept));
      found.swap(kept);
    }
    if (found.empty()) break;
  }
  m.postings = std::move(found);
  return m;
}

bool decode_chunk(std::string_view key, std::string_view value, WordChunk& out) {
  std::string_view rest = key;
  auto cal = keys::take_name(rest);
  auto word = keys::take_name(rest);
  if (!cal || !word || word->empty()) return false;
  auto first = take_posting(rest);
  if (!first || !rest.empty()) return false;
  out.cal = *cal;
  out.word = *word;
  out.postings.clear();
  if (!decode_rest(*first, value, out.postings)) return false;
  return std::is_sorted(out.postings.begin(), out.postings.end()) &&
         std::adjacent_find(out.postings.begin(), out.postings.end()) == out.postings.end();
}

}  // namespace civic::storage::events
