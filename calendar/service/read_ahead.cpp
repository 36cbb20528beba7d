#include "calendar/service/read_ahead.hpp"

namespace civic::calendar {

ReadAhead::ReadAhead(EventStream& events, std::size_t batch_events)
    : events_(events), batch_events_(batch_events == 0 ? 1 : batch_events), reader_([this] { run(); }) {}

ReadAhead::~ReadAhead() {
  {
    std::lock_guard hold(lock_);
    stopping_ = true;
  }
  changed_.notify_all();
  reader_.join();
}

void ReadAhead::run() {
  try {
    for (;;) {
      Batch batch;
      batch.events.reserve(batch_events_);
      FieldError error;
      while (batch.events.size() < batch_events_) {
        Event e;
        StreamStep step = events_.next(e, error);
        if (step == StreamStep::event) {
          batch.events.push_back(std::move(e));
          continue;
        }
        batch.end = true;
        if (step == StreamStep::refused) batch.refused = std::move(error);
        break;
      }
      bool last = batch.end;
      std::unique_lock hold(lock_);
      changed_.wait(hold, [this] { return stopping_ || !ready_; });
      if (stopping_) return;
      ready_ = std::move(batch);
      if (last) finished_ = true;
      changed_.notify_all();
      if (last) return;
    }
  } catch (...) {
    std::lock_guard hold(lock_);
    failed_ = std::current_exception();
    finished_ = true;
    changed_.notify_all();
  }
}

ReadAhead::Batch ReadAhead::next() {
  std::unique_lock hold(lock_);
  changed_.wait(hold, [this] { return ready_ || finished_; });
  if (!ready_) {
    if (failed_) std::rethrow_exception(failed_);
    Batch none;
    none.end = true;
    return none;
  }
  Batch batch = std::move(*ready_);
  ready_.reset();
  changed_.notify_all();
  return batch;
}

}  // namespace civic::calendar
