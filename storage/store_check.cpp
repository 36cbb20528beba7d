#include "storage/store_check.hpp"

#include <cstdio>

#include "storage/store_check_walk.hpp"

namespace civic::storage {

namespace check {

std::string printable(std::string_view key) {
  std::string out;
  for (unsigned char c : key) {
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out.push_back(static_cast<char>(c));
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  return out;
}

void Walk::problem(std::string text) {
  if (report_.problems.size() < kMaxProblems) report_.problems.push_back(std::move(text));
  else report_.more_problems++;
}

Result<bool> Walk::exists(Db d, std::string_view key) const {
  auto v = txn.get(d, key);
  if (!v) return v.error();
  return v.value().has_value();
}

std::optional<std::string_view> name_key(Walk& walk, const char* db_name, const Entry& e) {
  std::string_view key = e.key;
  auto name = keys::take_name(key);
  if (name && key.empty()) return name;
  walk.problem(std::string(db_name) + ": malformed key " + printable(e.key));
  return std::nullopt;
}

Status check_meta(Walk& walk) {
  for (std::string_view key : {"schema_version", "store_id", "form_token_secret"}) {
    auto found = walk.exists(walk.db.meta, key);
    if (!found) return found.error();
    if (!*found) walk.problem("meta: \"" + std::string(key) + "\" is missing");
  }
  return {};
}

}  // namespace check

Result<CheckReport> check_store(Store& store) {
  CheckReport report;
  auto txn = Txn::begin_read(store.env());
  if (!txn) return txn.error();
  check::Walk walk(*txn, store.db(), report);
  for (auto part : {check::check_meta, check::check_forms, check::check_outbox, check::check_drafts, check::check_calendars, check::check_texts})
    if (auto st = part(walk); !st) return st.error();
  return report;
}

}  // namespace civic::storage
