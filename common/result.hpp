// Errors as values, for every library of the core: a failure comes back as an
// Error that names the operation and why, never as an exception. Refusals of
// input (a bad field, a malformed body) are the callers' own types and carry
// what a client is told; an Error is what the log is told.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace civic {

class Error {
 public:
  // Codes of our own, outside LMDB's range (which is negative) and errno's.
  static constexpr int kSchemaTooNew = 100001;
  static constexpr int kCorrupt = 100002;
  static constexpr int kInvalid = 100003;
  // The LMDB codes callers act on, named here so that they need not include
  // lmdb.h (storage/lmdb.cpp checks them against it).
  static constexpr int kStoreFull = -30792;     // MDB_MAP_FULL
  static constexpr int kNoReaderSlot = -30790;  // MDB_READERS_FULL

  // For errno codes and our own: the message says what an errno means.
  Error(int code, std::string operation, std::string detail = {})
      : code_(code), operation_(std::move(operation)), detail_(std::move(detail)) {}
  // For a library's codes, which only the layer that called it can explain.
  static Error explained(int code, std::string operation, std::string reason, std::string detail = {}) {
    Error e(code, std::move(operation), std::move(detail));
    e.reason_ = std::move(reason);
    return e;
  }

  int code() const noexcept { return code_; }
  const std::string& operation() const noexcept { return operation_; }
  // "put into 'events': MDB_MAP_FULL: the store is full (...)"
  std::string message() const;

  bool map_full() const noexcept { return code_ == kStoreFull; }
  bool readers_full() const noexcept { return code_ == kNoReaderSlot; }

 private:
  int code_;
  std::string operation_;
  std::string detail_;
  std::string reason_;
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const noexcept { return !error_.has_value(); }
  explicit operator bool() const noexcept { return ok(); }
  const Error& error() const { return *error_; }

 private:
  std::optional<Error> error_;
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &std::get<0>(v_); }
  const T* operator->() const { return &std::get<0>(v_); }
  T& operator*() & { return value(); }

  const Error& error() const { return std::get<1>(v_); }
  Status status() const { return ok() ? Status{} : Status{error()}; }

 private:
  std::variant<T, Error> v_;
};

}  // namespace civic
