// The words of the `text` filter. A word is a run of letters, digits and
// combining marks (Unicode general categories L, N and M) of a case-folded
// text; everything else (spaces, punctuation, symbols) separates words. A
// word longer than kMaxWordBytes keeps its first kMaxWordBytes (cut at a
// character boundary), in the texts and in the queries alike.
//
// A query matches an event when each of its words is the beginning of a word
// of the event's search text (names, descriptions, place names and addresses
// in every language): "konsert" finds "Konsertti" and "konserthus",
// "tur konsert" an event with both. The word index (storage/event_words.hpp)
// and the scan (text_matches) answer exactly this, so they agree.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace civic::storage {

inline constexpr std::size_t kMaxWordBytes = 64;

// The distinct words of a case-folded text, sorted byte-wise: views of `folded`.
std::vector<std::string_view> words_of(std::string_view folded);

// Whether every one of `query_words` begins a word of `folded`. No query
// words: nothing matches (a text of punctuation only finds no event).
bool text_matches(std::string_view folded, const std::vector<std::string>& query_words);

}  // namespace civic::storage
