#include "storage/drafts.hpp"

#include <limits>
#include <map>

#include "storage/keys.hpp"
#include "storage/record_codec.hpp"
#include "storage/store_check_walk.hpp"

namespace civic::storage::drafts {

namespace {

// Format 1 (issue 15) held the answers in plaintext; format 2 holds them
// encrypted. Both start with the same dates, language and step.
constexpr std::uint8_t kPlaintextFormat = 1;
constexpr std::uint8_t kDraftFormat = 2;
constexpr std::size_t kMaxShort = std::numeric_limits<std::uint16_t>::max();
constexpr std::size_t kMaxLong = std::numeric_limits<std::uint32_t>::max();

Error damaged(std::string_view what) { return Error(Error::kCorrupt, "read " + std::string(what), "malformed record"); }

std::string draft_key(std::string_view form, std::string_view id) {
  std::string key = keys::name_prefix(form);
  key += id;
  return key;
}

std::string expiry_key(std::int64_t expires, std::string_view form, std::string_view id) {
  std::string key;
  keys::append_i64(key, expires);
  key += draft_key(form, id);
  return key;
}

bool fits16(std::string_view s) { return s.size() <= kMaxShort; }
bool fits32(std::string_view s) { return s.size() <= kMaxLong; }

// A draft the record format cannot hold is refused before anything is written
// (names and words in 16-bit lengths, answers and file contents in 32-bit).
Status check_encodable(const Draft& d) {
  auto refuse = [&](std::string_view why) {
    return Error(Error::kInvalid, "save a draft of form " + d.form, std::string(why));
  };
  if (d.form.empty() || d.form.find('\0') != std::string::npos) return refuse("the form name is empty or has a NUL");
  if (d.id.size() != kIdBytes) return refuse("the draft id is not 16 bytes");
  if (!fits16(d.language) || !fits16(d.step)) return refuse("its language or step name is too long");
  if (d.values > kMaxLong || d.files > kMaxLong) return refuse("it has too many answers");
  if (!fits32(d.box)) return refuse("its answers are too large");
  return {};
}

std::string encode(const Draft& d) {
  RecordWriter w;
  w.u8(kDraftFormat);
  w.i64(d.created);
  w.i64(d.updated);
  w.i64(d.expires);
  w.str16(d.language);
  w.str16(d.step);
  w.u32(static_cast<std::uint32_t>(d.values));
  w.u32(static_cast<std::uint32_t>(d.files));
  w.u64(d.bytes);
  w.str32(d.box);
  return w.take();
}

// A stored draft; `plaintext` set for a format-1 record, whose answers are
// not read (nobody holds a key for them: they are gone to the citizen and
// wait for their expiry).
struct Stored {
  Draft draft;
  bool plaintext = false;
};

Result<Stored> decode(std::string_view form, std::string_view id, std::string_view v) {
  RecordReader r(v);
  Stored s;
  Draft& d = s.draft;
  std::uint8_t format = r.u8();
  if (format != kDraftFormat && format != kPlaintextFormat) return damaged("draft");
  d.form = std::string(form);
  d.id = std::string(id);
  d.created = r.i64();
  d.updated = r.i64();
  d.expires = r.i64();
  d.language = r.str16();
  d.step = r.str16();
  if (format == kPlaintextFormat) {
    if (!r.ok()) return damaged("draft");
    s.plaintext = true;
    return s;
  }
  d.values = r.u32();
  d.files = r.u32();
  d.bytes = static_cast<std::size_t>(r.u64());
  d.box = r.str32();
  if (!r.ok() || !r.at_end()) return damaged("draft");
  return s;
}

Result<std::optional<Stored>> read_any(const Txn& txn, const Databases& db, std::string_view form,
                                       std::string_view id) {
  auto v = txn.get(db.drafts, draft_key(form, id));
  if (!v) return v.error();
  if (!v.value()) return std::optional<Stored>{};
  auto d = decode(form, id, **v);
  if (!d) return d.error();
  return std::optional<Stored>{std::move(*d)};
}

// Adds `delta` (+1 or -1) to a form's count; the entry goes at zero.
Status add_to_count(Txn& txn, const Databases& db, std::string_view form, int delta) {
  auto n = count(txn, db, form);
  if (!n) return n.error();
  std::uint64_t next = *n;
  if (delta > 0) ++next;
  else if (next > 0) --next;
  std::string key = keys::name_prefix(form);
  if (next == 0) {
    auto d = txn.del(db.draft_counts, key);
    if (!d) return d.error();
    return {};
  }
  std::string value;
  keys::append_u64(value, next);
  return txn.put(db.draft_counts, key, value);
}

// Takes a draft, known to exist with `expires`, out of all three databases.
Status remove_known(Txn& txn, const Databases& db, std::string_view form, std::string_view id, std::int64_t expires) {
  if (auto d = txn.del(db.drafts, draft_key(form, id)); !d) return d.error();
  if (auto d = txn.del(db.draft_expiry, expiry_key(expires, form, id)); !d) return d.error();
  return add_to_count(txn, db, form, -1);
}

}  // namespace

Result<std::optional<Draft>> read(const Txn& txn, const Databases& db, std::string_view form, std::string_view id,
                                  std::int64_t now) {
  auto d = read_any(txn, db, form, id);
  if (!d) return d.error();
  if (!d->has_value() || (*d)->plaintext || (*d)->draft.expires <= now) return std::optional<Draft>{};
  return std::optional<Draft>{std::move((*d)->draft)};
}

Result<PutOutcome> put(Txn& txn, const Databases& db, const Draft& draft, std::uint64_t max_drafts) {
  if (auto st = check_encodable(draft); !st) return st.error();
  auto old = read_any(txn, db, draft.form, draft.id);
  if (!old) return old.error();
  if (old->has_value()) {
    if (auto d = txn.del(db.draft_expiry, expiry_key((*old)->draft.expires, draft.form, draft.id)); !d) return d.error();
  } else {
    auto n = count(txn, db, draft.form);
    if (!n) return n.error();
    if (*n >= max_drafts) return PutOutcome::too_many;
    if (auto st = add_to_count(txn, db, draft.form, +1); !st) return st.error();
  }
  if (auto st = txn.put(db.drafts, draft_key(draft.form, draft.id), encode(draft)); !st) return st.error();
  if (auto st = txn.put(db.draft_expiry, expiry_key(draft.expires, draft.form, draft.id), {}); !st)
    return st.error();
  return PutOutcome::stored;
}

Result<bool> remove(Txn& txn, const Databases& db, std::string_view form, std::string_view id) {
  auto old = read_any(txn, db, form, id);
  if (!old) return old.error();
  if (!old->has_value()) return false;
  if (auto st = remove_known(txn, db, form, id, (*old)->draft.expires); !st) return st.error();
  return true;
}

Result<std::size_t> purge_expired(Txn& txn, const Databases& db, std::int64_t now, std::size_t limit) {
  // The expired keys first (a cursor is not kept across the deletes below).
  std::vector<std::string> expired;
  auto cursor = Cursor::open(txn, db.draft_expiry);
  if (!cursor) return cursor.error();
  for (auto pos = cursor->first(); expired.size() < limit; pos = cursor->next()) {
    if (!pos) return pos.error();
    if (!pos.value()) break;
    std::string_view k = pos.value()->key;
    auto at = keys::take_i64(k);
    if (!at) return damaged("draft expiry");
    if (*at > now) break;
    expired.emplace_back(pos.value()->key);
  }
  std::size_t removed = 0;
  for (const std::string& key : expired) {
    std::string_view rest = std::string_view(key).substr(8);
    auto form = keys::take_name(rest);
    if (!form || rest.size() != kIdBytes) return damaged("draft expiry key");
    auto d = txn.del(db.draft_expiry, key);
    if (!d) return d.error();
    // A draft re-saved later has a later expiry entry of its own; this one
    // was its old time only if the record says so.
    auto old = read_any(txn, db, *form, rest);
    if (!old) return old.error();
    if (!old->has_value() || (*old)->draft.expires > now) continue;
    if (auto del = txn.del(db.drafts, draft_key(*form, rest)); !del) return del.error();
    if (auto st = add_to_count(txn, db, *form, -1); !st) return st.error();
    ++removed;
  }
  return removed;
}

Result<std::uint64_t> count(const Txn& txn, const Databases& db, std::string_view form) {
  auto v = txn.get(db.draft_counts, keys::name_prefix(form));
  if (!v) return v.error();
  if (!v.value()) return std::uint64_t{0};
  std::string_view in = **v;
  auto n = keys::take_u64(in);
  if (!n || !in.empty()) return damaged("draft count");
  return *n;
}

Result<std::vector<DraftInfo>> list(const Txn& txn, const Databases& db, std::string_view form, std::string_view after,
                                    std::size_t limit) {
  std::vector<DraftInfo> out;
  if (limit == 0) return out;
  std::string prefix = keys::name_prefix(form);
  auto cursor = Cursor::open(txn, db.drafts);
  if (!cursor) return cursor.error();
  auto pos = after.empty() ? cursor->seek(prefix) : cursor->seek(draft_key(form, after));
  for (;; pos = cursor->next()) {
    if (!pos) return pos.error();
    if (!pos.value() || !pos.value()->key.starts_with(prefix)) break;
    std::string_view id = pos.value()->key.substr(prefix.size());
    if (id == after) continue;  // the listing goes on after it
    auto s = decode(form, id, pos.value()->value);
    if (!s) return s.error();
    const Draft& d = s->draft;
    out.push_back({d.id, d.created, d.updated, d.expires, d.language, d.step, d.values, d.files, d.bytes});
    if (out.size() >= limit) break;
  }
  return out;
}

std::string id_hex(std::string_view id) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(id.size() * 2);
  for (char c : id) {
    auto b = static_cast<unsigned char>(c);
    hex.push_back(kDigits[b >> 4]);
    hex.push_back(kDigits[b & 0xf]);
  }
  return hex;
}

