// `civicctl verify`, the forms half: submissions, receipts, attachments,
// replay records and their indexes, definitions, purge and day records.
#include <algorithm>
#include <map>

#include <rapidjson/document.h>

#include "sealing/envelope.hpp"
#include "sealing/sealed_record.hpp"
#include "storage/form_definitions.hpp"
#include "storage/retention.hpp"
#include "storage/store_check_walk.hpp"
#include "storage/submission_keys.hpp"
#include "storage/submission_store.hpp"

namespace civic::storage::check {

namespace {

using submission_keys::form_key;
using submission_keys::seq_key;

class FormsCheck {
 public:
  explicit FormsCheck(Walk& walk) : w_(walk) {}

  Status run() {
    for (auto part : {&FormsCheck::counters, &FormsCheck::submissions, &FormsCheck::receipts,
                      &FormsCheck::attachments, &FormsCheck::replays, &FormsCheck::replay_expiries,
                      &FormsCheck::replay_owners, &FormsCheck::definitions})
      if (auto st = (this->*part)(); !st) return st;
    compare_counts();
    return {};
  }

 private:
  struct FormCounts {
    std::optional<std::uint64_t> last_seq, live;  // from form_counters
    std::uint64_t submissions = 0, max_seq = 0, receipts = 0, files_listed = 0, attachments = 0;
  };

  Status counters() {
    return w_.each(w_.db.form_counters, [&](const Entry& e) -> Status {
      std::string_view key = e.key;
      auto form = keys::take_name(key);
      std::string_view v = e.value;
      auto last = keys::take_u64(v);
      auto live = keys::take_u64(v);
      if (!form || !key.empty() || !last || !live || !v.empty()) {
        w_.problem("form_counters: malformed entry " + printable(e.key));
        return {};
      }
      FormCounts& c = forms_[std::string(*form)];
      c.last_seq = *last;
      c.live = *live;
      return {};
    });
  }

  Status submissions() {
    return w_.each(w_.db.submissions, [&](const Entry& e) -> Status {
      w_.count_submission();
      auto key = submission_keys::parse_seq_key(e.key);
      if (!key || !key->rest.empty()) {
        w_.problem("submissions: malformed key " + printable(e.key));
        return {};
      }
      std::string form(key->form);
      FormCounts& c = forms_[form];
      c.submissions++;
      c.max_seq = std::max(c.max_seq, key->seq);
      return submission(form, key->seq, e.value, c);
    });
  }

  // One stored submission: its JSON names it, the receipt index leads back
  // to it, and every file it lists is stored with the size it says.
  Status submission(const std::string& form, std::uint64_t seq, std::string_view value, FormCounts& c) {
    std::string where = "submissions: " + form + " #" + std::to_string(seq) + ": ";
    if (!keys::take_i64(value)) {
      w_.problem(where + "malformed record");
      return {};
    }
    rapidjson::Document doc;
    doc.Parse(value.data(), value.size());
    if (doc.HasParseError() || !doc.IsObject()) {
      w_.problem(where + "the stored JSON does not parse");
      return {};
    }
    auto str = [&](const char* name) -> std::optional<std::string_view> {
      auto it = doc.FindMember(name);
      if (it == doc.MemberEnd() || !it->value.IsString()) return std::nullopt;
      return std::string_view(it->value.GetString(), it->value.GetStringLength());
    };
    auto receipt = str("receipt");
    auto stored_seq = doc.FindMember("seq");
    auto data = doc.FindMember("data");
    // A sealed form's record has "sealed" in place of "data".
    const bool sealed = data == doc.MemberEnd() && doc.HasMember("sealed");
    if (!receipt || str("form") != std::optional<std::string_view>(form) || !str("created_time") ||
        !str("language") || stored_seq == doc.MemberEnd() || !stored_seq->value.IsUint64() ||
        (!sealed && (data == doc.MemberEnd() || !data->value.IsObject()))) {
      w_.problem(where + "the stored JSON lacks receipt, form, seq, created_time, language or data, or names another form");
      return {};
    }
    if (stored_seq->value.GetUint64() != seq)
      w_.problem(where + "the stored JSON names seq " + std::to_string(stored_seq->value.GetUint64()));
    if (auto st = receipt_leads_back(form, seq, *receipt, where); !st) return st;
    if (sealed) return sealed_files(form, seq, value, where, c);
    return listed_files(form, seq, data->value, where, c);
  }

