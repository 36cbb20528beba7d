// An import's events read a batch ahead, on a thread of their own, while
// the batch before is rendered and committed: parsing the file no longer
// waits for the store, nor the store for the parser.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "calendar/formats/event_stream.hpp"

namespace civic::calendar {

class ReadAhead {
 public:
  struct Batch {
    std::vector<Event> events;  // up to the batch size; fewer only at the end
    bool end = false;           // nothing after these
    std::optional<FieldError> refused;  // the text was refused after `events`
  };

  // Starts reading `events` (kept by the caller until this is gone).
  ReadAhead(EventStream& events, std::size_t batch_events);
  // Stops the reader (a batch half read is dropped) and waits for it.
  ~ReadAhead();
  ReadAhead(const ReadAhead&) = delete;
  ReadAhead& operator=(const ReadAhead&) = delete;

  // The next batch, waiting for it; after one that ends or is refused, an
  // empty one that ends. Throws what the reader threw (out of memory).
  Batch next();

 private:
  void run();

  EventStream& events_;
  std::size_t batch_events_;
  std::mutex lock_;
  std::condition_variable changed_;
  std::optional<Batch> ready_;  // one batch read ahead at most
  std::exception_ptr failed_;
  bool finished_ = false;  // the reader read its last batch, or threw
  bool stopping_ = false;
  std::thread reader_;
};

}  // namespace civic::calendar
