// Changes to the indexes of the events' texts (the word index,
// storage/event_words.hpp; the name index, storage/event_names.hpp),
// gathered while events are written and applied once per list before the
// transaction commits: a batch of a thousand writes touches a common word's
// last chunk once, not a thousand times.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "storage/chunked_list.hpp"
#include "storage/event_names.hpp"
#include "storage/event_words.hpp"
#include "storage/lmdb.hpp"
#include "storage/store.hpp"

namespace civic::storage::events {

class TextIndexChanges {
 public:
  void add_word(std::string_view cal, std::string_view word, Posting p) { note_word(cal, word, p, true); }
  void remove_word(std::string_view cal, std::string_view word, Posting p) { note_word(cal, word, p, false); }
  void add_name(std::string_view cal, const NameEntry& e, std::uint32_t number) { note_name(cal, e, number, true); }
  void remove_name(std::string_view cal, const NameEntry& e, std::uint32_t number) { note_name(cal, e, number, false); }
  bool empty() const noexcept { return words_.empty() && names_.empty(); }

  // Applies every change in `txn` (of one item's changes, the last made
  // wins) and keeps the name counts; then empty.
  Status apply(Txn& txn, const Databases& db);

 private:
  void note_word(std::string_view cal, std::string_view word, Posting p, bool add);
  void note_name(std::string_view cal, const NameEntry& e, std::uint32_t number, bool add);

  struct NameList {
    std::string cal, lang;
    std::uint32_t signature = 0;
    std::vector<chunked::Change<NameCodec>> changes;
  };
  std::map<std::string, std::vector<chunked::Change<PostingCodec>>, std::less<>> words_;  // by list prefix
  std::map<std::string, NameList, std::less<>> names_;                                    // by list prefix
};

}  // namespace civic::storage::events