  // A sealed record is checked as envelopes, never opened (verify holds no
  // key): its answers' envelope agrees with the key id and size the record
  // gives, and each file it lists is stored as an envelope for the same key,
  // of the listed size.
  Status sealed_files(const std::string& form, std::uint64_t seq, std::string_view json, const std::string& where,
                      FormCounts& c) {
    auto member = sealing::sealed_member_of(json);
    if (!member || !member.value()) {
      w_.problem(where + (member ? std::string("has no \"sealed\" member") : member.error().message()));
      return {};
    }
    const sealing::SealedMember& m = **member;
    for (const sealing::SealedFile& f : m.files) {
      c.files_listed++;
      auto file = w_.txn.get(w_.db.attachments, submission_keys::attachment_key(form, seq, f.field, f.index));
      if (!file) return file.error();
      std::string which = "sealed file " + f.field + "[" + std::to_string(f.index) + "]";
      if (!file.value()) {
        w_.problem(where + which + " is listed but not stored");
        continue;
      }
      auto key_id = sealing::envelope_key_id(**file);
      if (!key_id)
        w_.problem(where + which + " is not a sealed envelope");
      else if (*key_id != m.key_id)
        w_.problem(where + which + " is sealed for key " + *key_id + ", the record names " + m.key_id);
      if (file.value()->size() != f.size)
        w_.problem(where + which + " has " + std::to_string(file.value()->size()) + " bytes, the record lists " +
                   std::to_string(f.size));
    }
    return {};
  }

  Status receipt_leads_back(const std::string& form, std::uint64_t seq, std::string_view receipt,
                            const std::string& where) {
    auto indexed = w_.txn.get(w_.db.receipts, form_key(form) + std::string(receipt));
    if (!indexed) return indexed.error();
    std::string_view iv = indexed.value().value_or(std::string_view());
    auto indexed_seq = keys::take_u64(iv);
    if (!indexed.value()) w_.problem(where + "receipt " + std::string(receipt) + " is not in the receipts index");
    else if (!indexed_seq || *indexed_seq != seq)
      w_.problem(where + "the receipts index entry of " + std::string(receipt) + " points elsewhere");
    return {};
  }

  Status listed_files(const std::string& form, std::uint64_t seq, const rapidjson::Value& data,
                      const std::string& where, FormCounts& c) {
    for (auto& m : data.GetObject()) {
      if (!m.value.IsArray()) continue;
      std::uint32_t index = 0;
      for (auto& item : m.value.GetArray()) {
        if (!item.IsObject() || !item.HasMember("filename")) break;
        c.files_listed++;
        std::string field(m.name.GetString(), m.name.GetStringLength());
        auto file = w_.txn.get(w_.db.attachments, submission_keys::attachment_key(form, seq, field, index));
        if (!file) return file.error();
        auto size = item.FindMember("size");
        std::string which = "file " + field + "[" + std::to_string(index) + "]";
        if (!file.value())
          w_.problem(where + which + " is listed but not stored");
        else if (size == item.MemberEnd() || !size->value.IsUint64() || size->value.GetUint64() != file.value()->size())
          w_.problem(where + which + " has another size than listed");
        ++index;
      }
    }
    return {};
  }

