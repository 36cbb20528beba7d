#include "calendar/model/recurrence.hpp"

#include <libical/ical.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <mutex>

#include "calendar/model/libical_zone.hpp"
#include "calendar/model/timezone.hpp"

namespace civic::calendar {

namespace {

// A wall-clock time for libical, with no zone: libical walks the rule on the
// wall clock alone, and each occurrence is converted in the event's zone
// here. (Given a zone, libical moves a time that falls in a daylight-saving
// gap and keeps the moved time for the occurrences after it: a daily 03:30
// would become 04:30 the day after the gap too.)
icaltimetype wall_time(const CivilTime& t, bool date_only) {
  icaltimetype tt = icaltime_null_time();
  tt.year = t.year;
  tt.month = t.month;
  tt.day = t.day;
  tt.is_date = date_only ? 1 : 0;
  if (!date_only) {
    tt.hour = t.hour;
    tt.minute = t.minute;
    tt.second = t.second;
  }
  return tt;
}

CivilTime civil_of(const icaltimetype& tt) {
  CivilTime c{tt.year, tt.month, tt.day, 0, 0, 0};
  if (!tt.is_date) {
    c.hour = tt.hour;
    c.minute = tt.minute;
    c.second = tt.second;
  }
  return c;
}

// The event's length: whole days for an all-day event (nominal, RFC 5545
// §3.8.2.5), seconds otherwise.
struct Length {
  int days = 0;
  std::int64_t seconds = 0;

  // At least the length of any occurrence, in seconds (a day may have 25 hours).
  std::int64_t longest() const { return days > 0 ? std::int64_t{days} * 90000 : seconds; }
};

Length length_of(const Event& e) {
  Length len;
  if (e.all_day()) {
    len.days = 1;
    if (e.end) {
      auto d = days_from_civil(e.end->local.year, e.end->local.month, e.end->local.day) -
               days_from_civil(e.start.local.year, e.start.local.month, e.start.local.day);
      if (d > 0) len.days = static_cast<int>(d);
    }
  } else if (e.end) {
    len.seconds = std::max<std::int64_t>(0, instant_of(*e.end, e.timezone) - instant_of(e.start, e.timezone));
  }
  return len;
}

Occurrence occurrence_at(const CivilTime& local, const Event& e, const Length& len) {
  Occurrence o;
  if (e.all_day()) {
    CivilTime day{local.year, local.month, local.day, 0, 0, 0};
    o.start = local_to_utc(day, e.timezone);
    o.end = local_to_utc(add_days(day, len.days), e.timezone);
  } else {
    o.start = local_to_utc(local, e.timezone);
    o.end = o.start + len.seconds;
  }
  if (o.end <= o.start) o.end = o.start + 1;
  return o;
}

// The EXDATEs, sorted for lookup: a date (or any EXDATE of an all-day
// event) excludes its whole day, a date-time exactly that start.
class Exclusions {
 public:
  explicit Exclusions(const Event& e) {
    for (const auto& x : e.recurrence->exdates) {
      if (e.all_day() || x.date_only) {
        days_.push_back(CivilTime{x.local.year, x.local.month, x.local.day, 0, 0, 0});
      } else {
        times_.push_back(x.local);
      }
    }
    std::sort(days_.begin(), days_.end());
    std::sort(times_.begin(), times_.end());
  }

  bool excludes(const CivilTime& local) const {
    CivilTime day{local.year, local.month, local.day, 0, 0, 0};
    return std::binary_search(days_.begin(), days_.end(), day) ||
           std::binary_search(times_.begin(), times_.end(), local);
  }

