#include "ical/recurrence.hpp"

#include <libical/ical.h>

#include <algorithm>
#include <cstdlib>
#include <mutex>

#include "ical/libical_zone.hpp"
#include "ical/timezone.hpp"

namespace civic::ical {

namespace {

icaltimetype to_icaltime(const EventTime& t, icaltimezone* zone) {
  icaltimetype tt = icaltime_null_time();
  tt.year = t.local.year;
  tt.month = t.local.month;
  tt.day = t.local.day;
  tt.is_date = t.date_only ? 1 : 0;
  if (!t.date_only) {
    tt.hour = t.local.hour;
    tt.minute = t.local.minute;
    tt.second = t.local.second;
    tt.zone = zone;
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

bool is_excluded(const Event& e, const CivilTime& local) {
  for (const auto& x : e.recurrence->exdates) {
    if (e.all_day() || x.date_only) {
      if (x.local.year == local.year && x.local.month == local.month && x.local.day == local.day) return true;
    } else if (x.local == local) {
      return true;
    }
  }
  return false;
}

// Walks the RRULE's occurrences in order (dtstart first) and the RDATEs,
// minus the EXDATEs, calling fn(local start) until it returns false.
// Each libical call holds libical_mutex() on its own (not the whole walk), so
// that a long expansion in a pool thread never makes the event loop wait long.
template <class Fn>
void for_each_start(const Event& e, std::size_t max_steps, Fn&& fn) {
  std::vector<CivilTime> extra;
  for (const auto& r : e.recurrence->rdates) extra.push_back(r.local);
  std::sort(extra.begin(), extra.end());
  std::size_t next_extra = 0;

  icalrecur_iterator* it = nullptr;
  if (!e.recurrence->rrule.empty()) {
    std::lock_guard lock(libical_mutex());
    icaltimezone* zone = find_libical_zone(e.timezone);
    icalrecurrencetype rule = icalrecurrencetype_from_string(e.recurrence->rrule.c_str());
    if (rule.freq != ICAL_NO_RECURRENCE) it = icalrecur_iterator_new(rule, to_icaltime(e.start, zone));
  }
  bool from_rule_done = it == nullptr;
  std::optional<CivilTime> pending;
  if (it == nullptr) pending = e.start.local;  // RDATE-only: DTSTART is the first instance
  std::size_t steps = 0;
  std::optional<CivilTime> last;
  while (steps++ < max_steps) {
    if (!pending && !from_rule_done) {
      icaltimetype tt;
      {
        std::lock_guard lock(libical_mutex());
        tt = icalrecur_iterator_next(it);
      }
      if (icaltime_is_null_time(tt)) {
        from_rule_done = true;
      } else {
        pending = civil_of(tt);
      }
    }
    // The earlier of the rule's next start and the next RDATE.
    std::optional<CivilTime> chosen;
    if (pending && (next_extra >= extra.size() || *pending <= extra[next_extra])) {
      chosen = *pending;
      pending.reset();
    } else if (next_extra < extra.size()) {
      chosen = extra[next_extra++];
    } else {
      break;
    }
    if (last && *chosen == *last) continue;  // an RDATE equal to a rule occurrence
    last = chosen;
    if (is_excluded(e, *chosen)) continue;
    if (!fn(*chosen)) break;
  }
  if (it != nullptr) {
    std::lock_guard lock(libical_mutex());
    icalrecur_iterator_free(it);
  }
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
  bool has_until = !icaltime_is_null_time(rule.until);
  if (has_until && rule.count != 0) {
    error = "has both COUNT and UNTIL (RFC 5545 §3.3.10 allows one)";
    return std::nullopt;
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
  // Steps beyond the occurrences wanted: EXDATEs skip some.
  std::size_t max_steps = max_occurrences + e.recurrence->exdates.size() + e.recurrence->rdates.size() + 1;
  for_each_start(e, max_steps, [&](const CivilTime& local) {
    Occurrence o = occurrence_at(local, e, len);
    // The first occurrence is always kept, however far ahead: the JSON
    // list finds every event by its first occurrence in the time index.
    if ((o.start >= until && !x.occurrences.empty()) || x.occurrences.size() >= max_occurrences) {
      x.truncated = true;
      x.resume_from = o.start;
      return false;
    }
    x.occurrences.push_back(o);
    return true;
  });
  if (x.occurrences.size() >= max_occurrences && !x.truncated) {
    // The walk stopped on its step limit: there may be more.
    x.truncated = true;
    x.resume_from = x.occurrences.back().start + 1;
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

std::optional<std::int64_t> first_overlap_after(const Event& e, std::int64_t from, std::int64_t qs, std::int64_t qe,
                                                std::size_t max_steps) {
  Length len = length_of(e);
  if (!e.recurrence) {
    Occurrence o = occurrence_at(e.start.local, e, len);
    if (o.start >= from && o.start < qe && o.end > qs) return o.start;
    return std::nullopt;
  }
  std::optional<std::int64_t> found;
  for_each_start(e, max_steps, [&](const CivilTime& local) {
    Occurrence o = occurrence_at(local, e, len);
    if (o.start >= qe) return false;
    if (o.start >= from && o.end > qs) {
      found = o.start;
      return false;
    }
    return true;
  });
  return found;
}

std::vector<Occurrence> occurrences_between(const Event& e, std::int64_t from, std::int64_t qs, std::int64_t qe,
                                            std::size_t max_steps, std::size_t max_count) {
  std::vector<Occurrence> found;
  Length len = length_of(e);
  if (!e.recurrence) {
    Occurrence o = occurrence_at(e.start.local, e, len);
    if (o.start >= from && o.start < qe && o.end > qs && max_count > 0) found.push_back(o);
    return found;
  }
  for_each_start(e, max_steps, [&](const CivilTime& local) {
    Occurrence o = occurrence_at(local, e, len);
    if (o.start >= qe) return false;
    if (o.start >= from && o.end > qs) found.push_back(o);
    return found.size() < max_count;
  });
  // RDATEs come in order with the rule's starts; a sort keeps it certain.
  std::sort(found.begin(), found.end(), [](const Occurrence& a, const Occurrence& b) { return a.start < b.start; });
  return found;
}

}  // namespace civic::ical