  Status receipts() {
    return w_.each(w_.db.receipts, [&](const Entry& e) -> Status {
      std::string_view key = e.key;
      auto form = keys::take_name(key);
      std::string_view v = e.value;
      auto seq = keys::take_u64(v);
      if (!form || key.empty() || !seq || !v.empty()) {
        w_.problem("receipts: malformed entry " + printable(e.key));
        return {};
      }
      forms_[std::string(*form)].receipts++;
      auto found = w_.exists(w_.db.submissions, seq_key(*form, *seq));
      if (!found) return found.error();
      if (!*found)
        w_.problem("receipts: " + std::string(*form) + " " + printable(key) + " points to submission #" +
                   std::to_string(*seq) + ", which does not exist");
      return {};
    });
  }

  Status attachments() {
    std::string last_checked;
    bool last_exists = false;
    return w_.each(w_.db.attachments, [&](const Entry& e) -> Status {
      auto key = submission_keys::parse_seq_key(e.key);
      std::string_view rest = key ? key->rest : std::string_view();
      auto field = keys::take_name(rest);
      auto index = keys::take_u32(rest);
      if (!key || !field || !index || !rest.empty()) {
        w_.problem("attachments: malformed key " + printable(e.key));
        return {};
      }
      forms_[std::string(key->form)].attachments++;
      std::string owner = seq_key(key->form, key->seq);
      if (owner != last_checked) {  // a submission's files are adjacent: one lookup for all
        auto found = w_.exists(w_.db.submissions, owner);
        if (!found) return found.error();
        last_checked = owner;
        last_exists = *found;
      }
      if (!last_exists)
        w_.problem("attachments: " + std::string(key->form) + " #" + std::to_string(key->seq) + " " +
                   std::string(*field) + "[" + std::to_string(*index) + "] belongs to no submission");
      return {};
    });
  }

  // The seq a receipt of `form` leads to, if any.
  Result<std::optional<std::uint64_t>> seq_of(std::string_view form, std::string_view receipt) {
    auto v = w_.txn.get(w_.db.receipts, form_key(form) + std::string(receipt));
    if (!v) return v.error();
    if (!v.value()) return std::optional<std::uint64_t>{};
    std::string_view s = **v;
    return keys::take_u64(s);
  }

  // replays: form key -> expires, receipt; each has an expiry entry, an owner
  // entry, and answers with a receipt that is stored.
  Status replays() {
    return w_.each(w_.db.replays, [&](const Entry& e) -> Status {
      replays_++;
      std::string_view key = e.key;
      auto form = keys::take_name(key);
      std::string_view receipt = e.value;
      auto expires = keys::take_i64(receipt);
      if (!form || key.empty() || !expires || receipt.empty()) {
        w_.problem("replays: malformed entry " + printable(e.key));
        return {};
      }
      std::string where = "replays: " + std::string(*form) + " " + printable(key) + ": ";
      std::string expiry;
      keys::append_i64(expiry, *expires);
      expiry += e.key;
      auto has_expiry = w_.exists(w_.db.replay_expiry, expiry);
      if (!has_expiry) return has_expiry.error();
      if (!*has_expiry) w_.problem(where + "has no replay_expiry entry");
      auto seq = seq_of(*form, receipt);
      if (!seq) return seq.error();
      if (!seq.value()) {
        w_.problem(where + "answers with receipt " + std::string(receipt) + ", which is not stored");
        return {};
      }
      auto has_owner = w_.exists(w_.db.replay_owners, seq_key(*form, **seq) + std::string(key));
      if (!has_owner) return has_owner.error();
      if (!*has_owner) w_.problem(where + "is not listed in replay_owners");
      return {};
    });
  }

  Status replay_expiries() {
    auto st = w_.each(w_.db.replay_expiry, [&](const Entry& e) -> Status {
      expiries_++;
      std::string_view key = e.key;
      auto expires = keys::take_i64(key);
      if (!expires || key.empty()) {
        w_.problem("replay_expiry: malformed key " + printable(e.key));
        return {};
      }
      auto record = w_.txn.get(w_.db.replays, key);
      if (!record) return record.error();
      std::string_view v = record.value().value_or(std::string_view());
      auto recorded = keys::take_i64(v);
      if (!record.value() || !recorded || *recorded != *expires)
        w_.problem("replay_expiry: " + printable(e.key) + " has no replay record of that expiry");
      return {};
    });
    if (st && expiries_ != replays_)
      w_.problem("replay_expiry has " + std::to_string(expiries_) + " entries for " + std::to_string(replays_) +
                 " replay records");
    return st;
  }

