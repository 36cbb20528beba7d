#include "storage/event_numbers.hpp"

#include <limits>
#include <string>

#include "storage/event_keys.hpp"
#include "storage/keys.hpp"

namespace civic::storage::events {

namespace {

std::string number_key(std::string_view cal, std::uint32_t number) {
  std::string k = event_keys::cal_prefix(cal);
  keys::append_u32(k, number);
  return k;
}

Error damaged(std::string_view cal, std::string_view what) {
  return Error(Error::kCorrupt, "read the event numbers of calendar " + std::string(cal),
               std::string(what) + "; `civicctl verify` reports it");
}

}  // namespace

Result<std::optional<std::uint32_t>> number_of(const Txn& txn, const Databases& db, std::string_view cal,
                                               std::string_view id) {
  auto value = txn.get(db.event_numbers, event_keys::event_key(cal, id));
  if (!value) return value.error();
  if (!value.value()) return std::optional<std::uint32_t>{};
  std::string_view in = **value;
  auto number = keys::take_u32(in);
  if (!number || !in.empty()) return damaged(cal, "the number of event " + std::string(id) + " is malformed");
  return std::optional<std::uint32_t>{*number};
}

Result<std::uint32_t> give_number(Txn& txn, const Databases& db, std::string_view cal, std::string_view id) {
  auto known = number_of(txn, db, cal, id);
  if (!known) return known.error();
  if (known.value()) return **known;
  std::uint32_t next = 1;
  {
    auto cursor = Cursor::open(txn, db.event_ids);
    if (!cursor) return cursor.error();
    auto last = cursor->seek_before(number_key(cal, std::numeric_limits<std::uint32_t>::max()));
    if (!last) return last.error();
    const std::string prefix = event_keys::cal_prefix(cal);
    if (last.value() && last.value()->key.starts_with(prefix)) {
      std::string_view rest = last.value()->key.substr(prefix.size());
      auto highest = keys::take_u32(rest);
      if (!highest || !rest.empty()) return damaged(cal, "an entry of event_ids is malformed");
      if (*highest >= std::numeric_limits<std::uint32_t>::max() - 1)
        return Error(Error::kInvalid, "number event " + std::string(id) + " of calendar " + std::string(cal),
                     "the calendar has used every event number");
      next = *highest + 1;
    }
  }
  std::string value;
  keys::append_u32(value, next);
  if (auto st = txn.put(db.event_numbers, event_keys::event_key(cal, id), value); !st) return st.error();
  if (auto st = txn.put(db.event_ids, number_key(cal, next), id); !st) return st.error();
  return next;
}

Result<std::optional<std::string_view>> id_of_number(const Txn& txn, const Databases& db, std::string_view cal,
                                                     std::uint32_t number) {
  auto value = txn.get(db.event_ids, number_key(cal, number));
  if (!value) return value.error();
  return value.value();
}

Status forget_number(Txn& txn, const Databases& db, std::string_view cal, std::string_view id) {
  auto number = number_of(txn, db, cal, id);
  if (!number) return number.error();
  if (!number.value()) return {};
  if (auto d = txn.del(db.event_numbers, event_keys::event_key(cal, id)); !d) return d.error();
  if (auto d = txn.del(db.event_ids, number_key(cal, **number)); !d) return d.error();
  return {};
}

}  // namespace civic::storage::events
