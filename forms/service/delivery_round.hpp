// One round of delivering submissions (issue 14), run by each worker in a
// pool thread: the deliveries due are claimed from the outbox
// (storage/outbox.hpp) under a lease, built from the stored submission
// (webhook bodies, e-mails), sent all at once (delivery/), and what each got
// is recorded: delivered, tried again later (with backoff, until the
// target's retry_for is over) or failed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "delivery/http_sender.hpp"
#include "delivery/smtp_config.hpp"
#include "delivery/smtp_sender.hpp"
#include "forms/forms.hpp"
#include "storage/store.hpp"

namespace civic::forms {

struct RoundReport {
  std::size_t delivered = 0;
  std::size_t retried = 0;
  std::size_t failed = 0;
  // One line per attempt for the info log: form, receipt, target, result
  // (never an answer or the citizen's address).
  std::vector<std::string> lines;
  std::vector<std::int64_t> delivered_after_ms;  // each delivered one: from its submission's storing
  std::string problem;  // the store could not be read or written: nothing was recorded
  bool full = false;    // the round took as many as one may: there may be more due

  // Tried and delivered nothing: the receivers are down.
  bool stalled() const noexcept { return delivered == 0 && retried + failed > 0; }
};

// When rounds run (the module's timer follows it):
//  - the next round after `last`: at once after a full round that delivered
//    (a backlog goes back to back), else after kIdleMs; a round that only
//    failed does not start the next at once;
//  - after a commit that stored deliveries, within kAfterCommitMs (the
//    commits of a busy form share rounds: each round is two commits of its
//    own), or kIdleMs while `last` stalled, so that new submissions do not
//    each start a round that would fail too.
inline constexpr std::int64_t kIdleMs = 1000;
inline constexpr std::int64_t kAfterCommitMs = 20;
std::int64_t next_round_ms(const RoundReport& last);
std::int64_t round_after_commit_ms(const RoundReport& last);

// What one worker keeps from round to round: the forms, and the senders
// with their open connections. Not thread-safe: one round at a time.
class DeliveryRounds {
 public:
  DeliveryRounds(const Forms& forms, std::optional<delivery::SmtpConfig> smtp);

  RoundReport run(storage::Store& store, std::int64_t now_ms, std::uint32_t owner);

  // Whether any form delivers anything.
  bool any() const noexcept { return any_; }
  // A claimed delivery is not sent again by another worker for this long.
  std::int64_t lease_ms() const noexcept { return lease_ms_; }

  static constexpr std::size_t kPerRound = 64;

 private:
  const Forms& forms_;
  std::optional<delivery::SmtpConfig> smtp_config_;
  delivery::HttpSender http_;
  std::optional<delivery::SmtpSender> smtp_;
  bool any_ = false;
  std::int64_t lease_ms_ = 60000;
};

// nginx -t's check once the http{} block is read: e-mail deliveries and
// confirmations need civic_smtp. An error text, or "".
std::string check_smtp(const Forms& forms, bool smtp_configured);

// The id receivers deduplicate on (webhook-id): the same on every retry,
// different for every submission and target, across stores and machines.
std::string delivery_id(std::string_view receipt, std::uint32_t target);

}  // namespace civic::forms