  Status replay_owners() {
    std::uint64_t owners = 0;
    auto st = w_.each(w_.db.replay_owners, [&](const Entry& e) -> Status {
      owners++;
      auto key = submission_keys::parse_seq_key(e.key);
      if (!key || key->rest.empty()) {
        w_.problem("replay_owners: malformed key " + printable(e.key));
        return {};
      }
      auto record = w_.txn.get(w_.db.replays, form_key(key->form) + std::string(key->rest));
      if (!record) return record.error();
      std::string where = "replay_owners: " + std::string(key->form) + " #" + std::to_string(key->seq) + " " +
                          printable(key->rest) + ": ";
      if (!record.value()) {
        w_.problem(where + "lists a replay record that does not exist");
        return {};
      }
      std::string_view v = **record;
      keys::take_i64(v);
      auto seq = seq_of(key->form, v);
      if (!seq) return seq.error();
      if (seq.value() != std::optional<std::uint64_t>(key->seq))
        w_.problem(where + "the replay record answers for another submission");
      return {};
    });
    if (st && owners != replays_)
      w_.problem("replay_owners has " + std::to_string(owners) + " entries for " + std::to_string(replays_) +
                 " replay records");
    return st;
  }

  // form_defs, form_purges, form_days: each record reads back.
  Status definitions() {
    auto st = w_.each(w_.db.form_defs, [&](const Entry& e) -> Status {
      if (auto name = name_key(w_, "form_defs", e)) {
        auto def = read_form_definition(w_.txn, w_.db, *name);
        if (!def) w_.problem("form_defs: " + std::string(*name) + ": " + def.error().message());
      }
      return {};
    });
    if (!st) return st;
    st = w_.each(w_.db.form_purges, [&](const Entry& e) -> Status {
      if (auto name = name_key(w_, "form_purges", e)) {
        auto record = read_purge_record(w_.txn, w_.db, *name);
        if (!record) w_.problem("form_purges: " + std::string(*name) + ": " + record.error().message());
      }
      return {};
    });
    if (!st) return st;
    return w_.each(w_.db.form_days, [&](const Entry& e) -> Status {
      if (auto name = name_key(w_, "form_days", e)) {
        auto count = submissions_on_day(w_.txn, w_.db, *name, 0);
        if (!count) w_.problem("form_days: " + std::string(*name) + ": " + count.error().message());
      }
      return {};
    });
  }

  void compare_counts() {
    for (const auto& [form, c] : forms_) {
      std::string where = "form \"" + form + "\": ";
      if (!c.live) {
        if (c.submissions > 0) w_.problem(where + "has submissions but no counter in form_counters");
        continue;
      }
      if (*c.live != c.submissions)
        w_.problem(where + "form_counters says " + std::to_string(*c.live) + " live submissions, the store holds " +
                   std::to_string(c.submissions));
      if (c.max_seq > *c.last_seq)
        w_.problem(where + "submission " + std::to_string(c.max_seq) + " is above the counter's last number " +
                   std::to_string(*c.last_seq));
      if (c.receipts != c.submissions)
        w_.problem(where + std::to_string(c.receipts) + " receipt index entries for " +
                   std::to_string(c.submissions) + " submissions");
      if (c.attachments != c.files_listed)
        w_.problem(where + std::to_string(c.attachments) + " stored files for " + std::to_string(c.files_listed) +
                   " files listed by the submissions");
    }
  }

  Walk& w_;
  std::map<std::string, FormCounts> forms_;
  std::uint64_t replays_ = 0, expiries_ = 0;
};

}  // namespace

Status check_forms(Walk& walk) { return FormsCheck(walk).run(); }

}  // namespace civic::storage::check
