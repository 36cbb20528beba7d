#include "storage/text_index_changes.hpp"

namespace civic::storage::events {

void TextIndexChanges::note_word(std::string_view cal, std::string_view word, Posting p, bool add) {
  std::string prefix = word_list_prefix(cal, word);
  auto it = words_.find(prefix);
  if (it == words_.end()) it = words_.emplace(std::move(prefix), std::vector<chunked::Change<PostingCodec>>{}).first;
  it->second.push_back({p, add});
}

void TextIndexChanges::note_name(std::string_view cal, const NameEntry& e, std::uint32_t number, bool add) {
  std::string prefix = name_list_prefix(cal, e.lang, e.signature);
  auto it = names_.find(prefix);
  if (it == names_.end())
    it = names_.emplace(std::move(prefix), NameList{std::string(cal), e.lang, e.signature, {}}).first;
  it->second.changes.push_back({name_item(e, number), add});
}

Status TextIndexChanges::apply(Txn& txn, const Databases& db) {
  for (auto& [prefix, changes] : words_) {
    chunked::settle(changes);
    if (auto applied = chunked::apply(txn, db.event_words, prefix, changes); !applied) return applied.error();
  }
  words_.clear();
  for (auto& [prefix, list] : names_) {
    chunked::settle(list.changes);
    auto gained = chunked::apply(txn, db.event_names, prefix, list.changes);
    if (!gained) return gained.error();
    if (auto st = add_to_name_count(txn, db, list.cal, list.lang, list.signature, *gained); !st) return st;
  }
  names_.clear();
  return {};
}

}  // namespace civic::storage::events