 private:
  std::vector<CivilTime> days_;
  std::vector<CivilTime> times_;
};

// The length of one period of a rule (INTERVAL times FREQ) in seconds, at
// least: what an ExpansionBudget step of walking over nothing stands for.
std::int64_t period_seconds(const icalrecurrencetype& rule) {
  std::int64_t n = rule.interval > 0 ? rule.interval : 1;
  switch (rule.freq) {
    case ICAL_SECONDLY_RECURRENCE: return n;
    case ICAL_MINUTELY_RECURRENCE: return n * 60;
    case ICAL_HOURLY_RECURRENCE: return n * 3600;
    case ICAL_DAILY_RECURRENCE: return n * 86400;
    case ICAL_WEEKLY_RECURRENCE: return n * 7 * 86400;
    case ICAL_MONTHLY_RECURRENCE: return n * 28 * 86400;
    default: return n * 365 * 86400;
  }
}

// The end (exclusive) of what UNTIL lets the rule start: RFC 5545 §3.3.10,
// UNTIL is inclusive; a DATE takes its whole day in the event's zone.
std::int64_t until_end(const icaltimetype& until, std::string_view zone) {
  if (until.is_date) return local_to_utc(CivilTime{until.year, until.month, until.day, 0, 0, 0}, zone) + 86400;
  if (icaltime_is_utc(until)) return seconds_from_civil(civil_of(until)) + 1;
  return local_to_utc(civil_of(until), zone) + 1;
}

// How a walk ended.
enum class WalkEnd {
  stopped,        // fn returned false
  finished,       // no occurrence left (none before kEndOfTime)
  reached,        // the next one starts at or after `until`
  out_of_budget,  // the budget ended the walk earlier
};

struct WalkResult {
  WalkEnd end = WalkEnd::finished;
  std::int64_t resume_from = kOpenEnded;  // reached, out_of_budget: later ones start at or after it
};

// Calls fn(occurrence) for the occurrences of a recurring event that start
// in [from, until), in order: the RRULE's and the RDATEs (DTSTART with
// them if there is no rule libical can expand), minus the EXDATEs, until fn
// returns false. A rule without COUNT is started at `from`
// (icalrecur_iterator_set_start), one with COUNT at DTSTART. Each occurrence
// looked at costs a step of `budget`, and so does each period walked over
// without one; libical is told to stop (UNTIL) where the budget would end,
// so a rule that rarely or never matches cannot walk on past it.
// Each libical call holds libical_mutex() on its own (not the whole walk), so
// that a long expansion in a pool thread never makes the event loop wait long.
template <class Fn>
WalkResult walk_occurrences(const Event& e, const Length& len, std::int64_t from, std::int64_t until,
                            ExpansionBudget& budget, Fn&& fn) {
  const Recurrence& rec = *e.recurrence;
  const bool all_day = e.all_day();
  const std::int64_t dtstart = instant_of(e.start, e.timezone);
  std::int64_t walk_end = std::min(until, kEndOfTime);
  WalkEnd at_walk_end = until < kEndOfTime ? WalkEnd::reached : WalkEnd::finished;

  std::vector<CivilTime> extra;
  for (const auto& r : rec.rdates) extra.push_back(r.local);

  // The rule, started where the walk begins.
  icalrecur_iterator* it = nullptr;
  std::int64_t period = 0;
  std::int64_t walk_from = dtstart;
  std::int64_t rule_end = walk_end;  // its UNTIL may end it sooner
  int count = 0;
  bool rule_expands = false;
  if (!rec.rrule.empty()) {
    std::lock_guard lock(libical_mutex());
    icalrecurrencetype rule = icalrecurrencetype_from_string(rec.rrule.c_str());
    if (rule.freq != ICAL_NO_RECURRENCE) {
      period = period_seconds(rule);
      count = rule.count;
      if (count == 0) walk_from = std::max(dtstart, from);
      auto periods = static_cast<std::int64_t>(std::min<std::size_t>(
          budget.left(), static_cast<std::size_t>(std::max<std::int64_t>(0, kEndOfTime - walk_from) / period + 1)));
      if (walk_from + periods * period < walk_end) {
        walk_end = walk_from + periods * period;
        at_walk_end = WalkEnd::out_of_budget;
      }
      rule_end = walk_end;
      if (!icaltime_is_null_time(rule.until)) rule_end = std::min(rule_end, until_end(rule.until, e.timezone));
      // libical stops a day after the end on the wall clock (a margin for
      // the zone's offset); the exact end is checked here.
      rule.until = wall_time(add_days(utc_to_local(std::max(rule_end, dtstart), e.timezone), 1), all_day);
      icaltimetype first = wall_time(e.start.local, all_day);
      // A day early: an occurrence may start before `from` on the wall
      // clock and after it in UTC (an offset change, an all-day event).
      CivilTime start_at = add_days(utc_to_local(walk_from, e.timezone), -1);
      bool skip_ahead = count == 0 && walk_from - dtstart > 2 * 86400;
      if (skip_ahead && rule.freq == ICAL_HOURLY_RECURRENCE && rule.interval > 1) {
        // libical 3.0's set_start puts an HOURLY rule with an INTERVAL on
        // the wrong hours (it compares hours of the day, not hours since
        // DTSTART): DTSTART is moved ahead by whole periods instead, to the
        // period before the one that holds start_at.
        skip_ahead = false;
        std::int64_t wall_dtstart = seconds_from_civil(e.start.local);
        std::int64_t ahead = (seconds_from_civil(start_at) - wall_dtstart) / period - 1;
        if (ahead > 0 && !all_day) first = wall_time(civil_from_seconds(wall_dtstart + ahead * period), false);
      }
      it = icalrecur_iterator_new(rule, first);
      rule_expands = it != nullptr;
      if (it != nullptr && skip_ahead && !icalrecur_iterator_set_start(it, wall_time(start_at, all_day))) {
        icalrecur_iterator_free(it);  // no occurrence from there on
        it = nullptr;
      }
    }
  }
  // RFC 5545 §3.8.5.2: DTSTART is the first instance; libical gives it
  // itself when it matches the rule.
  if (!rule_expands) extra.push_back(e.start.local);
  std::sort(extra.begin(), extra.end());
  auto next_extra = extra.begin();
  Exclusions excluded(e);

  WalkResult result;
  std::optional<CivilTime> pending;  // the rule's next start
  Occurrence pending_occurrence;
  bool rule_cut = false;  // the rule stopped at walk_end, not at its own end
  std::int64_t rule_reached = walk_from;
  std::size_t rule_steps = 0;
  std::optional<CivilTime> last;
  std::int64_t last_start = 0;
  for (;;) {
    if (!pending && it != nullptr) {
      icaltimetype tt;
      {
        std::lock_guard lock(libical_mutex());
        tt = icalrecur_iterator_next(it);
      }
      if (icaltime_is_null_time(tt)) {
        // None up to a day past rule_end: the rule ended there (or COUNT ran out).
        rule_reached = std::max(rule_reached, rule_end);
        rule_cut = rule_end == walk_end && !(count > 0 && static_cast<int>(rule_steps) >= count);
        if (rule_cut) result.resume_from = std::min(result.resume_from, walk_end);
      } else {
        ++rule_steps;
        CivilTime local = civil_of(tt);
        Occurrence o = occurrence_at(local, e, len);
        rule_reached = std::max(rule_reached, o.start);
        if (o.start < rule_end) {
          pending = local;
          pending_occurrence = o;
        } else {
          rule_cut = rule_end == walk_end;
          if (rule_cut) result.resume_from = std::min(result.resume_from, o.start);
        }
      }
      if (!pending) {
        std::lock_guard lock(libical_mutex());
        icalrecur_iterator_free(it);
        it = nullptr;
      }
    }
    // The earlier of the rule's next start and the next RDATE.
    CivilTime chosen;
    Occurrence o;
    if (pending && (next_extra == extra.end() || *pending <= *next_extra)) {
      chosen = *pending;
      o = pending_occurrence;
      pending.reset();
    } else if (next_extra != extra.end()) {
      chosen = *next_extra++;
      o = occurrence_at(chosen, e, len);
    } else {
      break;
    }
    if (o.start >= walk_end) {
      result.end = at_walk_end;
      result.resume_from = std::min(result.resume_from, o.start);
      break;
    }
    if (!budget.spend(1)) {
      result.end = WalkEnd::out_of_budget;
      result.resume_from = o.start;
      break;
    }
    // An RDATE equal to a rule occurrence; or a wall-clock time in a
    // daylight-saving gap, which falls on the instant of the hour before or
    // after it: one occurrence.
    if (last && (chosen == *last || o.start == last_start)) continue;
    last = chosen;
    last_start = o.start;
    if (o.start < from || excluded.excludes(chosen)) continue;
    if (!fn(o)) {
      result.end = WalkEnd::stopped;
      break;
    }
  }
  // Everything before walk_end was seen, but the rule may go on after it.
  if (result.end == WalkEnd::finished && rule_cut) result.end = at_walk_end;
  if (result.end == WalkEnd::finished) result.resume_from = kOpenEnded;
  if (result.end == WalkEnd::out_of_budget) budget.run_out();
  // The periods walked over without an occurrence.
  if (period > 0 && rule_reached > walk_from) {
    auto periods = static_cast<std::size_t>((rule_reached - walk_from) / period);
    if (periods > rule_steps) budget.charge(periods - rule_steps);
  }
  if (it != nullptr) {
    std::lock_guard lock(libical_mutex());
    icalrecur_iterator_free(it);
  }
  return result;
}

// How many values a BYxxx array of libical holds.
int listed(const short* values, int size) {
  int n = 0;
  while (n < size && values[n] != ICAL_RECURRENCE_ARRAY_MAX) ++n;
  return n;
}

// Whether a RECUR value names the part `name` ("COUNT" in "FREQ=DAILY;COUNT=0").
bool names_part(std::string_view rule, std::string_view name) {
  std::size_t at = 0;
  while (at <= rule.size()) {
    std::size_t end = rule.find(';', at);
    std::string_view part = rule.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at);
    std::string_view key = part.substr(0, part.find('='));
    if (key.size() == name.size() &&
        std::equal(key.begin(), key.end(), name.begin(), [](char a, char b) { return (a & ~0x20) == b; }))
      return true;
    if (end == std::string_view::npos) break;
    at = end + 1;
  }
  return false;
}

}  // namespace

