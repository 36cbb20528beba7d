// What the store reads back of the text indexes (a store can be damaged):
// an entry of event_words and of event_names, as key and value, decoded;
// what decodes is written again and must read back the same. And the words
// of any text (the query's and the events'). The input is the key's length
// (1 byte), the key, then the value.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "storage/chunked_list.hpp"
#include "storage/event_names.hpp"
#include "storage/event_words.hpp"
#include "storage/search_words.hpp"

namespace {

// Writes `items` as one chunk (key after the prefix, value) and reads it back.
template <class Codec>
void round_trip(const std::vector<typename Codec::Item>& items) {
  if (items.empty() || items.size() > Codec::kMaxItems) return;
  std::string key;
  Codec::append_key(key, items.front());
  civic::storage::RecordWriter rest;
  for (std::size_t i = 1; i < items.size(); ++i) Codec::write_next(rest, items[i - 1], items[i]);
  civic::storage::RecordWriter value;
  value.varint(items.size() - 1);
  value.data().append(rest.data());
  std::vector<typename Codec::Item> back;
  if (!civic::storage::chunked::read_chunk<Codec>(key, value.data(), back) || back != items) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace civic::storage;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto words = words_of(in);
  std::vector<std::string> query(words.begin(), words.end());
  for (const auto& w : query)
    if (w.empty() || w.size() > kMaxWordBytes) __builtin_trap();
  if (!query.empty() && !text_matches(in, query)) __builtin_trap();  // a text has its own words
  if (in.empty()) return 0;
  std::size_t key_len = data[0];
  in.remove_prefix(1);
  if (key_len > in.size()) return 0;
  std::string_view key = in.substr(0, key_len), value = in.substr(key_len);
  events::WordChunk chunk;
  if (events::decode_chunk(key, value, chunk)) round_trip<events::PostingCodec>(chunk.postings);
  events::NameIndexEntry entry;
  if (events::decode_name_entry(key, value, entry) && !entry.counter) round_trip<events::NameCodec>(entry.items);
  return 0;
}
