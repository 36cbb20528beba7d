#include "forms/service/delivery_round.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <deque>
#include <random>

#include <rapidjson/document.h>

#include "delivery/mail_message.hpp"
#include "delivery/mail_texts.hpp"
#include "delivery/retry_policy.hpp"
#include "delivery/webhook_payload.hpp"
#include "delivery/webhook_signature.hpp"
#include "forms/local_time.hpp"
#include "sealing/sealed_record.hpp"
#include "storage/outbox.hpp"
#include "storage/submission_store.hpp"

namespace civic::forms {

namespace {

namespace ob = storage::outbox;

// A claimed delivery, built and ready to send (or already decided).
struct Job {
  ob::Claimed claimed;
  const Form* form = nullptr;
  const Delivery* target = nullptr;
  std::string receipt;
  std::optional<ob::Outcome> decided;  // failed before sending (gone, not configured, damaged)
  std::string error;
  std::size_t post = static_cast<std::size_t>(-1);  // its place among the posts or the mails
  std::size_t mail = static_cast<std::size_t>(-1);
};

const Delivery* find_target(const Form& form, std::uint32_t id) {
  for (const Delivery& d : form.deliveries)
    if (d.target_id() == id) return &d;
  return nullptr;
}

// The text of a stored answer for people: strings as they are, lists joined,
// files by name, type and size.
std::string answer_text(const rapidjson::Value& v) {
  if (v.IsString()) return std::string(v.GetString(), v.GetStringLength());
  if (v.IsBool()) return v.GetBool() ? "✓" : "–";
  if (v.IsNumber()) return std::to_string(v.GetDouble());
  if (!v.IsArray()) return {};
  std::string out;
  for (const auto& item : v.GetArray()) {
    std::string one;
    if (item.IsObject() && item.HasMember("filename") && item["filename"].IsString() &&
        item.HasMember("content_type") && item["content_type"].IsString() && item.HasMember("size") &&
        item["size"].IsUint64()) {
      one = delivery::file_answer(item["filename"].GetString(), item["content_type"].GetString(),
                                  item["size"].GetUint64());
    } else {
      one = answer_text(item);
    }
    out += (out.empty() ? "" : ", ") + one;
  }
  return out;
}

struct Stored {
  rapidjson::Document doc;
  std::string json;
  std::int64_t created = 0;
  std::string language;
  // A sealed form's record: its answers and files are envelopes that
  // nothing here can open; only what the record lists is read.
  std::optional<sealing::SealedMember> sealed;
};

// The submission's JSON and what the messages need of it.
std::optional<Stored> read_stored(const storage::Txn& txn, const storage::Databases& db, std::string_view form,
                                  std::uint64_t seq, std::string& error) {
  auto found = storage::list_submissions(txn, db, form, seq - 1, 1);
  if (!found) {
    error = found.error().message();
    return std::nullopt;
  }
  if (found->empty() || found->front().seq != seq) {
    error = "the submission is no longer stored";
    return std::nullopt;
  }
  Stored s;
  s.json = std::move(found->front().json);
  s.created = found->front().created;
  s.doc.Parse(s.json.data(), s.json.size());
  if (s.doc.HasParseError() || !s.doc.IsObject()) {
    error = "the stored submission is damaged";
    return std::nullopt;
  }
  if (!s.doc.HasMember("data")) {
    auto sealed = sealing::sealed_member_of(s.json);
    if (!sealed || !sealed.value()) {
      error = "the stored submission is damaged";
      return std::nullopt;
    }
    s.sealed = std::move(*sealed.value());
  } else if (!s.doc["data"].IsObject()) {
    error = "the stored submission is damaged";
    return std::nullopt;
  }
  if (s.doc.HasMember("language") && s.doc["language"].IsString()) s.language = s.doc["language"].GetString();
  return s;
}

std::string member_text(const rapidjson::Document& doc, const char* name) {
  return doc.HasMember(name) && doc[name].IsString() ? doc[name].GetString() : "";
}

// One stored file, kept in `bytes`; false if it cannot be read.
bool read_file(const storage::Txn& txn, const storage::Databases& db, std::string_view form, std::uint64_t seq,
               const std::string& field, std::uint32_t index, std::deque<std::string>& bytes,
               std::vector<delivery::FileContent>& files) {
  auto read = storage::read_attachment(txn, db, form, seq, field, index);
  if (!read || !read.value()) return false;
  bytes.push_back(std::move(**read));
  files.push_back({field, index, bytes.back()});
  return true;
}

// Every file the data lists (a sealed record: its envelopes), read from the
// store; `bytes` keeps them.
std::optional<std::vector<delivery::FileContent>> stored_files(const storage::Txn& txn, const storage::Databases& db,
                                                               const Form& form, std::uint64_t seq, const Stored& s,
                                                               std::deque<std::string>& bytes, std::string& error) {
  std::vector<delivery::FileContent> files;
  if (s.sealed) {
    for (const sealing::SealedFile& f : s.sealed->files) {
      if (!read_file(txn, db, form.name, seq, f.field, f.index, bytes, files)) {
        error = "a file of the submission cannot be read";
        return std::nullopt;
      }
    }
    return files;
  }
  const auto& data = s.doc["data"];
  for (const Field& f : form.fields) {
    if (f.type != FieldType::file || !data.HasMember(f.name.c_str()) || !data[f.name.c_str()].IsArray()) continue;
    for (std::uint32_t i = 0; i < data[f.name.c_str()].Size(); ++i) {
      if (!read_file(txn, db, form.name, seq, f.name, i, bytes, files)) {
        error = "a file of the submission cannot be read";
        return std::nullopt;
      }
    }
  }
  return files;
}

delivery::SubmissionFacts facts_of(const Form& form, const Stored& s, std::string_view receipt) {
  delivery::SubmissionFacts f;
  f.form = form.name;
  f.language = s.language.empty() ? form.languages.front() : s.language;
  f.form_title = std::string(form.title.in(f.language, form.languages));
  if (f.form_title.empty()) f.form_title = form.name;
  f.receipt = receipt;
  f.created_time = s.created;
  f.local_time = local_time_text(s.created, form.timezone);
  f.time_zone = f.local_time.empty() ? "UTC" : form.timezone;
  return f;
}

std::vector<std::pair<std::string, std::string>> answers_of(const Form& form, const Stored& s,
                                                            std::string_view lang) {
  std::vector<std::pair<std::string, std::string>> out;
  const auto& data = s.doc["data"];
  for (const Field& f : form.fields) {
    if (!data.HasMember(f.name.c_str())) continue;
    std::string label(f.label.in(lang, form.languages));
    out.emplace_back(label.empty() ? f.name : label, answer_text(data[f.name.c_str()]));
  }
  return out;
}

// At most kErrorText bytes of an error, cut at a character boundary.
constexpr std::size_t kErrorText = 160;
std::string short_text(std::string text) {
  if (text.size() <= kErrorText) return text;
  std::size_t cut = kErrorText;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  text.resize(cut);
  return text + "…";
}

// For the log: a receiver's answer may echo what it was sent (personal
// data), so an HTTP error is logged as its status alone.
std::string_view loggable(std::string_view error) {
  if (error.starts_with("HTTP ") && error.size() > 8) return error.substr(0, 8);
  return error;
}

std::string result_text(ob::Outcome outcome, std::string_view error) {
  error = loggable(error);
  switch (outcome) {
    case ob::Outcome::delivered: return "delivered";
    case ob::Outcome::retry: return "will be tried again (" + std::string(error) + ")";
    case ob::Outcome::failed: return "failed (" + std::string(error) + ")";
  }
  return {};
}

std::vector<delivery::HttpResult> send_posts(delivery::HttpSender& http, std::vector<delivery::HttpPost>& posts,
                                             const std::vector<Job>& jobs) {
  // Signed and sent kTurn at a time, as the sender sends them, so that each
  // webhook-timestamp is when its request leaves.
  constexpr std::size_t kTurn = 32;
  std::vector<const Job*> of_post(posts.size());
  for (const Job& job : jobs)
    if (job.post < posts.size()) of_post[job.post] = &job;
  std::vector<delivery::HttpResult> results;
  for (std::size_t from = 0; from < posts.size(); from += kTurn) {
    std::size_t to = std::min(posts.size(), from + kTurn);
    std::int64_t now_s = std::chrono::duration_cast<std::chrono::seconds>(
                             std::chrono::system_clock::now().time_since_epoch()).count();
    for (std::size_t i = from; i < to; ++i) {
      const Job& job = *of_post[i];
      posts[i].headers = delivery::standard_webhook_headers(
          job.target->secret, delivery_id(job.receipt, job.claimed.key.target), now_s, posts[i].body);
    }
    auto turn = http.post_all(std::span(posts).subspan(from, to - from));
    for (auto& r : turn) results.push_back(std::move(r));
  }
  return results;
}

}  // namespace

std::int64_t next_round_ms(const RoundReport& last) {
  return last.full && last.delivered > 0 && last.problem.empty() ? 0 : kIdleMs;
}

std::int64_t round_after_commit_ms(const RoundReport& last) { return last.stalled() ? kIdleMs : kAfterCommitMs; }

std::string check_smtp(const Forms& forms, bool smtp_configured) {
  if (smtp_configured) return {};
  for (std::string_view name : forms.names())
    for (const Delivery& d : forms.find(name)->deliveries)
      if (d.kind != DeliveryKind::webhook)
        return "civic_form \"" + std::string(name) + "\": " +
               (d.kind == DeliveryKind::email ? "deliver email" : "confirm_email") +
               " needs civic_smtp in the http{} block (the relay e-mail goes through, as in: civic_smtp "
               "smtp://relay.example.fi:587 from=noreply@example.fi;) (line " + std::to_string(d.line) + ")";
  return {};
}

std::string delivery_id(std::string_view receipt, std::uint32_t target) {
  char hex[16];
  std::snprintf(hex, sizeof hex, ".%08x", target);
  return std::string(receipt) + hex;
}

DeliveryRounds::DeliveryRounds(const Forms& forms, std::optional<delivery::SmtpConfig> smtp)
    : forms_(forms), smtp_config_(std::move(smtp)) {
  std::int64_t webhook = 0, mail = 0;
  for (std::string_view name : forms_.names())
    for (const Delivery& d : forms_.find(name)->deliveries) {
      any_ = true;
      std::int64_t& longest = d.kind == DeliveryKind::webhook ? webhook : mail;
      longest = std::max(longest, d.timeout_ms);
    }
  // Longer than a round can take: its posts go out 32 at a time (two turns
  // of kPerRound), then its e-mails kParallel at a time, then the outcomes
  // are recorded.
  std::int64_t mail_turns = (kPerRound + delivery::SmtpSender::kParallel - 1) / delivery::SmtpSender::kParallel;
  lease_ms_ = 2 * webhook + mail_turns * mail + 10000;
  if (smtp_config_) smtp_.emplace(*smtp_config_);
}

RoundReport DeliveryRounds::run(storage::Store& store, std::int64_t now_ms, std::uint32_t owner) {
  RoundReport report;
  auto fail = [&](const Error& e) {
    report.problem = e.message();
    return report;
  };
  {
    auto txn = storage::Txn::begin_read(store.env());
    if (!txn) return fail(txn.error());
    auto next = ob::next_due_ms(*txn, store.db());
    if (!next) return fail(next.error());
    if (!*next || **next > now_ms) return report;  // nothing due: no write lock taken
  }
  std::vector<Job> jobs;
  {
    auto txn = storage::Txn::begin_write(store.env());
    if (!txn) return fail(txn.error());
    auto claimed = ob::claim_due(*txn, store.db(), now_ms, lease_ms_, owner, kPerRound);
    if (!claimed) return fail(claimed.error());
    if (claimed->empty()) return report;
    if (auto st = txn->commit(); !st) return fail(st.error());
    report.full = claimed->size() == kPerRound;
    for (auto& c : *claimed) {
      jobs.emplace_back();
      jobs.back().claimed = std::move(c);
    }
  }

  // Built from the stored submissions in one read transaction, then sent
  // with none open.
  std::vector<delivery::HttpPost> posts;
  std::vector<delivery::OutgoingMail> mails;
  {
    auto txn = storage::Txn::begin_read(store.env());
    if (!txn) return fail(txn.error());
    for (Job& job : jobs) {
      const auto& key = job.claimed.key;
      job.form = forms_.find(key.form);
      job.target = job.form ? find_target(*job.form, key.target) : nullptr;
      if (job.target == nullptr) {
        job.decided = ob::Outcome::failed;
        job.error = "the form no longer has this delivery";
        continue;
      }
      auto stored = read_stored(*txn, store.db(), key.form, key.seq, job.error);
      if (!stored) {
        job.decided = ob::Outcome::failed;
        continue;
      }
      job.receipt = member_text(stored->doc, "receipt");
      const Delivery& d = *job.target;
      if (d.kind == DeliveryKind::webhook) {
        std::deque<std::string> bytes;
        auto files = stored_files(*txn, store.db(), *job.form, key.seq, *stored, bytes, job.error);
        auto body = files ? delivery::webhook_body(stored->json, *files, d.files_inline)
                          : Result<std::string>(Error(Error::kCorrupt, "read files", job.error));
        if (!body) {
          job.decided = ob::Outcome::failed;
          job.error = body.error().message();
          continue;
        }
        delivery::HttpPost post;
        post.url = d.url;
        // Signed when its turn to be sent comes (send_posts).
        post.body = std::move(*body);
        post.timeout_ms = static_cast<long>(d.timeout_ms);
        job.post = posts.size();
        posts.push_back(std::move(post));
        continue;
      }
      if (!smtp_) {
        job.decided = ob::Outcome::failed;
        job.error = "no civic_smtp is configured";
        continue;
      }
      delivery::SubmissionFacts facts = facts_of(*job.form, *stored, job.receipt);
      // The case worker reads the city's own language (the form's first);
      // the citizen their own (the submission's).
      if (d.kind == DeliveryKind::email) {
        facts.language = job.form->languages.front();
        facts.form_title = std::string(job.form->title.in(facts.language, job.form->languages));
        if (facts.form_title.empty()) facts.form_title = job.form->name;
      }
      delivery::MailContent content;
      if (d.kind == DeliveryKind::confirmation) {
        // A sealed record's address was kept in its outbox entry.
        std::string to = job.claimed.entry.address;
        if (!stored->sealed) {
          const auto& data = stored->doc["data"];
          if (data.HasMember(d.field.c_str()) && data[d.field.c_str()].IsString()) to = data[d.field.c_str()].GetString();
        }
        if (!delivery::valid_mail_address(to)) {
          job.decided = ob::Outcome::failed;
          job.error = "the address the citizen gave is not one a message can be sent to";
          continue;
        }
        content = delivery::citizen_confirmation(facts, smtp_config_->from, to);
      } else if (d.full && !stored->sealed) {
        // A sealed record's answers cannot be read here: it gets the
        // summary. (nginx -t refuses content=full with seal; a record
        // sealed before the form lost its seal and gained content=full.)
        content = delivery::case_worker_full(facts, answers_of(*job.form, *stored, facts.language), smtp_config_->from, d.to);
      } else {
        content = delivery::case_worker_summary(facts, smtp_config_->from, d.to);
      }
      content.date = now_ms / 1000;  // when it is sent (a retry may be days later)
      auto message = delivery::build_message(content);
      if (!message) {
        job.decided = ob::Outcome::failed;
        job.error = message.error().message();
        continue;
      }
      job.mail = mails.size();
      mails.push_back(delivery::OutgoingMail{content.to, std::move(*message), static_cast<long>(d.timeout_ms)});
    }
  }

  std::vector<delivery::HttpResult> posted = send_posts(http_, posts, jobs);
  std::vector<delivery::MailResult> mailed = mails.empty() || !smtp_ ? std::vector<delivery::MailResult>{} : smtp_->send_all(mails);

  std::mt19937 random(static_cast<std::uint32_t>(now_ms) ^ owner);
  std::int64_t done_ms = now_ms;
  std::vector<ob::Attempt> attempts;
  for (Job& job : jobs) {
    ob::Attempt a;
    a.key = job.claimed.key;
    a.at_ms = done_ms;
    if (job.decided) {
      a.outcome = *job.decided;
    } else if (job.post < posted.size()) {
      const auto& r = posted[job.post];
      auto o = delivery::http_outcome(r.status, r.transport_error);
      a.outcome = o == delivery::Outcome::delivered ? ob::Outcome::delivered
                  : o == delivery::Outcome::retry   ? ob::Outcome::retry
                                                    : ob::Outcome::failed;
      job.error = r.error.empty() ? "HTTP " + std::to_string(r.status) : r.error;
    } else if (job.mail < mailed.size()) {
      const auto& r = mailed[job.mail];
      a.outcome = r.delivered ? ob::Outcome::delivered : r.retry ? ob::Outcome::retry : ob::Outcome::failed;
      job.error = r.error;
    } else {
      a.outcome = ob::Outcome::retry;
      job.error = "not sent";
    }
    if (a.outcome == ob::Outcome::retry) {
      std::int64_t retry_for = job.target ? job.target->retry_for_ms : 0;
      if (delivery::retry_window_over(job.claimed.entry.retry_from_ms, done_ms, retry_for)) {
        a.outcome = ob::Outcome::failed;
        job.error += "; retry_for is over";
      } else {
        a.next_due_ms = done_ms + delivery::retry_delay_ms(job.claimed.entry.attempts + 1, random());
      }
    }
    job.error = short_text(job.error);  // a receiver's answer may echo what it was sent
    if (a.outcome != ob::Outcome::delivered) a.error = job.error;
    if (a.outcome == ob::Outcome::delivered)
      report.delivered_after_ms.push_back(std::max<std::int64_t>(0, done_ms - job.claimed.entry.created_ms));
    (a.outcome == ob::Outcome::delivered ? report.delivered
     : a.outcome == ob::Outcome::retry   ? report.retried
                                         : report.failed)++;
    std::string target = job.target ? job.target->describe() : "target " + std::to_string(a.key.target);
    report.lines.push_back(a.key.form + " " + (job.receipt.empty() ? "#" + std::to_string(a.key.seq) : job.receipt) +
                           " " + target + ": " + result_text(a.outcome, job.error));
    attempts.push_back(std::move(a));
  }

  auto txn = storage::Txn::begin_write(store.env());
  if (!txn) return fail(txn.error());
  if (auto st = ob::record(*txn, store.db(), attempts); !st) return fail(st.error());
  if (auto st = txn->commit(); !st) return fail(st.error());
  return report;
}

}  // namespace civic::forms