std::int64_t instant_of(const EventTime& t, std::string_view zone) {
  if (t.date_only) return local_to_utc(CivilTime{t.local.year, t.local.month, t.local.day, 0, 0, 0}, zone);
  return local_to_utc(t.local, zone);
}

std::optional<std::string> normalize_rrule(std::string_view text, const EventTime& start, std::string_view zone,
                                           std::string& error) {
  if (text.starts_with("RRULE:")) text.remove_prefix(6);
  if (text.empty() || text.size() > 1000) {
    error = "is empty or longer than 1000 characters";
    return std::nullopt;
  }
  for (char c : text) {
    if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f) {
      error = "holds a character an RRULE cannot have";
      return std::nullopt;
    }
  }
  std::lock_guard lock(libical_mutex());
  std::string copy(text);
  icalerror_clear_errno();
  icalrecurrencetype rule = icalrecurrencetype_from_string(copy.c_str());
  if (rule.freq == ICAL_NO_RECURRENCE || icalerrno != ICAL_NO_ERROR) {
    icalerror_clear_errno();
    error = "is not a recurrence rule (RFC 5545 §3.3.10), e.g. FREQ=WEEKLY;BYDAY=TU;COUNT=10";
    return std::nullopt;
  }
  if (rule.freq == ICAL_SECONDLY_RECURRENCE || rule.freq == ICAL_MINUTELY_RECURRENCE) {
    error = "repeats more often than hourly, which civic does not take";
    return std::nullopt;
  }
  // Several minutes or seconds expand each period into occurrences less
  // than an hour apart, whatever FREQ says (RFC 5545 §3.3.10: BYMINUTE and
  // BYSECOND expand a DAILY or HOURLY rule).
  if (listed(rule.by_minute, ICAL_BY_MINUTE_SIZE) > 1 || listed(rule.by_second, ICAL_BY_SECOND_SIZE) > 1) {
    error = "repeats more often than hourly (BYMINUTE or BYSECOND lists more than one value), which civic does "
            "not take";
    return std::nullopt;
  }
  bool has_until = !icaltime_is_null_time(rule.until);
  if (has_until && rule.count != 0) {
    error = "has both COUNT and UNTIL (RFC 5545 §3.3.10 allows one)";
    return std::nullopt;
  }
  // libical reads COUNT=0 as no COUNT at all (an endless series).
  if (rule.count < 0 || rule.count > kMaxCount || (rule.count == 0 && names_part(copy, "COUNT"))) {
    error = "has a COUNT outside 1 to " + std::to_string(kMaxCount) +
            " (a longer series ends with UNTIL, or has no end)";
    return std::nullopt;
  }
  if (rule.freq == ICAL_MONTHLY_RECURRENCE || rule.freq == ICAL_YEARLY_RECURRENCE) {
    // A month or year rule whose parts match no date (BYMONTH=2;BYMONTHDAY=30)
    // would make libical search every month up to the year 2582 on each
    // expansion: refused once here.
    icalrecurrencetype pattern = rule;
    pattern.count = 0;
    pattern.until = icaltime_null_time();
    icalrecur_iterator* it = icalrecur_iterator_new(pattern, wall_time(start.local, start.date_only));
    bool matches = it != nullptr && !icaltime_is_null_time(icalrecur_iterator_next(it));
    if (it != nullptr) icalrecur_iterator_free(it);
    icalerror_clear_errno();
    if (!matches) {
      error = "matches no date (BYMONTH, BYMONTHDAY, BYYEARDAY, BYWEEKNO, BYDAY and BYSETPOS together exclude "
              "every day)";
      return std::nullopt;
    }
  }
  if (has_until) {
    icaltimezone* utc = icaltimezone_get_utc_timezone();
    if (!start.date_only) {
      std::int64_t until;
      if (rule.until.is_date) {
        until = local_to_utc(CivilTime{rule.until.year, rule.until.month, rule.until.day, 23, 59, 59}, zone);
      } else if (icaltime_is_utc(rule.until)) {
        until = seconds_from_civil(civil_of(rule.until));
      } else {
        until = local_to_utc(civil_of(rule.until), zone);
      }
      rule.until = icaltime_from_timet_with_zone(static_cast<time_t>(until), 0, utc);
    } else if (!rule.until.is_date) {
      CivilTime day = icaltime_is_utc(rule.until)
                          ? utc_to_local(seconds_from_civil(civil_of(rule.until)), zone)
                          : civil_of(rule.until);
      rule.until = icaltime_null_time();
      rule.until.year = day.year;
      rule.until.month = day.month;
      rule.until.day = day.day;
      rule.until.is_date = 1;
    }
  }
  char* written = icalrecurrencetype_as_string_r(&rule);
  if (written == nullptr) {
    error = "could not be written back";
    return std::nullopt;
  }
  std::string out(written);
  std::free(written);
  return out;
}

