// The places and keywords a calendar's live events use, as Linked Events
// lists its place and keyword resources (docs/calendars.md):
//
//   {cal}/places.json          {"meta": {"count", "next", "previous"}, "data": [place, ...]}
//   {cal}/places/{id}.json     one place
//   {cal}/keywords.json        likewise, keywords
//   {cal}/keywords/{id}.json   one keyword
//
//   place:   {"@id", "@context", "@type": "Place", "id", "name", "street_address",
//             "address_locality", "postal_code", "position", "n_events"}
//   keyword: {"@id", "@context", "@type": "Keyword", "id", "name": {LANG: id}, "n_events"}
//
// Ordered as Linked Events orders them, by the number of events (n_events)
// from the most, then by id; paged with page and page_size. A place is
// known by its id (events whose location has none are not counted), and
// takes its names and address from the first of its events by id. Every
// event record is read (its small first record: the location id and the
// keywords), plus one event's JSON per place: in the pool beyond the budget.
#pragma once

#include <cstddef>
#include <string_view>

#include "calendar/model/calendar_config.hpp"
#include "calendar/query/calendar_feed.hpp"
#include "calendar/query/event_list.hpp"
#include "calendar/query/feed_query.hpp"
#include "common/result.hpp"
#include "storage/lmdb.hpp"
#include "storage/store.hpp"

namespace civic::calendar {

enum class ResourceKind { places, keywords };

// `item`: one resource by id ("" for the list; not found: FeedAnswer::found
// false). `links.list_url` is the list's URL (".../culture/places.json").
Result<ListAnswer> build_resources(const storage::Txn& txn, const storage::Databases& db, const CalendarConfig& calendar,
                                   ResourceKind kind, std::string_view item, const FeedQuery& query,
                                   const ListLinks& links, std::size_t budget);

}  // namespace civic::calendar
