#!/usr/bin/python3
"""Checks iCalendar text with python3-icalendar, as a calendar app would read it.

Reads stdin. python3-icalendar parses leniently, so beyond parsing this also
parses every property value again from its written form with the library's
type for it, and checks what RFC 5545 requires of each VEVENT: UID, DTSTAMP
(UTC), DTSTART (a date or a date-time), DTEND after DTSTART and of the same
type, every TZID defined by a VTIMEZONE with its observances, and that
writing the calendar back gives the same events. Prints "ok N" and the UIDs,
or the problems (exit 1).

(Timezone.to_tz() of python3-icalendar 4.0.3 is not used: with the dateutil
Debian ships it rejects an UNTIL in UTC beside a local DTSTART, which is what
RFC 5545 §3.3.10 requires inside STANDARD and DAYLIGHT.)

Run with Debian's python (/usr/bin/python3), which has python3-icalendar.
"""
import datetime
import sys

from icalendar import Calendar
from icalendar.prop import TypesFactory


def main():
    data = sys.stdin.buffer.read()
    problems = []
    try:
        calendars = Calendar.from_ical(data, multiple=True)
    except Exception as e:  # noqa: BLE001 - any failure is a finding
        print(f"does not parse: {e}")
        return 1
    if not calendars:
        print("no VCALENDAR")
        return 1
    uids = []
    for cal in calendars:
        if cal.name != "VCALENDAR":
            problems.append(f"top-level {cal.name}, not VCALENDAR")
            continue
        for key in ("VERSION", "PRODID"):
            if key not in cal:
                problems.append(f"VCALENDAR has no {key}")
        zones = set()
        for tz in cal.walk("VTIMEZONE"):
            tzid = str(tz.get("TZID", ""))
            observances = [c for c in tz.subcomponents if c.name in ("STANDARD", "DAYLIGHT")]
            if not tzid or not observances:
                problems.append(f"VTIMEZONE {tzid}: needs a TZID and STANDARD or DAYLIGHT")
            for o in observances:
                for key in ("DTSTART", "TZOFFSETFROM", "TZOFFSETTO"):
                    if key not in o:
                        problems.append(f"VTIMEZONE {tzid} {o.name}: no {key}")
            if tzid in zones:
                problems.append(f"VTIMEZONE {tzid} is there twice")
            zones.add(tzid)
        factory = TypesFactory()
        for comp in cal.walk():
            for err in getattr(comp, "errors", []):
                problems.append(f"{comp.name}: {err}")
            for name, value in comp.property_items(recursive=False, sorted=False):
                if name in ("BEGIN", "END"):
                    continue
                raw = value.to_ical() if hasattr(value, "to_ical") else value
                try:
                    factory.from_ical(name, raw.decode("utf-8") if isinstance(raw, bytes) else raw)
                except Exception as e:  # noqa: BLE001
                    problems.append(f"{comp.name} {name}: {e}")
        for ev in cal.walk("VEVENT"):
            uid = str(ev.get("UID", ""))
            where = f"VEVENT {uid or '(no UID)'}"
            if not uid:
                problems.append(f"{where}: no UID")
            uids.append(uid)
            stamp = ev.get("DTSTAMP")
            if stamp is None:
                problems.append(f"{where}: no DTSTAMP")
            elif not isinstance(stamp.dt, datetime.datetime) or stamp.dt.utcoffset() != datetime.timedelta(0):
                problems.append(f"{where}: DTSTAMP is not a UTC date-time")
            start = ev.get("DTSTART")
            if start is None:
                problems.append(f"{where}: no DTSTART")
                continue
            if not isinstance(start.dt, (datetime.date, datetime.datetime)):
                problems.append(f"{where}: DTSTART is neither a date nor a date-time")
                continue
            for prop in ("DTSTART", "DTEND", "EXDATE", "RDATE"):
                values = ev.get(prop)
                if values is None:
                    continue
                for v in values if isinstance(values, list) else [values]:
                    tzid = v.params.get("TZID")
                    if tzid is not None and tzid not in zones:
                        problems.append(f"{where}: {prop} TZID {tzid} has no VTIMEZONE")
            end = ev.get("DTEND")
            if end is not None:
                if isinstance(start.dt, datetime.datetime) != isinstance(end.dt, datetime.datetime):
                    problems.append(f"{where}: DTSTART and DTEND are not of the same type")
                elif isinstance(start.dt, datetime.datetime):
                    if (start.dt.tzinfo is None) != (end.dt.tzinfo is None):
                        problems.append(f"{where}: one of DTSTART and DTEND is floating")
                    elif end.dt <= start.dt:
                        problems.append(f"{where}: DTEND is not after DTSTART")
                elif end.dt <= start.dt:
                    problems.append(f"{where}: DTEND is not after DTSTART (all-day DTEND is exclusive)")
        again = Calendar.from_ical(cal.to_ical())
        if len(again.walk("VEVENT")) != len(cal.walk("VEVENT")):
            problems.append("written back, the calendar has another number of events")
    if problems:
        print("\n".join(problems))
        return 1
    print(f"ok {len(uids)}")
    for uid in uids:
        print(uid)
    return 0


if __name__ == "__main__":
    sys.exit(main())
