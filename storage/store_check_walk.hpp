// What the parts of `civicctl verify` share (storage/store_check.cpp): one read
// transaction, the report problems go into, and a walk over a database whose
// step either notes a problem and goes on or stops the check on a read error.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "storage/keys.hpp"
#include "storage/lmdb.hpp"
#include "storage/store.hpp"
#include "storage/store_check.hpp"

namespace civic::storage::check {

// A key as a person can read it: printable ASCII as is, the rest as \xNN.
std::string printable(std::string_view key);

class Walk {
 public:
  Walk(const Txn& txn, const Databases& db, CheckReport& report) : txn(txn), db(db), report_(report) {}

  const Txn& txn;
  const Databases& db;

  void problem(std::string text);
  void count_submission() { report_.submissions++; }
  void count_event() { report_.events++; }

  // Calls step(entry) -> Status for every entry of `d`, counting them; the
  // first failed step ends the walk with its error.
  template <class Step>
  Status each(Db d, Step&& step) {
    std::optional<Error> failure;
    auto st = for_each_with_prefix(txn, d, "", [&](const Entry& e) {
      report_.entries++;
      Status s = step(e);
      if (s) return true;
      failure = s.error();
      return false;
    });
    if (!st) return st;
    if (failure) return *failure;
    return {};
  }

  Result<bool> exists(Db d, std::string_view key) const;

 private:
  CheckReport& report_;
};

// A key of `db` that is only a name (form_defs, form_purges, form_days):
// the name, or nullopt after noting the malformed key.
std::optional<std::string_view> name_key(Walk& walk, const char* db_name, const Entry& e);

Status check_meta(Walk& walk);
Status check_forms(Walk& walk);
Status check_calendars(Walk& walk);
Status check_texts(Walk& walk);  // storage/store_check_texts.cpp
// storage/outbox.cpp: each entry belongs to a stored submission, the due
// index and the counts agree with the entries.
Status check_outbox(Walk& walk);
// storage/drafts.cpp: each draft decodes and is in draft_expiry at its time,
// each expiry entry names such a draft, the counts agree with the drafts.
Status check_drafts(Walk& walk);

}  // namespace civic::storage::check