bool has_count(const Event& e) {
  if (!e.recurrence || e.recurrence->rrule.empty()) return false;
  std::lock_guard lock(libical_mutex());
  return icalrecurrencetype_from_string(e.recurrence->rrule.c_str()).count > 0;
}

Expansion expand_occurrences(const Event& e, std::int64_t until, std::size_t max_occurrences) {
  Expansion x;
  Length len = length_of(e);
  if (!e.recurrence) {
    Occurrence o = occurrence_at(e.start.local, e, len);
    x.occurrences.push_back(o);
    x.first_start = o.start;
    x.last_end = o.end;
    return x;
  }
  ExpansionBudget budget(kMaxExpansionSteps);
  auto keep = [&](const Occurrence& o) {
    if (x.occurrences.size() >= max_occurrences) {
      x.truncated = true;
      x.resume_from = o.start;
      return false;
    }
    x.occurrences.push_back(o);
    return true;
  };
  WalkResult walked = walk_occurrences(e, len, std::numeric_limits<std::int64_t>::min() / 2, until, budget, keep);
  if (walked.end == WalkEnd::reached && x.occurrences.empty()) {
    // The first occurrence is always kept, however far ahead: the JSON
    // list finds every event by its first occurrence in the time index.
    max_occurrences = std::min<std::size_t>(max_occurrences, 1);
    walked = walk_occurrences(e, len, walked.resume_from, kOpenEnded, budget, keep);
  }
  if (walked.end == WalkEnd::reached || walked.end == WalkEnd::out_of_budget) {
    x.truncated = true;
    x.resume_from = walked.resume_from;
  }
  std::sort(x.occurrences.begin(), x.occurrences.end(),
            [](const Occurrence& a, const Occurrence& b) { return a.start < b.start; });
  if (x.occurrences.empty()) {
    Occurrence o = occurrence_at(e.start.local, e, len);
    x.first_start = o.start;
    x.last_end = x.truncated ? kOpenEnded : o.end;
    return x;
  }
  x.first_start = x.occurrences.front().start;
  x.last_end = 0;
  for (const auto& o : x.occurrences) x.last_end = std::max(x.last_end, o.end);
  if (x.truncated) x.last_end = kOpenEnded;
  return x;
}

std::vector<Occurrence> occurrences_between(const Event& e, std::int64_t from, std::int64_t qs, std::int64_t qe,
                                            ExpansionBudget& budget, std::size_t max_count) {
  std::vector<Occurrence> found;
  Length len = length_of(e);
  if (!e.recurrence) {
    Occurrence o = occurrence_at(e.start.local, e, len);
    if (o.start >= from && o.start < qe && o.end > qs && max_count > 0) found.push_back(o);
    return found;
  }
  if (max_count == 0) return found;
  walk_occurrences(e, len, std::max(from, qs - len.longest()), qe, budget, [&](const Occurrence& o) {
    if (o.end > qs) found.push_back(o);
    return found.size() < max_count;
  });
  return found;
}

std::optional<std::int64_t> first_overlap_after(const Event& e, std::int64_t from, std::int64_t qs, std::int64_t qe,
                                                ExpansionBudget& budget) {
  auto found = occurrences_between(e, from, qs, qe, budget, 1);
  if (found.empty()) return std::nullopt;
  return found.front().start;
}

}  // namespace civic::calendar
