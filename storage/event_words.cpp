#include "storage/event_words.hpp"

#include <algorithm>

#include "storage/chunked_list.hpp"
#include "storage/event_keys.hpp"
#include "storage/keys.hpp"

namespace civic::storage::events {

namespace {

// Signed distances as varints: 0, -1, 1, -2 ... as 0, 1, 2, 3 ...
std::uint64_t zigzag(std::int64_t v) { return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63); }
std::int64_t unzigzag(std::uint64_t v) { return static_cast<std::int64_t>(v >> 1) ^ -static_cast<std::int64_t>(v & 1); }

Error damaged(std::string_view cal) {
  return Error(Error::kCorrupt, "read the word index of calendar " + std::string(cal),
               "an entry does not decode; `civicctl verify` reports it");
}

// The postings of every word that `word` begins, sorted, each once.
Status postings_beginning(const Txn& txn, Db d, std::string_view cal, std::string_view word, std::size_t budget,
                          WordMatch& m, std::vector<Posting>& out) {
  const std::string cal_prefix = event_keys::cal_prefix(cal);
  std::string prefix = cal_prefix + std::string(word);
  auto cursor = Cursor::open(txn, d);
  if (!cursor) return cursor.error();
  std::string last_word;
  std::size_t words = 0;
  for (auto pos = cursor->seek(prefix);; pos = cursor->next()) {
    if (!pos) return pos.error();
    if (!pos.value() || !pos.value()->key.starts_with(prefix)) break;
    if (++m.chunks > budget) {
      m.over_budget = true;
      return {};
    }
    std::string_view key = pos.value()->key;
    std::size_t nul = key.find('\0', cal_prefix.size());
    if (nul == std::string_view::npos) return damaged(cal);
    if (!chunked::read_chunk<PostingCodec>(key.substr(nul + 1), pos.value()->value, out)) return damaged(cal);
    std::string_view this_word = key.substr(cal_prefix.size(), nul - cal_prefix.size());
    if (words == 0 || this_word != last_word) {
      ++words;
      last_word.assign(this_word);
    }
  }
  if (words > 1) {  // several lists, each sorted: one
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
  }
  return {};
}

}  // namespace

void PostingCodec::append_key(std::string& key, const Posting& p) {
  keys::append_i64(key, p.start);
  keys::append_u32(key, p.number);
}

std::optional<Posting> PostingCodec::read_key(std::string_view rest) {
  auto start = keys::take_i64(rest);
  auto number = keys::take_u32(rest);
  if (!start || !number || !rest.empty()) return std::nullopt;
  return Posting{*start, *number};
}

void PostingCodec::write_next(RecordWriter& w, const Posting& a, const Posting& b) {
  auto gap = static_cast<std::uint64_t>(b.start) - static_cast<std::uint64_t>(a.start);
  w.varint(gap);
  w.varint(gap == 0 ? b.number - a.number - 1 : zigzag(std::int64_t{b.number} - std::int64_t{a.number}));
}

bool PostingCodec::read_next(RecordReader& r, const Posting& at, Posting& p) {
  std::uint64_t gap = r.varint();
  std::uint64_t number = r.varint();
  if (!r.ok() || gap > static_cast<std::uint64_t>(INT64_MAX) || at.start > INT64_MAX - static_cast<std::int64_t>(gap))
    return false;
  if (gap == 0) {
    number += std::uint64_t{at.number} + 1;
  } else {
    std::int64_t delta = unzigzag(number);
    if (delta < -std::int64_t{at.number} || delta > std::int64_t{UINT32_MAX} - std::int64_t{at.number}) return false;
    number = static_cast<std::uint64_t>(std::int64_t{at.number} + delta);
  }
  if (number > UINT32_MAX) return false;
  p = Posting{at.start + static_cast<std::int64_t>(gap), static_cast<std::uint32_t>(number)};
  return true;
}

std::string word_list_prefix(std::string_view cal, std::string_view word) {
  std::string k = event_keys::cal_prefix(cal);
  k.append(word);
  k.push_back('\0');
  return k;
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
  out.cal = *cal;
  out.word = *word;
  out.postings.clear();
  return chunked::read_chunk<PostingCodec>(rest, value, out.postings);
}

}  // namespace civic::storage::events
