// One page of a list a calendar follows (calendar/service/source_follow.hpp):
// a Linked Events API's event list, or another civic's JSON list, both
//
//   {"meta": {"count": N, "next": URL|null, "previous": URL|null}, "data": [item, ...]}
//
// Each item becomes an event to write, an id to delete, or a refusal that
// names the item (the follower logs it and goes on with the others).
//
// Linked Events items are mapped to civic's event model:
// - name, short_description, description, info_url: every language given
//   (Linked Events' "zh_hans" becomes the tag "zh-hans"); empty and null
//   texts are left out;
// - start_time, end_time: a date-only start ("2027-03-01", Linked Events'
//   has_start_time false) is an all-day event; an end of the other kind
//   than the start (a date with a date-time) is dropped;
// - location: the place as `include=location` embeds it (id, name, address,
//   postal code, position); a bare {"@id": ".../place/tprek:7254/"} gives
//   the id alone;
// - keywords: each keyword's name in the calendar's first language that it
//   has (as `include=keywords` embeds it), else its id ("yso:p1235");
// - offers, images (those with a url), event_status as they are;
// - "deleted": true, or no start_time (postponed without a date): the event
//   is deleted here;
// - a recurring super event (super_event_type "recurring") is not an event
//   here: each of its sub-events is one, with its own times, and a series
//   stored before is deleted; an umbrella super event is an event.
// Other fields are ignored.
//
// Items of another civic are read as its admin API takes events, with the
// server's fields (sequence, created_time, last_modified_time) kept, so that
// a replica renders the same bytes as its primary.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "calendar/formats/event_json.hpp"
#include "calendar/model/event.hpp"
#include "calendar/model/event_source.hpp"

namespace civic::calendar {

struct FollowedItem {
  enum class Kind {
    event,      // `event` to write
    deleted,    // `id` to delete (if held)
    malformed,  // refused: `problem` says why; `id` if it had one
  };
  Kind kind = Kind::event;
  std::string id;
  Event event;
  std::int64_t modified_us = 0;  // its last_modified_time; 0 if it had none
  std::string modified_text;     // as the source wrote it (what the next request asks from)
  std::string problem;
};

struct FollowedPage {
  std::vector<FollowedItem> items;
  std::string next;  // the "next" link, "" on the last page
  std::int64_t count = -1;  // meta.count, -1 if not given
};

// nullopt, and `error`, if `body` is not such a page (not JSON, no "data"
// array). `languages`: the calendar's, in order (keyword names).
std::optional<FollowedPage> read_followed_page(std::string_view body, SourceKind kind, const EventDefaults& defaults,
                                               std::span<const std::string> languages, std::string& error);

}  // namespace civic::calendar