std::optional<std::string> id_from_hex(std::string_view hex) {
  if (hex.size() != kIdBytes * 2) return std::nullopt;
  auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  std::string id;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    int hi = digit(hex[i]), lo = digit(hex[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    id.push_back(static_cast<char>(hi * 16 + lo));
  }
  return id;
}

}  // namespace civic::storage::drafts

namespace civic::storage::check {

Status check_drafts(Walk& w) {
  using namespace drafts;
  std::map<std::string, std::uint64_t> counted;  // form -> drafts
  auto st = w.each(w.db.drafts, [&](const Entry& e) -> Status {
    std::string_view rest = e.key;
    auto form = keys::take_name(rest);
    if (!form || rest.size() != kIdBytes) {
      w.problem("drafts: a malformed key " + printable(e.key));
      return {};
    }
    auto d = decode(*form, rest, e.value);
    if (!d) {
      w.problem("drafts: " + std::string(*form) + " draft " + id_hex(rest) + " is a malformed record");
      return {};
    }
    counted[std::string(*form)]++;
    auto indexed = w.exists(w.db.draft_expiry, expiry_key(d->draft.expires, *form, rest));
    if (!indexed) return indexed.error();
    if (!*indexed)
      w.problem("drafts: " + std::string(*form) + " draft " + id_hex(rest) + " is not in draft_expiry at its expiry time");
    return {};
  });
  if (!st) return st;
  st = w.each(w.db.draft_expiry, [&](const Entry& e) -> Status {
    std::string_view k = e.key;
    auto at = keys::take_i64(k);
    std::string_view rest = k;
    auto form = at ? keys::take_name(rest) : std::nullopt;
    if (!form || rest.size() != kIdBytes) {
      w.problem("draft_expiry: a malformed key " + printable(e.key));
      return {};
    }
    auto d = read_any(w.txn, w.db, *form, rest);
    if (!d) return d.error();
    if (!d->has_value() || (*d)->draft.expires != *at)
      w.problem("draft_expiry: " + printable(e.key) + " names no draft expiring then");
    return {};
  });
  if (!st) return st;
  st = w.each(w.db.draft_counts, [&](const Entry& e) -> Status {
    std::string_view k = e.key;
    auto form = keys::take_name(k);
    std::string_view v = e.value;
    auto n = keys::take_u64(v);
    if (!form || !k.empty() || !n || !v.empty()) {
      w.problem("draft_counts: a malformed entry " + printable(e.key));
      return {};
    }
    auto found = counted.find(std::string(*form));
    std::uint64_t held = found == counted.end() ? 0 : found->second;
    if (*n != held)
      w.problem("draft_counts: " + std::string(*form) + " counts " + std::to_string(*n) + " drafts; drafts holds " +
                std::to_string(held));
    if (found != counted.end()) counted.erase(found);
    return {};
  });
  if (!st) return st;
  for (const auto& [form, n] : counted)
    w.problem("drafts: " + form + " has " + std::to_string(n) + " drafts but no count");
  return {};
}

}  // namespace civic::storage::check
