// Reading calendars: every public request below a civic_calendars location,
// from path and headers to the reply (docs/calendars.md).
//
//   ""                         the list of calendars (JSON)
//   {cal}.ics / {cal}.json     the feed / the Linked-Events-style list
//   {cal}                      iCal, jCal or xCal, by Accept
//   {cal}/events/{id}.ics      one event (also .json, or by Accept)
//   {cal}.html, {cal}/events/{id}.html (or by Accept: text/html)
//                              the agenda for people (calendar/query/agenda_page.hpp)
//   {cal}/places.json, {cal}/keywords.json, {cal}/places/{id}.json, ...
//                              what the events use (calendar/query/event_resources.hpp)
//
// A request reads the calendar's small state record first: the validators
// come from it, and a client whose copy is current gets 304 with no event
// read. Then the worker's cache of built bodies (found by ETag), then the
// body, built on the event loop within kInlineBudget; a request that needs
// more says so (needs_pool) and is answered again, whole, in a pool thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "calendar/model/calendars.hpp"
#include "calendar/query/feed_cache.hpp"
#include "common/reply.hpp"
#include "storage/lmdb.hpp"
#include "storage/store.hpp"

namespace civic::calendar {

// What the server module copies out of a request.
struct ReadRequest {
  bool read_method = true;            // GET or HEAD; anything else is 405
  std::string_view path;              // after the location, e.g. "culture.ics"
  std::string_view args;              // the query string as sent
  std::string_view accept;            // the Accept header, "" if none
  std::string_view accept_language;   // the Accept-Language header, "" if none (the agenda's language)
  std::optional<std::string_view> if_none_match;
  std::optional<std::int64_t> if_modified_since;  // parsed; nullopt if absent or malformed
  std::string base_url;               // "https://host/calendars/": the location's absolute URL
  std::int64_t now = 0;               // seconds since the epoch
};

struct ReadAnswer {
  Reply reply;
  // Built on the event loop, over the inline budget: answer it again with
  // answer_whole() in a pool thread, then remember() it.
  bool needs_pool = false;
  std::optional<storage::Txn> txn;  // keeps the reply's views of the store valid until it is sent
  std::string cache_key;            // where remember() keeps a body built in the pool
  // For the server's counters: the calendar ("" if none), the format's
  // name ("ics", "json", "jcal", "xcal"; "" if none), from the cache.
  std::string calendar;
  std::string_view format;
  bool from_cache = false;
};

class Reader {
 public:
  // `cache_bytes`: civic_feed_cache (0: no cache). One Reader per worker.
  Reader(const Calendars& calendars, std::size_t cache_bytes);

  // On the event loop: within the inline budget, from the cache when it can.
  ReadAnswer answer(storage::Store& store, const ReadRequest& request);
  // In a pool thread: the whole body (no budget, no cache), shared.
  ReadAnswer answer_whole(storage::Store& store, const ReadRequest& request) const;
  // Back on the event loop: keeps the body answer_whole() built.
  void remember(const ReadAnswer& answer);

 private:
  ReadAnswer read(storage::Store& store, const ReadRequest& request, bool whole);

  const Calendars& calendars_;
  std::optional<FeedCache> cache_;
};

}  // namespace civic::calendar
