// Built feed bodies, kept per worker process and found again by their ETag:
// calendar apps poll the same few URLs, and an unchanged store gives the same
// bytes, so a repeated request costs a look-up instead of a read of the
// store. An entry is never wrong: its key is the ETag, which changes with
// every write to the calendar (stale entries just age out, least recently
// used first). Bounded in bytes. nginx uses it from the worker's event loop
// only; Apache httpd from every request thread of a child: a mutex keeps it
// (uncontended under nginx).
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/quantity.hpp"

namespace civic::calendar {

inline constexpr std::size_t kDefaultFeedCache = std::size_t{16} << 20;

// civic_feed_cache SIZE | off: the bytes a worker keeps (0: off), at least
// 1m; nullopt if it is neither.
inline std::optional<std::size_t> feed_cache_size(std::string_view word) {
  if (word == "off") return 0;
  std::int64_t size = parse_size(word);
  if (size < (std::int64_t{1} << 20)) return std::nullopt;
  return static_cast<std::size_t>(size);
}

class FeedCache {
 public:
  using Body = std::shared_ptr<const std::string>;

  explicit FeedCache(std::size_t max_bytes) : max_bytes_(max_bytes) {}

  // Bodies larger than this are not kept (they would push out many others).
  std::size_t max_entry() const noexcept { return max_bytes_ / 8; }

  Body find(std::string_view key) {
    std::lock_guard lock(mutex_);
    auto it = index_.find(std::string(key));
    if (it == index_.end()) return nullptr;
    lru_.splice(lru_.begin(), lru_, it->second);  // most recently used
    return it->second->body;
  }

  void put(std::string key, Body body) {
    if (!body || body->size() > max_entry()) return;
    std::lock_guard lock(mutex_);
    if (auto old = index_.find(key); old != index_.end()) {
      bytes_ -= old->second->body->size();
      lru_.erase(old->second);
      index_.erase(old);
    }
    bytes_ += body->size();
    lru_.push_front(Entry{key, std::move(body)});
    index_.emplace(std::move(key), lru_.begin());
    while (bytes_ > max_bytes_ && !lru_.empty()) {
      bytes_ -= lru_.back().body->size();
      index_.erase(lru_.back().key);
      lru_.pop_back();
    }
  }

  std::size_t bytes() const {
    std::lock_guard lock(mutex_);
    return bytes_;
  }
  std::size_t entries() const {
    std::lock_guard lock(mutex_);
    return lru_.size();
  }

 private:
  struct Entry {
    std::string key;
    Body body;
  };
  std::size_t max_bytes_;
  mutable std::mutex mutex_;
  std::size_t bytes_ = 0;
  std::list<Entry> lru_;
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;
};

}  // namespace civic::calendar
