// `civicctl verify`: reads every record and every index entry of the store
// in one read transaction (a consistent snapshot, safe while nginx writes)
// and reports what does not agree:
//
//   forms      every submission decodes, names its own form, seq and a
//              receipt whose index entry points back to it; every file it
//              lists is stored with that size (a sealed form's record: its
//              envelopes name its key and have the sizes it lists; nothing
//              is opened); receipts, attachments, replay
//              records, their expiry and owner entries all point at what
//              exists; each form's live count and last seq hold.
//   calendars  every event decodes; its modification entry, tombstone,
//              occurrence entries (short and long) and series entry exist;
//              every index entry points at an event that needs it; each
//              calendar's state counts hold.
//
// Every index is checked in both directions: that each record has its
// entries, and (by counting) that no entry is left over.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "storage/store.hpp"

namespace civic::storage {

struct CheckReport {
  std::uint64_t entries = 0;                 // records and index entries read
  std::uint64_t submissions = 0;
  std::uint64_t events = 0;
  std::vector<std::string> problems;         // at most kMaxProblems, each naming the database and key
  std::uint64_t more_problems = 0;           // found beyond those
  bool ok() const { return problems.empty(); }
};

inline constexpr std::size_t kMaxProblems = 1000;

// An error only if the store cannot be read at all; what is inconsistent is
// in the report.
Result<CheckReport> check_store(Store& store);

}  // namespace civic::storage
